"""Lesson 09: self-attention in depth (heads, grouped queries, the KV cache, sparse masks, blockwise attention)."""

import numpy as np

from solutions.l05_transformers import scaled_dot_product_attention  # the notebook provides the same one in a cell


def split_heads(x, n_heads):
    """Cut the d columns of x into n_heads attention heads of d / n_heads columns each.

    x: (..., T, d) float array, one row per position (any leading axes, e.g. (B, T, d)).
    n_heads: H, a divisor of d. Each head gets hd = d / H columns.
    Returns a float array of shape (..., H, T, hd) whose head h is the contiguous block of columns
    h*hd .. (h+1)*hd - 1 of x (not every H-th column): out[..., h, t, :] == x[..., t, h*hd:(h+1)*hd].
    The head axis comes just before the positions, so that each head is a (T, hd) matrix on its own.
    Example: x = [[0, 1, 2, 3], [4, 5, 6, 7]] (T = 2, d = 4), n_heads = 2 gives shape (2, 2, 2):
    head 0 is [[0, 1], [4, 5]] and head 1 is [[2, 3], [6, 7]].
    """
    ### BEGIN SOLUTION
    *batch, T, d = x.shape
    columns_per_head = x.reshape(*batch, T, n_heads, d // n_heads)
    return np.swapaxes(columns_per_head, -2, -3)
    ### END SOLUTION


def merge_heads(x):
    """Put the heads back side by side: the inverse of split_heads.

    x: (..., H, T, hd) float array, one (T, hd) matrix per head.
    Returns a float array of shape (..., T, H*hd) whose columns h*hd .. (h+1)*hd - 1 hold head h:
    out[..., t, h*hd:(h+1)*hd] == x[..., h, t, :]. So merge_heads(split_heads(x, H)) equals x.
    Example: x of shape (2, 2, 2) with head 0 = [[0, 1], [4, 5]] and head 1 = [[2, 3], [6, 7]]
    gives [[0, 1, 2, 3], [4, 5, 6, 7]] (shape (2, 4)).
    """
    ### BEGIN SOLUTION
    *batch, H, T, hd = x.shape
    return np.swapaxes(x, -2, -3).reshape(*batch, T, H * hd)
    ### END SOLUTION


def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    """Multi-head self-attention: n_heads attention heads side by side, then the output projection.

    x: (..., T, d) the vectors of T positions (any leading axes, e.g. (B, T, d)).
    W_q, W_k, W_v, W_o: (d, d) projection matrices, used as y = x W (no biases, no transpose).
    n_heads: H, a divisor of d; each head works on hd = d / H columns.
    mask: None (every position sees every position) or a bool (T, T) array, mask[i, j] True when
    query i may attend to key j (True = keep), shared by all heads; every row keeps at least one key.

    1. Queries, keys, values: Q = x W_q, K = x W_k, V = x W_v, each (..., T, d), cut into heads
       with split_heads (head h = columns h*hd .. (h+1)*hd - 1), each (..., H, T, hd).
    2. In every head, relevance scoring and combining information: softmax over the keys of
       Q_h K_h^T / sqrt(hd) (the width of ONE head, not d), masked keys getting weight 0, times V_h.
    3. The heads' outputs are put back side by side with merge_heads, (..., T, d), then times W_o.
    Returns a float64 array of the shape of x.
    Example: x = [[1, 0], [0, 1]], W_q = W_k = W_v = W_o = the 2 x 2 identity, n_heads = 2: each
    head has width 1; head 0 sees the scores [[1, 0], [0, 0]], so its weights are
    [[0.731, 0.269], [0.5, 0.5]] over the values [1, 0]; head 1 likewise with the roles swapped.
    The result is [[0.731, 0.5], [0.5, 0.731]] (0.731 = e / (e + 1)).
    """
    ### BEGIN SOLUTION
    # one split_heads call for all three: stacked on a new first axis, (3, ..., T, d) -> (3, ..., H, T, hd)
    queries, keys, values = split_heads(np.stack([x @ W_q, x @ W_k, x @ W_v]), n_heads)
    heads, _ = scaled_dot_product_attention(queries, keys, values, mask)
    return merge_heads(heads) @ W_o
    ### END SOLUTION


def grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask=None):
    """Grouped-query attention (Llama 2 70B, Llama 3): n_heads query heads share n_kv_heads key/value heads.

    x: (..., T, d); hd = d // n_heads, the width of every head.
    W_q: (d, n_heads*hd); W_k, W_v: (d, n_kv_heads*hd), fewer columns: only n_kv_heads heads of keys
    and values; W_o: (n_heads*hd, d). All used as y = x W, no biases.
    n_kv_heads divides n_heads; each group of g = n_heads / n_kv_heads query heads shares one key/value
    head. Groups are contiguous, as in Llama: query head i uses key/value head i // g (with 8 query
    heads and 2 kv heads, query heads 0-3 use kv head 0 and 4-7 use kv head 1).
    n_kv_heads = 1 is multi-query attention; n_kv_heads = n_heads is multi-head attention.
    mask: None or a bool (T, T) array, True = query i may attend to key j, shared by all heads.

    Queries, keys and values are cut into heads with split_heads (contiguous column blocks), each
    query head attends (scores / sqrt(hd), softmax over the keys) with its group's keys and values,
    and the query heads' outputs are merged with merge_heads and multiplied by W_o.
    Returns a float64 array of the shape of x.
    Example: with n_kv_heads = n_heads it equals multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads,
    mask). With n_heads = 2, n_kv_heads = 1, x = [[1, 0], [0, 1]], W_q = W_o = the 2 x 2 identity,
    W_k = [[1], [0]] and W_v = [[0], [1]], the one kv head (width 1) has keys [1, 0] and values [0, 1],
    shared by both query heads. Head 0 (queries [1, 0]) has weights [[0.731, 0.269], [0.5, 0.5]] and
    outputs [0.269, 0.5]; head 1 (queries [0, 1]) has weights [[0.5, 0.5], [0.731, 0.269]] and outputs
    [0.5, 0.269]. The result is [[0.269, 0.5], [0.5, 0.269]].
    """
    ### BEGIN SOLUTION
    queries = split_heads(x @ W_q, n_heads)
    keys, values = split_heads(np.stack([x @ W_k, x @ W_v]), n_kv_heads)
    group_size = n_heads // n_kv_heads
    # np.repeat keeps the groups contiguous: kv heads [a, b] become [a, a, b, b], so query head i meets kv head i // g
    keys, values = (np.repeat(m, group_size, axis=-3) for m in (keys, values))
    heads, _ = scaled_dot_product_attention(queries, keys, values, mask)
    return merge_heads(heads) @ W_o
    ### END SOLUTION


def kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    """The memory a KV cache takes, in bytes.

    During generation every layer keeps, for every sequence of the batch and every position so far,
    one key vector AND one value vector of head_dim numbers for each of its n_kv_heads key/value heads.
    batch, seq_len, n_layers, n_kv_heads, head_dim: positive ints; bytes_per_value: int, the size of one
    number (2 for bfloat16 or float16, 4 for float32, 1 for 8-bit formats).
    Returns the number of bytes as an int (a Python int or a NumPy integer).
    Example: Llama 3 8B (32 layers, 8 key/value heads of width 128) holding 8192 tokens of one
    sequence in bfloat16 takes 1,073,741,824 bytes, exactly 1 GiB.
    """
    ### BEGIN SOLUTION
    keys_and_values = 2
    return keys_and_values * batch * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value
    ### END SOLUTION


def sliding_window_mask(T, window):
    """Local attention: each position sees itself and the window - 1 positions before it.

    T: int >= 1, the sequence length; window: int >= 1, how many positions a query sees, itself included.
    Returns a bool (T, T) array, mask[i, j] True (may attend) exactly when
    i - window < j <= i, i.e. j in i-window+1 .. i: causal (never j > i) and at most `window` keys.
    window = 1 keeps only the diagonal; window >= T gives the causal mask.
    Example: sliding_window_mask(4, 2) is
        [[T, F, F, F],
         [T, T, F, F],
         [F, T, T, F],
         [F, F, T, T]]
    """
    ### BEGIN SOLUTION
    offset = np.arange(T)[:, None] - np.arange(T)[None, :]  # i - j: how far back key j is
    return (offset >= 0) & (offset < window)
    ### END SOLUTION


def strided_sparse_mask(T, stride):
    """The strided pattern of sparse attention (Child et al. 2019, "Generating Long Sequences with
    Sparse Transformers", figure 3b): the last `stride` positions, plus every stride-th one before.

    T: int >= 1; stride: int >= 1. Returns a bool (T, T) array, mask[i, j] True exactly when j <= i
    (causal) and either i - j < stride (one of the `stride` most recent positions, itself included)
    or (i - j) % stride == 0 (a multiple of `stride` positions back).
    Example: strided_sparse_mask(6, 3)[5] (the last query) is [F, F, T, T, T, T]: keys 3, 4, 5 are
    recent (5 - j < 3) and key 2 is 3 positions back; key 0, 5 back, is not seen.
    """
    ### BEGIN SOLUTION
    offset = np.arange(T)[:, None] - np.arange(T)[None, :]
    return (offset >= 0) & ((offset < stride) | (offset % stride == 0))
    ### END SOLUTION


def fixed_sparse_mask(T, block):
    """The fixed pattern of sparse attention (Child et al. 2019, figure 3c): positions come in blocks
    of `block`; a query sees its own block so far, plus the last position of every earlier block.

    T: int >= 1; block: int >= 1. Returns a bool (T, T) array, mask[i, j] True exactly when j <= i
    (causal) and either j // block == i // block (same block) or j % block == block - 1 (j is the
    last position of its block, a "summary" position every later query can read).
    Example: fixed_sparse_mask(6, 3)[4] (query 4, in block 1 = positions 3, 4, 5) is
    [F, F, T, T, T, F]: key 2 ends block 0, keys 3 and 4 are its own block so far, key 5 is the future.
    """
    ### BEGIN SOLUTION
    query, key = np.arange(T)[:, None], np.arange(T)[None, :]
    same_block = key // block == query // block
    summary = key % block == block - 1
    return (key <= query) & (same_block | summary)
    ### END SOLUTION


def blockwise_attention(Q, K, V, block_size, causal=False):
    """Attention computed one block of keys at a time with an online softmax (the core of flash
    attention and ring attention): the same output as full attention, without ever holding all the
    scores of a query at once.

    Q: (..., T_q, d_k) queries; K: (..., T_k, d_k) keys; V: (..., T_k, d_v) values (the same leading
    axes, e.g. heads). block_size: int >= 1; the keys are processed in blocks of block_size positions,
    0 .. block_size-1, then block_size .. 2*block_size-1, and so on; the last block may be shorter.
    causal: if True (only with T_q == T_k), query i may attend to key j only when j <= i, where j is
    the key's position in the WHOLE sequence (not within its block).

    Returns the output only, (..., T_q, d_v), equal (to rounding, ~1e-15) to
    softmax(Q K^T / sqrt(d_k)) V over all keys (with the causal mask if asked), for every block size.
    Keep, for every query, the running maximum m of its scores so far, the running sum l of
    exp(score - m) and the running output o = sum of exp(score - m) * value. For each block with
    scores S (scaled by 1/sqrt(d_k)): m_new = max(m, the row maxima of S); every sum made so far was
    taken relative to the old m, so rescale l and o by exp(m - m_new) before adding the block's
    exp(S - m_new) terms. At the end, output = o / l. Start with m = -inf, l = 0, o = 0.
    Example: one query [[1.0]], keys [[0.0], [1.0], [2.0]], values [[1.0], [2.0], [3.0]], block_size 2:
    block 1 (keys 0, 1) gives m = 1, l = e^-1 + 1, o = e^-1 * 1 + 2; block 2 (key 2) raises m to 2,
    so l = (e^-1 + 1) e^-1 + 1 and o = (e^-1 + 2) e^-1 + 3; o / l = [[2.5752103826]], exactly the
    full softmax([0, 1, 2]) . [1, 2, 3].
    """
    ### BEGIN SOLUTION
    T_q, d_k = Q.shape[-2:]
    T_k = K.shape[-2]
    running_max = np.full(Q.shape[:-1] + (1,), -np.inf)
    running_sum = np.zeros(Q.shape[:-1] + (1,))
    running_output = np.zeros(Q.shape[:-1] + V.shape[-1:])
    for start in range(0, T_k, block_size):
        stop = min(start + block_size, T_k)
        scores = Q @ np.swapaxes(K[..., start:stop, :], -1, -2) / np.sqrt(d_k)
        if causal:
            visible = np.arange(start, stop)[None, :] <= np.arange(T_q)[:, None]
            scores = np.where(visible, scores, -np.inf)
        # Key 0 is in the first block and every query sees it, so the maximum is finite from then on.
        new_max = np.maximum(running_max, scores.max(axis=-1, keepdims=True))
        rescale = np.exp(running_max - new_max)
        exps = np.exp(scores - new_max)
        running_sum = running_sum * rescale + exps.sum(axis=-1, keepdims=True)
        running_output = running_output * rescale + exps @ V[..., start:stop, :]
        running_max = new_max
    return running_output / running_sum
    ### END SOLUTION
