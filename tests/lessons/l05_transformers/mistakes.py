"""Lesson 05: wrong implementations students really write (each must lose points of its exercise)
and correct implementations written differently from the reference (each must get full marks)."""

MISTAKES = {
    "causal_mask": {
        "diagonal masked (j < i)": '''
def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool), k=-1)
''',
        "True marks the blocked future (nn.MultiheadAttention's convention)": '''
def causal_mask(T):
    return np.triu(np.ones((T, T), dtype=bool), k=1)
''',
        "upper triangle (query and key axes swapped)": '''
def causal_mask(T):
    return np.triu(np.ones((T, T), dtype=bool))
''',
        "float ones and zeros instead of booleans": '''
def causal_mask(T):
    return np.tril(np.ones((T, T)))
''',
    },
    "scaled_dot_product_attention": {
        "no scaling": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2)
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
''',
        "scaled by d_k instead of sqrt(d_k)": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / Q.shape[-1]
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
''',
        "scaled by sqrt of the sequence length": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(K.shape[-2])
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
''',
        "mask applied by multiplication after the softmax": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    weights = softmax(scores, axis=-1)
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        weights = weights * mask
    return weights @ V, weights
''',
        "mask inverted (True taken as masked out)": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        scores = np.where(mask, -np.inf, scores)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
''',
        "softmax over the query axis": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-2)
    return weights @ V, weights
''',
        "K.T reverses the batch axes too": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("a query has no key to attend to")
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
''',
        "masked_fill with -1e9 and no check: a fully masked row silently becomes uniform": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
''',
    },
    "sinusoidal_positions": {
        "sin and cos swapped": '''
def sinusoidal_positions(T, d_model):
    pe = np.zeros((T, d_model))
    positions = np.arange(T)[:, None]
    frequencies = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    pe[:, 0::2] = np.cos(positions * frequencies)
    pe[:, 1::2] = np.sin(positions * frequencies)
    return pe
''',
        "exponent uses the column number (i instead of 2i)": '''
def sinusoidal_positions(T, d_model):
    pe = np.zeros((T, d_model))
    for pos in range(T):
        for i in range(d_model):
            angle = pos / 10000 ** (i / d_model)
            pe[pos, i] = np.sin(angle) if i % 2 == 0 else np.cos(angle)
    return pe
''',
        "exponent 2i with i the column number": '''
def sinusoidal_positions(T, d_model):
    pe = np.zeros((T, d_model))
    for pos in range(T):
        for i in range(d_model):
            angle = pos / 10000 ** (2 * i / d_model)
            pe[pos, i] = np.sin(angle) if i % 2 == 0 else np.cos(angle)
    return pe
''',
        "sines in the first half, cosines in the second (not interleaved)": '''
def sinusoidal_positions(T, d_model):
    positions = np.arange(T)[:, None]
    frequencies = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    return np.concatenate([np.sin(positions * frequencies), np.cos(positions * frequencies)], axis=1)
''',
        "positions counted from 1": '''
def sinusoidal_positions(T, d_model):
    pe = np.zeros((T, d_model))
    positions = np.arange(1, T + 1)[:, None]
    frequencies = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    pe[:, 0::2] = np.sin(positions * frequencies)
    pe[:, 1::2] = np.cos(positions * frequencies)
    return pe
''',
    },
    "transformer_lr": {
        "no warm-up branch": '''
def transformer_lr(step, d_model, warmup_steps=4000):
    if step < 1:
        raise ValueError("step must be >= 1")
    return d_model ** -0.5 * step ** -0.5
''',
        "warmup_steps^-0.5 in the ramp": '''
def transformer_lr(step, d_model, warmup_steps=4000):
    if step < 1:
        raise ValueError("step must be >= 1")
    return d_model ** -0.5 * min(step ** -0.5, step * warmup_steps ** -0.5)
''',
        "max instead of min": '''
def transformer_lr(step, d_model, warmup_steps=4000):
    if step < 1:
        raise ValueError("step must be >= 1")
    return d_model ** -0.5 * max(step ** -0.5, step * warmup_steps ** -1.5)
''',
        "step 0 not rejected (NumPy turns 0^-0.5 into inf, the min into 0)": '''
def transformer_lr(step, d_model, warmup_steps=4000):
    step = np.float64(step)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(d_model ** -0.5 * np.minimum(step ** -0.5, step * warmup_steps ** -1.5))
''',
    },
    "mlm_corrupt": {
        "action decided by select_u instead of action_u": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u < p) & ~special_mask
    inputs = ids.copy()
    inputs[selected & (select_u < 0.8)] = mask_id
    random_here = selected & (select_u >= 0.8) & (select_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, np.where(selected, ids, -100)
''',
        "selected when select_u <= p": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u <= p) & ~special_mask
    inputs = ids.copy()
    inputs[selected & (action_u < 0.8)] = mask_id
    random_here = selected & (action_u >= 0.8) & (action_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, np.where(selected, ids, -100)
''',
        "special tokens not protected": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = select_u < p
    inputs = ids.copy()
    inputs[selected & (action_u < 0.8)] = mask_id
    random_here = selected & (action_u >= 0.8) & (action_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, np.where(selected, ids, -100)
''',
        "labels set everywhere instead of -100": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u < p) & ~special_mask
    inputs = ids.copy()
    inputs[selected & (action_u < 0.8)] = mask_id
    random_here = selected & (action_u >= 0.8) & (action_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, ids.copy()
''',
        "labels taken from the corrupted inputs": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u < p) & ~special_mask
    inputs = ids.copy()
    inputs[selected & (action_u < 0.8)] = mask_id
    random_here = selected & (action_u >= 0.8) & (action_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, np.where(selected, inputs, -100)
''',
        "mask when action_u <= 0.8": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u < p) & ~special_mask
    inputs = ids.copy()
    inputs[selected & (action_u <= 0.8)] = mask_id
    random_here = selected & (action_u > 0.8) & (action_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, np.where(selected, ids, -100)
''',
        "random token and unchanged bands swapped": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u < p) & ~special_mask
    inputs = ids.copy()
    inputs[selected & (action_u < 0.8)] = mask_id
    random_here = selected & (action_u >= 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, np.where(selected, ids, -100)
''',
        "ids modified in place": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    selected = (select_u < p) & ~special_mask
    labels = np.where(selected, ids, -100)
    inputs = ids
    inputs[selected & (action_u < 0.8)] = mask_id
    random_here = selected & (action_u >= 0.8) & (action_u < 0.9)
    inputs[random_here] = random_ids[random_here]
    return inputs, labels
''',
    },
}

ALTERNATIVES = {
    "causal_mask": '''
def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool))
''',
    "scaled_dot_product_attention": '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = np.einsum("...qd,...kd->...qk", Q, K) / np.sqrt(Q.shape[-1])
    keep = np.ones(scores.shape, dtype=bool) if mask is None else np.broadcast_to(mask, scores.shape)
    if not keep.any(axis=-1).all():
        raise ValueError("every key of some query is masked out")
    scores, keep = np.broadcast_arrays(scores, keep)
    largest = np.max(scores, axis=-1, where=keep, initial=-np.inf, keepdims=True)
    exps = np.exp(scores - largest, where=keep, out=np.zeros(scores.shape))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return np.einsum("...qk,...kd->...qd", weights, V), weights
''',
    "sinusoidal_positions": '''
def sinusoidal_positions(T, d_model):
    # the Annotated Transformer's way: frequencies through exp/log, even and odd columns filled apart
    pe = np.zeros((T, d_model))
    position = np.arange(T)[:, None]
    div_term = np.exp(np.arange(0, d_model, 2) * -(np.log(10000.0) / d_model))
    pe[:, 0::2] = np.sin(position * div_term)
    pe[:, 1::2] = np.cos(position * div_term)
    return pe
''',
    "transformer_lr": '''
def transformer_lr(step, d_model, warmup_steps=4000):
    if step < 1:
        raise ValueError(f"the schedule starts at step 1, not {step}")
    if step <= warmup_steps:
        return d_model ** -0.5 * step / warmup_steps ** 1.5
    return (d_model * step) ** -0.5
''',
    "mlm_corrupt": '''
def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    inputs = np.array(ids, copy=True)
    labels = np.full_like(inputs, -100)
    for i in range(len(ids)):
        if special_mask[i] or not select_u[i] < p:
            continue
        labels[i] = ids[i]
        if action_u[i] < 0.8:
            inputs[i] = mask_id
        elif action_u[i] < 0.9:
            inputs[i] = random_ids[i]
    return inputs, labels
''',
}
