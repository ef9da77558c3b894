"""Lesson 01: language models as next-token predictors."""

import numpy as np


def softmax(x, axis=-1):
    """Turn scores into probabilities along `axis`, without overflowing.

    x: array of any shape (float). Returns an array of the same shape whose entries along `axis`
    are positive and sum to 1. Inputs as large as +-1000 must work: subtract the maximum first
    (softmax does not change when you add a constant to every score).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)
    ### END SOLUTION


def cross_entropy(logits, target_ids):
    """Mean negative log-likelihood of the target tokens.

    logits: (T, V) scores, one row per position. target_ids: (T,) int, the token that came next.
    Returns a float: -mean_t log softmax(logits[t])[target_ids[t]], computed with log-sum-exp
    so that large logits do not overflow.
    """
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=float)
    target_ids = np.asarray(target_ids)
    top = np.max(logits, axis=-1, keepdims=True)
    log_normalizer = top[:, 0] + np.log(np.sum(np.exp(logits - top), axis=-1))
    target_logits = logits[np.arange(len(target_ids)), target_ids]
    return float(np.mean(log_normalizer - target_logits))
    ### END SOLUTION


def perplexity(logits, target_ids):
    """exp(cross-entropy): the model is as unsure as a uniform choice among this many tokens.

    logits: (T, V), target_ids: (T,) int. Returns a float >= 1.
    """
    ### BEGIN SOLUTION
    return float(np.exp(cross_entropy(logits, target_ids)))
    ### END SOLUTION


def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    """P(next | current) estimated by counting adjacent pairs, with add-alpha smoothing.

    token_ids: sequence of ints in [0, vocab_size). Returns a (V, V) float array P where
    P[a, b] = (count(a, b) + alpha) / (count(a, .) + alpha * V). Every row sums to 1: a token
    never followed by anything (and alpha = 0) gets the uniform row 1/V.
    """
    ### BEGIN SOLUTION
    counts = np.zeros((vocab_size, vocab_size), dtype=float)
    ids = np.asarray(token_ids, dtype=int)
    np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
    counts += alpha
    totals = counts.sum(axis=1, keepdims=True)
    uniform = np.full_like(counts, 1.0 / vocab_size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), uniform)
    ### END SOLUTION


def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    """Greedy autoregressive generation.

    next_token_logits: a function taking the list of ids so far and returning (V,) logits for the
    next token; call it once per new token, with the whole growing sequence. Append the argmax
    (the lowest id wins a tie). Stop after producing `eos_id` (it is included in the output) or
    after `max_new_tokens` new tokens. Returns the full list of ids: prompt + generated.
    """
    ### BEGIN SOLUTION
    ids = [int(i) for i in prompt_ids]
    for _ in range(max_new_tokens):
        logits = np.asarray(next_token_logits(list(ids)))
        next_id = int(np.argmax(logits))
        ids.append(next_id)
        if eos_id is not None and next_id == eos_id:
            break
    return ids
    ### END SOLUTION
