"""Lesson 05: Transformers (Attention Is All You Need, BERT, GPT)."""

import numpy as np


def causal_mask(T):
    """The mask of a decoder (GPT): query position i may look at key positions j <= i only.

    T: int >= 1, the sequence length. Returns a bool array of shape (T, T) with
    mask[i, j] True where j <= i (the diagonal and below: every token sees itself and its past)
    and False where j > i (the future). True means "keep", as in `scaled_dot_product_attention`.
    """
    ### BEGIN SOLUTION
    positions = np.arange(T)
    return positions[None, :] <= positions[:, None]
    ### END SOLUTION


def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d_k)) V, the attention of "Attention Is All You Need".

    Q: (..., T_q, d_k) queries, K: (..., T_k, d_k) keys, V: (..., T_k, d_v) values; the leading
    batch dims `...` of Q and of K, V broadcast against each other (as in np.matmul).
    mask: None, or a bool array broadcastable to (..., T_q, T_k); mask[..., i, j] True means query i
    may attend to key j (True = keep), False means key j gets weight exactly 0 for query i.

    Returns (output, weights): weights (..., T_q, T_k), each row a softmax over the keys (sums to 1);
    output (..., T_q, d_v) = weights @ V. The scores are divided by sqrt(d_k), d_k = Q.shape[-1].
    If the mask leaves some query with no key at all, raise ValueError saying so: softmax over an
    empty set of keys is undefined (it would be 0/0 = NaN).
    """
    ### BEGIN SOLUTION
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        # -inf before the softmax makes masked keys exactly 0 after it, and rows still sum to 1.
        scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
        if np.any(np.all(np.isneginf(scores), axis=-1)):
            raise ValueError("the mask leaves a query with no key to attend to "
                             "(a row of the mask is all False): softmax over no keys is undefined")
    shifted = scores - np.max(scores, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    weights = exps / np.sum(exps, axis=-1, keepdims=True)
    return weights @ V, weights
    ### END SOLUTION


def sinusoidal_positions(T, d_model):
    """The fixed positional encodings of "Attention Is All You Need".

    T: number of positions (0, 1, ..., T-1); d_model: even int, the model width.
    Returns a (T, d_model) float array PE with, for i = 0, 1, ..., d_model/2 - 1,
        PE[pos, 2i]     = sin(pos / 10000^(2i / d_model))
        PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model))
    so the columns come in (sin, cos) pairs sharing one frequency, from fast (i = 0) to slow.
    """
    ### BEGIN SOLUTION
    positions = np.arange(T, dtype=float)[:, None]
    pair_index = np.arange(d_model) // 2
    angles = positions / 10000.0 ** (2 * pair_index / d_model)
    return np.where(np.arange(d_model) % 2 == 0, np.sin(angles), np.cos(angles))
    ### END SOLUTION


def transformer_lr(step, d_model, warmup_steps=4000):
    """The learning rate of "Attention Is All You Need" at training step `step` (counted from 1).

    lr = d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5): it grows linearly for the first
    `warmup_steps` steps, peaks at step == warmup_steps, then decays like 1/sqrt(step).
    Returns a float. `step` < 1 raises ValueError (step^-0.5 is undefined at 0).
    """
    ### BEGIN SOLUTION
    if step < 1:
        raise ValueError(f"step counts from 1, got {step}")
    return float(d_model ** -0.5 * min(step ** -0.5, step * warmup_steps ** -1.5))
    ### END SOLUTION


def mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15):
    """BERT's masked-language-model corruption, with the random draws given as arguments.

    ids: (T,) int token ids; special_mask: (T,) bool, True for tokens never to predict ([CLS],
    [SEP], padding); select_u, action_u: (T,) floats in [0, 1); random_ids: (T,) int, the
    replacement token to use at each position if it gets the random action; mask_id: int, the
    [MASK] id; p: the selection probability.

    Position i is selected when select_u[i] < p and it is not special. A selected position becomes
        mask_id        if action_u[i] < 0.8          (80%)
        random_ids[i]  if 0.8 <= action_u[i] < 0.9   (10%)
        ids[i]         otherwise (unchanged)         (10%)
    Positions not selected keep their id. Returns (inputs, labels), two int arrays shaped like ids:
    labels[i] = ids[i] (the original token) where selected, -100 elsewhere (ignored by the loss).
    `ids` itself is not modified.
    """
    ### BEGIN SOLUTION
    ids = np.asarray(ids)
    action_u = np.asarray(action_u)
    selected = (np.asarray(select_u) < p) & ~np.asarray(special_mask, dtype=bool)
    becomes_mask = selected & (action_u < 0.8)
    becomes_random = selected & (action_u >= 0.8) & (action_u < 0.9)
    inputs = np.where(becomes_mask, mask_id, np.where(becomes_random, random_ids, ids))
    labels = np.where(selected, ids, -100)
    return inputs, labels
    ### END SOLUTION
