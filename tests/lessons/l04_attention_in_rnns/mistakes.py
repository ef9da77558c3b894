"""Lesson 04: wrong implementations students write (each must lose points) and correct ones written
differently from the reference (each must get full marks). Each string replaces the exercise's
solution cell; the dot_attention cell also holds the masked_softmax helper. A mistake is graded in
the released notebook, where the other exercises are stubs, so it must not call them."""

MISTAKES = {
    "rnn_step": {
        "no bias": '''
def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh)
''',
        "W_hh transposed (PyTorch storage order)": '''
def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h)
''',
        "column-vector convention, breaks on batches": '''
def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(W_xh.T @ x_t + W_hh.T @ h_prev + b_h)
''',
        "no tanh": '''
def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    return x_t @ W_xh + h_prev @ W_hh + b_h
''',
    },
    "rnn_encode": {
        "h0 included as the first row": '''
def rnn_encode(X, W_xh, W_hh, b_h, h0=None):
    h = np.zeros(W_hh.shape[0]) if h0 is None else h0
    states = [h]
    for x_t in X:
        h = np.tanh(x_t @ W_xh + h @ W_hh + b_h)
        states.append(h)
    return np.array(states), h
''',
        "states stored before the update": '''
def rnn_encode(X, W_xh, W_hh, b_h, h0=None):
    h = np.zeros(W_hh.shape[0]) if h0 is None else h0
    states = []
    for x_t in X:
        states.append(h)
        h = np.tanh(x_t @ W_xh + h @ W_hh + b_h)
    return np.array(states), h
''',
        "h0 ignored": '''
def rnn_encode(X, W_xh, W_hh, b_h, h0=None):
    h = np.zeros(W_hh.shape[0])
    states = []
    for x_t in X:
        h = np.tanh(x_t @ W_xh + h @ W_hh + b_h)
        states.append(h)
    return np.array(states), h
''',
        "returns only the states, not h_T": '''
def rnn_encode(X, W_xh, W_hh, b_h, h0=None):
    h = np.zeros(W_hh.shape[0]) if h0 is None else h0
    states = []
    for x_t in X:
        h = np.tanh(x_t @ W_xh + h @ W_hh + b_h)
        states.append(h)
    return np.array(states)
''',
    },
    "dot_attention": {
        "softmax over the queries axis": '''
def dot_attention(query, keys, values, mask=None):
    scores = query @ keys.T
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=0))
    weights = exps / exps.sum(axis=0)
    return weights @ values, weights
''',
        "mask applied after the softmax, not renormalised": '''
def dot_attention(query, keys, values, mask=None):
    scores = query @ keys.T
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        weights = weights * mask
    return weights @ values, weights
''',
        "masking by multiplying the scores": '''
def dot_attention(query, keys, values, mask=None):
    scores = query @ keys.T
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        scores = scores * mask
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
        "-1e9 fill: a fully masked query becomes uniform instead of raising": '''
def dot_attention(query, keys, values, mask=None):
    scores = query @ keys.T
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
        "-inf fill without a check: a fully masked query gives NaN": '''
def dot_attention(query, keys, values, mask=None):
    scores = query @ keys.T
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
        "scaled by 1/sqrt(d) as in the Transformer": '''
def dot_attention(query, keys, values, mask=None):
    scores = query @ keys.T / np.sqrt(keys.shape[-1])
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
    },
    "additive_attention": {
        "no tanh": '''
def additive_attention(query, keys, values, W_q, W_k, v, mask=None):
    scores = ((query @ W_q)[..., None, :] + keys @ W_k) @ v
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
        "v not applied (sum of the tanh vector)": '''
def additive_attention(query, keys, values, W_q, W_k, v, mask=None):
    scores = np.tanh((query @ W_q)[..., None, :] + keys @ W_k).sum(axis=-1)
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
        "tanh after v": '''
def additive_attention(query, keys, values, W_q, W_k, v, mask=None):
    scores = np.tanh(((query @ W_q)[..., None, :] + keys @ W_k) @ v)
    if mask is not None:
        if not np.all(np.any(np.broadcast_to(mask, scores.shape), axis=-1)):
            raise ValueError("every position is masked")
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
        "mask forgotten": '''
def additive_attention(query, keys, values, W_q, W_k, v, mask=None):
    scores = np.tanh((query @ W_q)[..., None, :] + keys @ W_k) @ v
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exps / exps.sum(axis=-1, keepdims=True)
    return weights @ values, weights
''',
    },
    "attention_decoder_step": {
        "attends with s_prev instead of s_new": '''
def attention_decoder_step(y_prev_emb, s_prev, encoder_states, params):
    scores = encoder_states @ s_prev
    exps = np.exp(scores - scores.max())
    weights = exps / exps.sum()
    context = weights @ encoder_states
    s_new = np.tanh(y_prev_emb @ params["W_ys"] + s_prev @ params["W_ss"] + params["b_s"])
    logits = np.concatenate([s_new, context]) @ params["W_out"] + params["b_out"]
    return logits, s_new, weights
''',
        "concatenation order swapped": '''
def attention_decoder_step(y_prev_emb, s_prev, encoder_states, params):
    s_new = np.tanh(y_prev_emb @ params["W_ys"] + s_prev @ params["W_ss"] + params["b_s"])
    scores = encoder_states @ s_new
    exps = np.exp(scores - scores.max())
    weights = exps / exps.sum()
    context = weights @ encoder_states
    logits = np.concatenate([context, s_new]) @ params["W_out"] + params["b_out"]
    return logits, s_new, weights
''',
        "softmax applied to the logits": '''
def attention_decoder_step(y_prev_emb, s_prev, encoder_states, params):
    s_new = np.tanh(y_prev_emb @ params["W_ys"] + s_prev @ params["W_ss"] + params["b_s"])
    scores = encoder_states @ s_new
    exps = np.exp(scores - scores.max())
    weights = exps / exps.sum()
    context = weights @ encoder_states
    logits = np.concatenate([s_new, context]) @ params["W_out"] + params["b_out"]
    probabilities = np.exp(logits - logits.max())
    return probabilities / probabilities.sum(), s_new, weights
''',
        "state update without b_s": '''
def attention_decoder_step(y_prev_emb, s_prev, encoder_states, params):
    s_new = np.tanh(y_prev_emb @ params["W_ys"] + s_prev @ params["W_ss"])
    scores = encoder_states @ s_new
    exps = np.exp(scores - scores.max())
    weights = exps / exps.sum()
    context = weights @ encoder_states
    logits = np.concatenate([s_new, context]) @ params["W_out"] + params["b_out"]
    return logits, s_new, weights
''',
    },
}

ALTERNATIVES = {
    "rnn_step": '''
def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    # one matrix product on [x_t, h_prev] with the weights stacked [W_xh; W_hh]
    stacked_input = np.concatenate([x_t, h_prev], axis=-1)
    return np.tanh(stacked_input @ np.vstack([W_xh, W_hh]) + b_h)
''',
    "rnn_encode": '''
def rnn_encode(X, W_xh, W_hh, b_h, h0=None):
    X = np.asarray(X, dtype=float)
    H_all = np.empty((X.shape[0], W_hh.shape[1]))
    previous = np.zeros(W_hh.shape[1]) if h0 is None else np.array(h0, dtype=float)
    for t in range(X.shape[0]):
        H_all[t] = rnn_step(X[t], previous, W_xh, W_hh, b_h)
        previous = H_all[t]
    return H_all, H_all[-1].copy()
''',
    "dot_attention": '''
def dot_attention(query, keys, values, mask=None):
    queries = np.atleast_2d(query)
    scores = np.einsum("qd,td->qt", queries, keys)
    keep = np.ones(scores.shape, dtype=bool) if mask is None else np.broadcast_to(np.atleast_2d(mask), scores.shape)
    if (~keep).all(axis=1).any():
        raise ValueError("a query has all its positions masked")
    weights = np.zeros_like(scores)
    for row in range(scores.shape[0]):
        kept = scores[row, keep[row]]
        log_normaliser = kept.max() + np.log(np.exp(kept - kept.max()).sum())
        weights[row, keep[row]] = np.exp(kept - log_normaliser)
    context = np.einsum("qt,tv->qv", weights, values)
    if np.ndim(query) == 1:
        return context[0], weights[0]
    return context, weights
''',
    "additive_attention": '''
def additive_attention(query, keys, values, W_q, W_k, v, mask=None):
    queries = np.atleast_2d(query)
    scores = np.array([[v @ np.tanh(q @ W_q + k @ W_k) for k in keys] for q in queries])
    if mask is not None:
        keep = np.broadcast_to(np.atleast_2d(mask), scores.shape)
        if not keep.any(axis=1).all():
            raise ValueError("nothing to attend to: every position is masked")
        scores = np.where(keep, scores, -np.inf)
    exps = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = exps / exps.sum(axis=1, keepdims=True)
    context = weights @ values
    if np.ndim(query) == 1:
        return context[0], weights[0]
    return context, weights
''',
    "attention_decoder_step": '''
def attention_decoder_step(y_prev_emb, s_prev, encoder_states, params):
    d_h = s_prev.shape[0]
    s_new = np.tanh(y_prev_emb @ params["W_ys"] + s_prev @ params["W_ss"] + params["b_s"])
    scores = encoder_states @ s_new
    weights = np.exp(scores - scores.max())
    weights /= weights.sum()
    context = weights @ encoder_states
    # the halves of W_out: rows for s_new, then rows for the context
    logits = s_new @ params["W_out"][:d_h] + context @ params["W_out"][d_h:] + params["b_out"]
    return logits, s_new, weights
''',
}
