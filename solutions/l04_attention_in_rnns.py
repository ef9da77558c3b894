"""Lesson 04: encoding and decoding context with attention (the RNN era).

Row-vector convention throughout: a vector times a weight matrix is `x @ W`, with W of shape
(inputs, outputs), so a batch of vectors is a matrix with one vector per row.
"""

import numpy as np


def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    """One step of a vanilla (Elman) RNN: h_t = tanh(x_t W_xh + h_prev W_hh + b_h).

    x_t: (d_in,) one input vector, or (B, d_in) a batch of them (one per row).
    h_prev: (d_h,) or (B, d_h), the previous hidden state(s), same leading shape as x_t.
    W_xh: (d_in, d_h) input-to-hidden weights. W_hh: (d_h, d_h) hidden-to-hidden weights.
    b_h: (d_h,) bias.
    Returns h_t with the shape of h_prev: (d_h,) or (B, d_h). Each row of a batch is
    computed independently of the others.
    """
    ### BEGIN SOLUTION
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)
    ### END SOLUTION


def rnn_encode(X, W_xh, W_hh, b_h, h0=None):
    """Run the RNN over a whole sequence, left to right, with `rnn_step`.

    X: (T, d_in), one input vector per position, T >= 1. W_xh, W_hh, b_h: as in rnn_step.
    h0: (d_h,) the state before the first input; None means zeros.
    Returns (H_all, h_T): H_all (T, d_h) whose row t is the state right after reading X[t]
    (h0 itself is not a row), and h_T (d_h,) the final state, equal to H_all[-1].
    `h0` is not modified. Same result as torch.nn.RNN (tanh) with W_xh = weight_ih_l0.T,
    W_hh = weight_hh_l0.T and b_h = bias_ih_l0 + bias_hh_l0.
    """
    ### BEGIN SOLUTION
    h = np.zeros(W_hh.shape[0]) if h0 is None else np.asarray(h0, dtype=float)
    states = []
    for x_t in X:
        h = rnn_step(x_t, h, W_xh, W_hh, b_h)
        states.append(h)
    return np.stack(states), h
    ### END SOLUTION


def dot_attention(query, keys, values, mask=None):
    """Dot-product attention (Luong): a soft lookup of `query` among `keys`.

    query: (d,) one query, or (n_q, d) several queries, one per row.
    keys: (T, d), values: (T, d_v), one row per position (e.g. the encoder states).
    mask: None (every position is visible) or bool, shape (T,) or (n_q, T); True = keep.
    score_j = query . keys[j] (no scaling); weights = softmax of the scores over the T positions,
    with masked positions getting weight exactly 0 (the others still sum to 1);
    context = sum_j weights_j * values[j].
    Returns (context, weights): context (d_v,) and weights (T,) for one query,
    (n_q, d_v) and (n_q, T) for several. A query whose positions are all masked raises
    ValueError (there is nothing to attend to). Write the softmax part in `masked_softmax`
    (below), which additive_attention uses too.
    """
    ### BEGIN SOLUTION
    scores = query @ keys.T
    weights = masked_softmax(scores, mask)
    return weights @ values, weights
    ### END SOLUTION


def masked_softmax(scores, mask=None):
    """Softmax over the last axis of `scores`, with masked entries exactly 0.

    scores: (..., T). mask: None or bool broadcastable to scores' shape, True = keep.
    Masked scores are set to -inf before the softmax, so exp() makes them exactly 0 and the
    kept entries alone sum to 1. Raises ValueError when a row has every entry masked.
    """
    ### BEGIN SOLUTION
    scores = np.asarray(scores, dtype=float)
    if mask is not None:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
        if not np.all(np.any(mask, axis=-1)):
            raise ValueError("every position of a query is masked: there is nothing to attend to")
        scores = np.where(mask, scores, -np.inf)
    exps = np.exp(scores - np.max(scores, axis=-1, keepdims=True))
    return exps / np.sum(exps, axis=-1, keepdims=True)
    ### END SOLUTION


def additive_attention(query, keys, values, W_q, W_k, v, mask=None):
    """Additive attention (Bahdanau): score_j = v . tanh(query W_q + keys[j] W_k).

    query: (d_q,) or (n_q, d_q). keys: (T, d_k). values: (T, d_v).
    W_q: (d_q, d_a) and W_k: (d_k, d_a) project query and keys into a shared space of size d_a;
    v: (d_a,) turns each tanh(...) vector into one score.
    mask, weights (use masked_softmax), context, return shapes and the fully masked case: exactly
    as dot_attention. Returns (context, weights).
    """
    ### BEGIN SOLUTION
    projected_query = (query @ W_q)[..., np.newaxis, :]          # (1, d_a) or (n_q, 1, d_a)
    scores = np.tanh(projected_query + keys @ W_k) @ v           # (T,) or (n_q, T)
    weights = masked_softmax(scores, mask)
    return weights @ values, weights
    ### END SOLUTION


def attention_decoder_step(y_prev_emb, s_prev, encoder_states, params):
    """One step of an RNN decoder with dot-product attention over the encoder states.

    y_prev_emb: (d_e,) embedding of the previously produced token. s_prev: (d_h,) the previous
    decoder state. encoder_states: H, (T, d_h) (decoder and encoder states have the same size).
    params: dict of arrays: "W_ys" (d_e, d_h), "W_ss" (d_h, d_h), "b_s" (d_h,),
    "W_out" (2 d_h, V), "b_out" (V,).
        s_new = tanh(y_prev_emb W_ys + s_prev W_ss + b_s)          (the RNN update, first)
        context, weights = dot_attention(s_new, H, H)               (the NEW state asks)
        logits = concat(s_new, context) W_out + b_out               (state first, then context)
    Returns (logits (V,), s_new (d_h,), weights (T,)). Logits are raw scores, no softmax.
    """
    ### BEGIN SOLUTION
    s_new = rnn_step(y_prev_emb, s_prev, params["W_ys"], params["W_ss"], params["b_s"])
    context, weights = dot_attention(s_new, encoder_states, encoder_states)
    logits = np.concatenate([s_new, context]) @ params["W_out"] + params["b_out"]
    return logits, s_new, weights
    ### END SOLUTION
