"""Lesson 07: Architectural overview, from hidden states to the next token."""

import numpy as np

from solutions.l01_introduction import softmax  # the notebook provides the same softmax in a cell


def lm_head_logits(hidden, W_unembed):
    """The LM head: scores for every token of the vocabulary, from the LAST position only.

    hidden: float array (..., T, d), the last Transformer block's output, one d-wide vector per
    position (track); any leading batch dims `...` come along. W_unembed: (d, V), the LM head's
    weight (with tied weights, the token-embedding matrix transposed).
    Returns the logits (..., V): the vector of position T - 1 (the last token's track) times
    W_unembed. The other positions are not used. No softmax: these are raw scores (logits).

    Example: hidden = [[1., 0.], [0., 2.]] (T = 2, d = 2), W_unembed = [[1., 2., 3.], [0., 1., -1.]]
    -> [0., 2., -2.]  (the last position [0., 2.] times W_unembed)
    """
    ### BEGIN SOLUTION
    last_track = np.asarray(hidden, dtype=float)[..., -1, :]
    return last_track @ np.asarray(W_unembed, dtype=float)
    ### END SOLUTION


def apply_temperature(logits, temperature):
    """Divide the logits by the temperature: below 1 sharpens the distribution, above 1 flattens it.

    logits: float array of any shape. temperature: a number > 0.
    Returns a new float array, logits / temperature (the logits passed in are not modified).
    A temperature <= 0 raises ValueError: dividing by 0 (or flipping the sign of every score) is
    not a distribution; temperature 0 means greedy decoding, which takes the argmax instead.

    Example: apply_temperature(np.array([2.0, 1.0, -1.0]), 0.5) -> [4., 2., -2.]
    """
    ### BEGIN SOLUTION
    if not temperature > 0:
        raise ValueError(f"the temperature must be > 0, got {temperature}; for greedy decoding take the argmax")
    return np.asarray(logits, dtype=float) / temperature
    ### END SOLUTION


def top_k_filter(logits, k):
    """Top-k: keep the k highest scores of one next-token distribution, set the others to -inf.

    logits: float array (V,). k: int >= 1; k >= V keeps every token. k < 1 raises ValueError
    (no token would be left to pick).
    Returns a new float array (V,): logits[i] where logits[i] is at least the k-th largest
    value, -np.inf elsewhere. Tokens tied with the k-th largest are ALL kept, so more than k
    tokens may survive. The logits passed in are not modified.

    Example: top_k_filter(np.array([1., 3., 2., 3., 0.]), 2) -> [-inf, 3., -inf, 3., -inf]
             top_k_filter(np.array([1., 3., 2., 2., 0.]), 2) -> [-inf, 3., 2., 2., -inf]  (a tie)
    """
    ### BEGIN SOLUTION
    if k < 1:
        raise ValueError(f"top-k needs k >= 1, got {k}")
    logits = np.asarray(logits, dtype=float)
    kth_largest = np.sort(logits)[-min(k, logits.size)]
    return np.where(logits >= kth_largest, logits, -np.inf)
    ### END SOLUTION


def top_p_filter(logits, p):
    """Top-p (nucleus): keep the most probable tokens until their probabilities add up to p.

    logits: float array (V,), possibly holding -inf (tokens already filtered out). p: in [0, 1].
    Turn the logits into probabilities (softmax), go through the tokens from the most to the
    least probable and add their probabilities up: keep every token up to and INCLUDING the one
    whose running total first reaches p (>= p). At least one token is kept (the most probable),
    even for p = 0; p = 1 keeps every token.
    Returns a new float array (V,): the kept tokens' logits unchanged, in their original places,
    -np.inf for the others. The logits passed in are not modified. (When the token that crosses p
    has the same probability as the next one, which of them is kept is not graded.)

    Example: probabilities [0.1, 0.6, 0.3] (logits = np.log of them) with p = 0.8: 0.6 (total 0.6),
    then 0.3 (total 0.9 >= 0.8: it crosses p, kept), 0.1 dropped -> [-inf, log 0.6, log 0.3]
    """
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=float)
    probabilities = softmax(logits)
    most_probable_first = np.argsort(-probabilities, kind="stable")
    running_total = np.cumsum(probabilities[most_probable_first])
    crossing = np.searchsorted(running_total, p)  # the first place where the total reaches p
    keep = np.zeros(logits.shape, dtype=bool)
    keep[most_probable_first[:crossing + 1]] = True
    return np.where(keep, logits, -np.inf)
    ### END SOLUTION


def sample_token(logits, u):
    """Draw one token by inverse-CDF sampling, with the uniform draw u given.

    logits: float array (V,), possibly holding -inf (filtered tokens: probability 0).
    u: a float in [0, 1), e.g. rng.random().
    Turn the logits into probabilities (softmax) and add them up in id order (0, 1, ..., V-1): the
    cumulative probabilities. Return the SMALLEST id whose cumulative probability is strictly
    greater than u, as an int. Token i is then drawn with probability exactly probabilities[i],
    and a token of probability 0 is never drawn (not even for u = 0).
    (Rounding can leave the last cumulative probability a hair below 1 and below u: return the
    last token of non-zero probability then.)

    Example: logits = [0., 0., 0., 0.] -> probabilities 0.25 each, cumulative [0.25, 0.5, 0.75, 1.]:
    u = 0.1 -> 0,  u = 0.5 -> 2 (0.5 is not > 0.5),  u = 0.99 -> 3
    """
    ### BEGIN SOLUTION
    probabilities = softmax(np.asarray(logits, dtype=float))
    cumulative = np.cumsum(probabilities)
    token = int(np.searchsorted(cumulative, u, side="right"))  # the first id whose total exceeds u
    return min(token, int(np.flatnonzero(probabilities)[-1]))
    ### END SOLUTION


def generate_cached(model, prompt_ids, max_new_tokens):
    """Greedy decoding with a KV cache: the prompt is processed once, then one new token per step.

    model: a function model(new_ids, cache) -> (logits, cache). new_ids is a list of token ids to
    process after the ones already in the cache; pass cache=None on the first call (nothing cached
    yet). logits has shape (len(new_ids), V): one row per new position, the last row scoring the
    token that comes next. Every call returns a NEW cache: pass the one the latest call returned
    to the next call (an older one no longer describes the sequence).
    prompt_ids: list of ints. max_new_tokens: int >= 1.
    First call: the whole prompt with cache=None. Each step takes the argmax of the last row of the
    logits (the lowest id on ties, as np.argmax does) and appends it; the next call feeds only
    that new token, [new_id], with the latest cache. The last token generated is not fed (no token
    is asked for after it): len(prompt_ids) + max_new_tokens - 1 positions processed in all.
    Returns a list of ints: the prompt followed by the max_new_tokens generated ids, the same as
    the uncached loop of lesson 01 (model(all ids so far, None) at every step) would return.

    Example: with a model whose last row's argmax is always (last id + 1) % 10,
        generate_cached(model, [3, 4], 3) -> [3, 4, 5, 6, 7]
        calls: model([3, 4], None), model([5], cache_1), model([6], cache_2): 4 positions
    """
    ### BEGIN SOLUTION
    ids = [int(i) for i in prompt_ids]
    logits, cache = model(list(ids), None)
    for step in range(max_new_tokens):
        new_id = int(np.argmax(logits[-1]))
        ids.append(new_id)
        if step + 1 < max_new_tokens:  # the last token is returned, not fed
            logits, cache = model([new_id], cache)
    return ids
    ### END SOLUTION
