"""Lesson 09: wrong implementations students really write (each must lose points of its exercise)
and correct implementations written differently from the reference (each must get full marks).
Each string replaces the exercise's solution cell of the source notebook."""

MISTAKES = {
    "split_heads": {
        "interleaved heads (head h takes every H-th column)": '''
def split_heads(x, n_heads):
    *batch, T, d = x.shape
    return np.moveaxis(x.reshape(*batch, T, d // n_heads, n_heads), -1, -3)
''',
        "reshape straight to (H, T, hd), positions mixed": '''
def split_heads(x, n_heads):
    *batch, T, d = x.shape
    return x.reshape(*batch, n_heads, T, d // n_heads)
''',
        "transpose(1, 0, 2): only works without leading axes": '''
def split_heads(x, n_heads):
    T, d = x.shape[-2:]
    return x.reshape(T, n_heads, d // n_heads).transpose(1, 0, 2)
''',
        "head axis left after the positions": '''
def split_heads(x, n_heads):
    *batch, T, d = x.shape
    return x.reshape(*batch, T, n_heads, d // n_heads)
''',
    },
    "merge_heads": {
        "bare reshape, positions mixed": '''
def merge_heads(x):
    *batch, H, T, hd = x.shape
    return x.reshape(*batch, T, H * hd)
''',
        "interleaved merge (head h to every H-th column)": '''
def merge_heads(x):
    *batch, H, T, hd = x.shape
    return np.moveaxis(x, -3, -1).reshape(*batch, T, H * hd)
''',
        "transpose(1, 0, 2): only works without leading axes": '''
def merge_heads(x):
    H, T, hd = x.shape[-3:]
    return x.transpose(1, 0, 2).reshape(T, H * hd)
''',
        "heads concatenated along the positions": '''
def merge_heads(x):
    H = x.shape[-3]
    return np.concatenate([x[..., h, :, :] for h in range(H)], axis=-2)
''',
    },
    "multi_head_attention": {
        "scores divided by sqrt(d) instead of sqrt(d / n_heads)": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    q, k, v = split_heads(x @ W_q, n_heads), split_heads(x @ W_k, n_heads), split_heads(x @ W_v, n_heads)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(x.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return merge_heads(softmax(scores) @ v) @ W_o
''',
        "interleaved heads, cut by hand": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    *batch, T, d = x.shape
    cut = lambda m: np.moveaxis(m.reshape(*batch, T, d // n_heads, n_heads), -1, -3)
    out, _ = scaled_dot_product_attention(cut(x @ W_q), cut(x @ W_k), cut(x @ W_v), mask)
    return np.moveaxis(out, -3, -1).reshape(*batch, T, d) @ W_o
''',
        "output projection transposed (nn.Linear habit)": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ W, n_heads) for W in (W_q, W_k, W_v))
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(out) @ W_o.T
''',
        "no output projection": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ W, n_heads) for W in (W_q, W_k, W_v))
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(out)
''',
        "mask ignored": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ W, n_heads) for W in (W_q, W_k, W_v))
    out, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(out) @ W_o
''',
        "mask applied to the weights after the softmax": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ W, n_heads) for W in (W_q, W_k, W_v))
    weights = softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]))
    if mask is not None:
        weights = weights * mask
    return merge_heads(weights @ v) @ W_o
''',
        "heads merged by a reshape without moving the head axis back": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ W, n_heads) for W in (W_q, W_k, W_v))
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    return out.reshape(x.shape) @ W_o
''',
        "one head over all d columns": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    out, _ = scaled_dot_product_attention(x @ W_q, x @ W_k, x @ W_v, mask)
    return out @ W_o
''',
    },
    "grouped_query_attention": {
        "query head i uses kv head i % n_kv_heads (np.tile)": '''
def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    q = split_heads(x @ W_q, n_heads)
    k, v = split_heads(x @ W_k, n_kv_heads), split_heads(x @ W_v, n_kv_heads)
    reps = [1] * k.ndim
    reps[-3] = n_heads // n_kv_heads
    out, _ = scaled_dot_product_attention(q, np.tile(k, reps), np.tile(v, reps), mask)
    return merge_heads(out) @ W_o
''',
        "scores divided by sqrt(d) instead of sqrt(head_dim)": '''
def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    q = split_heads(x @ W_q, n_heads)
    k, v = split_heads(x @ W_k, n_kv_heads), split_heads(x @ W_v, n_kv_heads)
    k, v = np.repeat(k, n_heads // n_kv_heads, axis=-3), np.repeat(v, n_heads // n_kv_heads, axis=-3)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(x.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return merge_heads(softmax(scores) @ v) @ W_o
''',
        "kv heads not repeated (broadcasting works only for multi-query and multi-head)": '''
def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    q = split_heads(x @ W_q, n_heads)
    k, v = split_heads(x @ W_k, n_kv_heads), split_heads(x @ W_v, n_kv_heads)
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(out) @ W_o
''',
        "mask ignored": '''
def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    q = split_heads(x @ W_q, n_heads)
    k, v = split_heads(x @ W_k, n_kv_heads), split_heads(x @ W_v, n_kv_heads)
    k, v = np.repeat(k, n_heads // n_kv_heads, axis=-3), np.repeat(v, n_heads // n_kv_heads, axis=-3)
    out, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(out) @ W_o
''',
        "repeated n_kv_heads times instead of n_heads / n_kv_heads": '''
def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    q = split_heads(x @ W_q, n_heads)
    k, v = split_heads(x @ W_k, n_kv_heads), split_heads(x @ W_v, n_kv_heads)
    k, v = np.repeat(k, n_kv_heads, axis=-3), np.repeat(v, n_kv_heads, axis=-3)
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(out) @ W_o
''',
    },
    "kv_cache_bytes": {
        "keys only (no factor 2 for the values)": '''
def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    return batch * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value
''',
        "batch forgotten": '''
def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    return 2 * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value
''',
        "one layer only": '''
def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    return 2 * batch * seq_len * n_kv_heads * head_dim * bytes_per_value
''',
        "returns GiB": '''
def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    return 2 * batch * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value / 2 ** 30
''',
        "bits: multiplied by 8": '''
def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    return 2 * batch * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value * 8
''',
    },
    "sliding_window_mask": {
        "window + 1 keys (i - j <= window)": '''
def sliding_window_mask(T, window):
    i, j = np.indices((T, T))
    return (j <= i) & (i - j <= window)
''',
        "not causal (|i - j| < window)": '''
def sliding_window_mask(T, window):
    i, j = np.indices((T, T))
    return np.abs(i - j) < window
''',
        "the query itself left out": '''
def sliding_window_mask(T, window):
    i, j = np.indices((T, T))
    return (j < i) & (i - j <= window)
''',
        "float band from np.tril": '''
def sliding_window_mask(T, window):
    ones = np.ones((T, T))
    return np.tril(ones) - np.tril(ones, -window)
''',
    },
    "strided_sparse_mask": {
        "every stride-th position only, no recent ones": '''
def strided_sparse_mask(T, stride):
    i, j = np.indices((T, T))
    return (j <= i) & ((i - j) % stride == 0)
''',
        "j % stride == 0 instead of (i - j) % stride == 0": '''
def strided_sparse_mask(T, stride):
    i, j = np.indices((T, T))
    return (j <= i) & ((i - j < stride) | (j % stride == 0))
''',
        "not causal": '''
def strided_sparse_mask(T, stride):
    i, j = np.indices((T, T))
    return (np.abs(i - j) < stride) | ((i - j) % stride == 0)
''',
        "recent positions only (a sliding window)": '''
def strided_sparse_mask(T, stride):
    i, j = np.indices((T, T))
    return (j <= i) & (i - j < stride)
''',
    },
    "fixed_sparse_mask": {
        "own block not causal": '''
def fixed_sparse_mask(T, block):
    i, j = np.indices((T, T))
    return (j // block == i // block) | ((j % block == block - 1) & (j <= i))
''',
        "summary is the first position of each block": '''
def fixed_sparse_mask(T, block):
    i, j = np.indices((T, T))
    return (j <= i) & ((j // block == i // block) | (j % block == 0))
''',
        "own block only, no summaries": '''
def fixed_sparse_mask(T, block):
    i, j = np.indices((T, T))
    return (j <= i) & (j // block == i // block)
''',
        "summaries of later blocks too": '''
def fixed_sparse_mask(T, block):
    i, j = np.indices((T, T))
    return ((j <= i) & (j // block == i // block)) | (j % block == block - 1)
''',
    },
    "blockwise_attention": {
        "running sum not rescaled when the maximum grows": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q, d_k = Q.shape[-2:]
    m = np.full(Q.shape[:-1] + (1,), -np.inf)
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, K.shape[-2], block_size):
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2) / np.sqrt(d_k)
        if causal:
            s = np.where(np.arange(start, start + s.shape[-1]) <= np.arange(T_q)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        l = l + p.sum(axis=-1, keepdims=True)
        o = o * np.exp(m - m_new) + p @ V[..., start:start + block_size, :]
        m = m_new
    return o / l
''',
        "running output not rescaled when the maximum grows": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q, d_k = Q.shape[-2:]
    m = np.full(Q.shape[:-1] + (1,), -np.inf)
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, K.shape[-2], block_size):
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2) / np.sqrt(d_k)
        if causal:
            s = np.where(np.arange(start, start + s.shape[-1]) <= np.arange(T_q)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        l = l * np.exp(m - m_new) + p.sum(axis=-1, keepdims=True)
        o = o + p @ V[..., start:start + block_size, :]
        m = m_new
    return o / l
''',
        "last, shorter block dropped": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q, d_k = Q.shape[-2:]
    m = np.full(Q.shape[:-1] + (1,), -np.inf)
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for b in range(K.shape[-2] // block_size):
        start = b * block_size
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2) / np.sqrt(d_k)
        if causal:
            s = np.where(np.arange(start, start + block_size) <= np.arange(T_q)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        l = l * np.exp(m - m_new) + p.sum(axis=-1, keepdims=True)
        o = o * np.exp(m - m_new) + p @ V[..., start:start + block_size, :]
        m = m_new
    return o / l
''',
        "causal mask with positions inside the block": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q, d_k = Q.shape[-2:]
    m = np.full(Q.shape[:-1] + (1,), -np.inf)
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, K.shape[-2], block_size):
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2) / np.sqrt(d_k)
        if causal:
            s = np.where(np.arange(s.shape[-1]) <= np.arange(T_q)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        l = l * np.exp(m - m_new) + p.sum(axis=-1, keepdims=True)
        o = o * np.exp(m - m_new) + p @ V[..., start:start + block_size, :]
        m = m_new
    return o / l
''',
        "no running maximum: exp of the raw scores": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q, d_k = Q.shape[-2:]
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, K.shape[-2], block_size):
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2) / np.sqrt(d_k)
        if causal:
            s = np.where(np.arange(start, start + s.shape[-1]) <= np.arange(T_q)[:, None], s, -np.inf)
        p = np.exp(s)
        l = l + p.sum(axis=-1, keepdims=True)
        o = o + p @ V[..., start:start + block_size, :]
    return o / l
''',
        "each block's softmax output averaged": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q, d_k = Q.shape[-2:]
    outputs = []
    for start in range(0, K.shape[-2], block_size):
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2) / np.sqrt(d_k)
        if causal:
            s = np.where(np.arange(start, start + s.shape[-1]) <= np.arange(T_q)[:, None], s, -np.inf)
        outputs.append(softmax(s) @ V[..., start:start + block_size, :])
    return np.mean(outputs, axis=0)
''',
        "scores not scaled": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    T_q = Q.shape[-2]
    m = np.full(Q.shape[:-1] + (1,), -np.inf)
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, K.shape[-2], block_size):
        s = Q @ np.swapaxes(K[..., start:start + block_size, :], -1, -2)
        if causal:
            s = np.where(np.arange(start, start + s.shape[-1]) <= np.arange(T_q)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        l = l * np.exp(m - m_new) + p.sum(axis=-1, keepdims=True)
        o = o * np.exp(m - m_new) + p @ V[..., start:start + block_size, :]
        m = m_new
    return o / l
''',
    },
}

ALTERNATIVES = {
    "split_heads": '''
def split_heads(x, n_heads):
    width = x.shape[-1] // n_heads
    return np.stack([x[..., h * width:(h + 1) * width] for h in range(n_heads)], axis=-3)
''',
    "merge_heads": '''
def merge_heads(x):
    return np.concatenate([x[..., h, :, :] for h in range(x.shape[-3])], axis=-1)
''',
    "multi_head_attention": '''
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    # einsum over explicit head axes, without the helpers
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = ((x @ W).reshape(*batch, T, n_heads, hd) for W in (W_q, W_k, W_v))
    scores = np.einsum("...ihc,...jhc->...hij", q, k) / np.sqrt(hd)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return np.einsum("...hij,...jhc->...ihc", weights, v).reshape(*batch, T, d) @ W_o
''',
    "grouped_query_attention": '''
def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    # no copies: query heads reshaped to (kv head, member of its group), keys broadcast over the members
    group = n_heads // n_kv_heads
    q = split_heads(x @ W_q, n_heads)
    q = q.reshape(*q.shape[:-3], n_kv_heads, group, *q.shape[-2:])
    k = split_heads(x @ W_k, n_kv_heads)[..., :, None, :, :]
    v = split_heads(x @ W_v, n_kv_heads)[..., :, None, :, :]
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(out.reshape(*out.shape[:-4], n_heads, *out.shape[-2:])) @ W_o
''',
    "kv_cache_bytes": '''
import math


def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    per_token_per_layer = 2 * n_kv_heads * head_dim * bytes_per_value
    return math.prod([batch, seq_len, n_layers, per_token_per_layer])
''',
    "sliding_window_mask": '''
def sliding_window_mask(T, window):
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        mask[i, max(0, i - window + 1):i + 1] = True
    return mask
''',
    "strided_sparse_mask": '''
def strided_sparse_mask(T, stride):
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        mask[i, max(0, i - stride + 1):i + 1] = True   # the recent positions
        mask[i, i::-stride] = True                       # every stride-th one back from i
    return mask
''',
    "fixed_sparse_mask": '''
def fixed_sparse_mask(T, block):
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        start = i - i % block
        mask[i, start:i + 1] = True
        mask[i, block - 1:start:block] = True
    return mask
''',
    "blockwise_attention": '''
def blockwise_attention(Q, K, V, block_size, causal=False):
    # the running log-sum-exp and the normalised output, instead of maximum, sum and unnormalised output
    T_q = Q.shape[-2]
    lse = np.full(Q.shape[:-1] + (1,), -np.inf)
    out = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, K.shape[-2], block_size):
        keys, values = K[..., start:start + block_size, :], V[..., start:start + block_size, :]
        scores = Q @ np.swapaxes(keys, -1, -2) / np.sqrt(Q.shape[-1])
        if causal:
            positions = start + np.arange(keys.shape[-2])
            scores = np.where(positions[None, :] <= np.arange(T_q)[:, None], scores, -np.inf)
        new_lse = np.logaddexp(lse, np.logaddexp.reduce(scores, axis=-1, keepdims=True))
        out = out * np.exp(lse - new_lse) + np.exp(scores - new_lse) @ values
        lse = new_lse
    return out
''',
}
