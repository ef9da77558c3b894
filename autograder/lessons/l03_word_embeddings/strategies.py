"""Strategies of lesson 03 (word embeddings), and the ranking comparison its two ranking suites share.

Embedding entries are drawn away from zero (|x| in [0.1, 1]), so no vector is all zeros and every
cosine similarity is defined. Where the suites test tie-breaking they use small integer vectors,
whose dot products and norms every implementation computes exactly, so equal similarities are
really equal.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.lessons.toolkit import Mismatch, check, expect_equal, float_arrays, floats

NONZERO_ENTRIES = st.one_of(floats(0.1, 1.0), floats(-1.0, -0.1))


@st.composite
def token_ids_and_window(draw, max_vocab=6, max_length=10, max_window=4):
    """(token id list, window): a short sentence over a small vocabulary, so that ids repeat."""
    vocab = draw(st.integers(1, max_vocab))
    ids = draw(st.lists(st.integers(0, vocab - 1), max_size=max_length))
    return ids, draw(st.integers(0, max_window))


@st.composite
def sgns_vectors(draw, max_dim=5, max_negatives=4, repeated=False):
    """(center_vec (d,), outside_vec (d,), negative_vecs (K, d)); with `repeated`, at least one
    negative row appears twice (the same word drawn twice)."""
    d = draw(st.integers(1, max_dim))
    center = draw(float_arrays((d,), -2.0, 2.0))
    outside = draw(float_arrays((d,), -2.0, 2.0))
    if not repeated:
        return center, outside, draw(float_arrays((draw(st.integers(1, max_negatives)), d), -2.0, 2.0))
    distinct = draw(float_arrays((draw(st.integers(1, max_negatives - 1)), d), -2.0, 2.0))
    draws = draw(st.lists(st.integers(0, len(distinct) - 1), min_size=1, max_size=max_negatives - 1))
    draws.insert(draw(st.integers(0, len(draws))), draw(st.sampled_from(draws)))
    return center, outside, distinct[draws]


@st.composite
def sgd_examples(draw, max_words=6, max_dim=4, max_negatives=5, repeated=False):
    """(W_center, W_outside, center_id, outside_id, negative_ids, lr). With `repeated`, some id is
    used twice among the negatives, or the outside id is also a negative."""
    vocab = draw(st.integers(2, max_words))
    d = draw(st.integers(1, max_dim))
    W_center = draw(float_arrays((vocab, d), -1.0, 1.0))
    W_outside = draw(float_arrays((vocab, d), -1.0, 1.0))
    center_id = draw(st.integers(0, vocab - 1))
    outside_id = draw(st.integers(0, vocab - 1))
    negative_ids = draw(st.lists(st.integers(0, vocab - 1), min_size=1, max_size=max_negatives))
    if repeated:
        negative_ids = negative_ids + [draw(st.sampled_from(negative_ids + [outside_id]))]
    lr = draw(floats(0.01, 1.0))
    return W_center, W_outside, center_id, outside_id, negative_ids, lr


@st.composite
def embedding_matrices(draw, min_words=2, max_words=7, max_dim=4):
    """(V, d) float embeddings with no zero row, rows of quite different lengths (as frequent and
    rare words have), so that a ranking that is not by cosine shows."""
    shape = (draw(st.integers(min_words, max_words)), draw(st.integers(1, max_dim)))
    directions = draw(hnp.arrays(np.float64, shape, elements=NONZERO_ENTRIES))
    return directions * draw(hnp.arrays(np.float64, (shape[0], 1), elements=floats(0.25, 4.0)))


@st.composite
def embeddings_with_duplicates(draw, min_words=3, max_words=7):
    """(V, d) small-integer embeddings in which several words share the very same vector."""
    d = draw(st.integers(1, 3))
    vectors = draw(st.lists(st.tuples(*[st.integers(-3, 3)] * d).filter(any), min_size=1, max_size=3,
                            unique=True))
    rows = draw(st.lists(st.sampled_from(range(len(vectors))), min_size=min_words, max_size=max_words))
    return np.array([vectors[row] for row in rows], dtype=float)


def as_id_list(value):
    """A 1-D integer array is accepted for a list of ids, and NumPy integers for ints (shown as ints)."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iu":
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [int(i) if isinstance(i, np.integer) else i for i in value]
    return value


def expect_same_ranking(got, expected, similarities, excluded=(), mistakes=None, tolerance=1e-9):
    """`got` is the list of ids `expected` (the reference's top-k by `similarities`), except that
    ids whose similarities differ by less than `tolerance` (rounding noise) may swap places.
    Ids in `excluded` may never appear."""
    got = as_id_list(got)
    check(isinstance(got, (list, tuple)), f"the result should be a list of {len(expected)} ids, got {got!r}")
    if list(got) == list(expected):
        return
    valid = (len(got) == len(expected) and len(set(got)) == len(got)
             and all(isinstance(i, (int, np.integer)) and 0 <= i < len(similarities) and i not in excluded
                     for i in got))
    if valid and np.allclose(similarities[list(got)], similarities[list(expected)], rtol=0, atol=tolerance):
        return
    try:
        expect_equal(got, expected, what="ids", mistakes=mistakes)
    except Mismatch as mismatch:
        shown = ", ".join(f"{i}: {s:.6f}" for i, s in enumerate(similarities))
        raise Mismatch(f"{mismatch}. Cosine similarity of each id: {shown}", mismatch.hint) from None
