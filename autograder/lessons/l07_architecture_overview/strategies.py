"""Lesson 07's shared test material: next-token distributions without boundary ties, and the
grader's toy model with a KV cache for `generate_cached`."""

import numbers

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from autograder.lessons.toolkit import GridValues, draw_arrays


def softmax(logits):
    exps = np.exp(logits - np.max(logits))
    return exps / exps.sum()


def seeded(draw):
    """A NumPy generator seeded by hypothesis: many values at the cost of one draw."""
    return GridValues(draw).rng


@st.composite
def next_token_logits(draw, max_vocab=6, filtered=False, distinct=False):
    """A (V,) float64 array of scores in tenths of [-3, 3]. `filtered`: some entries (never all) are
    -inf, as after top-k or top-p. `distinct`: no two scores are equal."""
    vocab = draw(st.integers(1, max_vocab))
    if distinct:
        tenths = seeded(draw).choice(np.arange(-30, 31), vocab, replace=False)
    else:
        tenths, = draw_arrays(draw, [(vocab,)], st.integers(-30, 30), np.int64)
    logits = tenths / 10
    if filtered and vocab > 1:
        removed, = draw_arrays(draw, [(vocab,)], st.booleans(), np.bool_)
        removed[draw(st.integers(0, vocab - 1))] = False
        logits[removed] = -np.inf
    return logits


def assume_clear_of(values, threshold, margin=1e-9):
    """Skip inputs where `threshold` lies within `margin` of one of `values`: there the answer depends
    on the last bits of rounding, which the exercise does not pin."""
    assume(np.all(np.abs(np.asarray(values) - threshold) > margin))


def assume_no_top_p_boundary_tie(logits, p):
    """Skip inputs whose top-p cut is decided by rounding: the running total within 1e-9 of p, or
    the token that crosses p tied with the next one."""
    probabilities = np.sort(softmax(logits))[::-1]
    running_total = np.cumsum(probabilities)
    assume_clear_of(running_total, p)
    crossing = int(np.searchsorted(running_total, p))
    if crossing + 1 < len(probabilities):
        assume(probabilities[crossing] - probabilities[crossing + 1] > 1e-12)


def merge_alike(mistakes):
    """The {hint: wrong value} of known mistakes with the hints of equal values joined: when one wrong
    answer fits several mistakes, the feedback names them all instead of guessing."""
    merged = []
    for hint, value in mistakes.items():
        alike = next((entry for entry in merged if np.shape(entry[1]) == np.shape(value)
                      and np.array_equal(entry[1], value)), None)
        if alike is None:
            merged.append(([hint], value))
        else:
            alike[0].append(hint)
    return {hints[0] if len(hints) == 1 else "this answer fits several mistakes: " + "; or: ".join(hints): value
            for hints, value in merged}


def ids_list(ids, what="new_ids"):
    """The student's ids as a list of ints; any non-empty 1-D sequence of integers is accepted."""
    if isinstance(ids, np.ndarray) and ids.ndim == 1 and ids.dtype.kind in "iu":
        ids = ids.tolist()
    if (isinstance(ids, (list, tuple)) and ids
            and all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in ids)):
        return [int(i) for i in ids]
    raise TypeError(f"{what} must be a non-empty list of token ids, e.g. [new_id], got {ids!r}")


class CachedModel:
    """The grader's toy decoder with a KV cache, called as model(new_ids, cache) -> (logits, cache).

    The logits row of the position at index t is row (t + 1 + sum of the ids up to t) % K of a table
    of K rows: it depends on the whole prefix, so a loop that feeds the wrong ids (or loses the
    cached part) sees other logits. The cache is data, like a real one: what the model needs of the
    past (how many positions, the sum of their ids) and the number of the call that made it. Every
    call returns a new cache and accepts only the latest one, so a loop that keeps an old cache
    fails at once. The model records its calls and counts the positions fed.
    """

    def __init__(self, table):
        self.table = [list(map(float, row)) for row in table]
        self.calls = []  # (new_ids, cache passed in) of every call, in order
        self.latest_cache = None
        self.positions_fed = 0

    @property
    def vocab_size(self):
        return len(self.table[0])

    def __call__(self, new_ids, cache=None):
        new_ids = ids_list(new_ids)
        if cache is not None and not (isinstance(cache, dict) and cache == self.latest_cache):
            made_by = cache.get("call") if isinstance(cache, dict) else None
            raise ValueError(
                f"call {len(self.calls) + 1} of the model got an out-of-date cache (the one call {made_by} returned); "
                f"every call returns a new cache: pass the one the latest call returned (call {len(self.calls)})"
                if made_by else f"the cache must be None or the cache the model returned last, got {cache!r}")
        self.calls.append((new_ids, cache))
        self.positions_fed += len(new_ids)
        positions, total = (0, 0) if cache is None else (cache["positions"], cache["sum_of_ids"])
        rows = []
        for token in new_ids:
            positions, total = positions + 1, total + token
            rows.append(self.table[(positions + total) % len(self.table)])
        self.latest_cache = {"positions": positions, "sum_of_ids": total, "call": len(self.calls)}
        return np.array(rows), dict(self.latest_cache)

    def fresh(self):
        """The same model with no calls recorded."""
        return CachedModel(self.table)

    def __repr__(self):  # what a student reads in the failing call
        return (f"<a cached model: logits row of the position at index t = row (t + 1 + sum of ids up to t) "
                f"% {len(self.table)} of {self.table}>")


@st.composite
def models_without_ties(draw, max_vocab=6, max_rows=4):
    """A CachedModel of 2 or more different rows, each a permutation of 0..V-1: every argmax is
    unique, and which row the model reads changes its answer."""
    vocab, rows = draw(st.integers(2, max_vocab)), draw(st.integers(2, max_rows))
    rng = seeded(draw)
    table = [rng.permutation(vocab) for _ in range(rows)]
    if all(np.array_equal(row, table[0]) for row in table):
        table[1] = table[1][::-1]
    return CachedModel(table)


@st.composite
def models_with_ties(draw, max_vocab=6, max_rows=4):
    """A CachedModel of small integer logits whose maximum is shared by two or more ids in every
    row, so every step is a tie."""
    vocab, rows = draw(st.integers(2, max_vocab)), draw(st.integers(2, max_rows))
    rng = seeded(draw)
    table = rng.integers(0, 3, (rows, vocab))
    for row in table:
        row[rng.choice(vocab, rng.integers(2, vocab + 1), replace=False)] = 3
    return CachedModel(table)


@st.composite
def decoding_cases(draw, models, max_prompt=4, max_new_tokens=5):
    """(model, prompt_ids, max_new_tokens) for generate_cached: a prompt of 1 to `max_prompt` ids."""
    model = draw(models)
    prompt = draw(st.lists(st.integers(0, model.vocab_size - 1), min_size=1, max_size=max_prompt))
    return model, prompt, draw(st.integers(1, max_new_tokens))
