"""Lesson 01: language models as next-token predictors."""

import numpy as np


def softmax(x, axis=-1):
    """Turn scores (logits) into probabilities along `axis`, without overflowing.

    x: array of any shape (float). axis: the axis that holds the scores of one distribution
    (default: the last one). Returns a new float array of the same shape whose entries along
    `axis` are positive and sum to 1; `x` itself is left unchanged.

    softmax(x)_i = exp(x_i) / sum_j exp(x_j). Scores as large as +-1000 must work: exp(1000)
    overflows to inf, so subtract the maximum along `axis` first (adding the same constant to
    every score does not change softmax).

    Example: softmax(np.array([1.0, 2.0, 3.0])) -> [0.09003057, 0.24472847, 0.66524096]
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # largest score becomes 0: exp() <= 1
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)
    ### END SOLUTION


def cross_entropy(logits, target_ids):
    """Mean negative log-likelihood of the target tokens (natural log, in nats).

    logits: (T, V) scores, row t = the model's scores for the token after position t.
    target_ids: (T,) ints in [0, V), the tokens that actually came next.
    Returns a Python float:  -(1/T) * sum_t log softmax(logits[t])[target_ids[t]].

    Compute log softmax with log-sum-exp, log softmax(z)_i = z_i - (m + log sum_j exp(z_j - m))
    where m = max_j z_j, so that logits of +-1000 give a finite, exact answer (log(softmax(z))
    fails there: the probability underflows to 0 and log(0) = -inf).

    Example: cross_entropy(np.zeros((2, 4)), np.array([1, 3])) -> log(4) = 1.3862944
    """
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=float)
    target_ids = np.asarray(target_ids, dtype=int)
    top = np.max(logits, axis=-1)
    log_normalizer = top + np.log(np.sum(np.exp(logits - top[:, None]), axis=-1))
    target_logits = logits[np.arange(len(target_ids)), target_ids]
    return float(np.mean(log_normalizer - target_logits))
    ### END SOLUTION


def perplexity(logits, target_ids):
    """exp(cross-entropy): the model is as unsure as a uniform choice among this many tokens.

    logits: (T, V), target_ids: (T,) ints, as for cross_entropy. Returns a Python float >= 1.

    Example: perplexity(np.zeros((2, 4)), np.array([1, 3])) -> 4.0 (uniform over 4 tokens)
    """
    ### BEGIN SOLUTION
    return float(np.exp(cross_entropy(logits, target_ids)))
    ### END SOLUTION


def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    """P(next | current) estimated by counting adjacent pairs, with add-alpha smoothing.

    token_ids: sequence of ints in [0, vocab_size) (it may be empty). vocab_size: V.
    alpha: float >= 0 added to every one of the V * V counts.
    Returns a (V, V) float array P with

        P[a, b] = (count(a, b) + alpha) / (count(a, .) + alpha * V)

    where count(a, b) is how often token b directly follows token a, and count(a, .) is the
    sum of row a. Every row sums to 1; a row with no counts at all (a token never followed by
    anything, and alpha = 0) is uniform: 1/V everywhere.

    Example: bigram_probabilities([0, 1, 0, 1, 2], 3) ->
        [[0, 1, 0], [0.5, 0, 0.5], [1/3, 1/3, 1/3]]
    """
    ### BEGIN SOLUTION
    ids = np.asarray(token_ids, dtype=int)
    counts = np.full((vocab_size, vocab_size), float(alpha))
    np.add.at(counts, (ids[:-1], ids[1:]), 1.0)  # add.at counts a repeated pair every time
    never_followed = counts.sum(axis=1) == 0
    counts[never_followed] = 1.0  # no evidence at all: every next token is equally likely
    return counts / counts.sum(axis=1, keepdims=True)
    ### END SOLUTION


def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    """Greedy autoregressive generation: repeatedly append the most likely next token.

    next_token_logits: a function (a language model) that takes the list of all ids so far and
    returns the (V,) logits of the next token. prompt_ids: the list of ids to start from.
    max_new_tokens: int >= 0, the most tokens to add. eos_id: the end-of-sequence id, or None.

    Each step calls next_token_logits once, with the whole sequence so far (prompt + the tokens
    generated until now), and appends the argmax of the logits; on a tie the lowest id wins.
    Stop right after generating eos_id (append it: it is part of the output; an eos_id already
    in the prompt does not count), or after max_new_tokens new tokens.
    Returns a list of ints: the prompt followed by the generated ids.

    Example: with a model whose argmax is always (last id + 1) % 5,
        generate(model, [0], 3) -> [0, 1, 2, 3];  generate(model, [0], 3, eos_id=2) -> [0, 1, 2]
    """
    ### BEGIN SOLUTION
    ids = [int(i) for i in prompt_ids]
    for _ in range(max_new_tokens):
        logits = np.asarray(next_token_logits(list(ids)))  # a copy: the model cannot change ours
        next_id = int(np.argmax(logits))  # np.argmax returns the first (lowest) index of a tie
        ids.append(next_id)
        if next_id == eos_id:
            break
    return ids
    ### END SOLUTION
