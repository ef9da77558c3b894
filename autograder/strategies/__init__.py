"""Hypothesis strategies shared by the hidden suites. Small shapes: failures shrink to inputs a
student can read."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def floats(low=-10.0, high=10.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)


def shapes(min_dims=1, max_dims=3, min_side=1, max_side=5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def float_arrays(shape=None, low=-10.0, high=10.0, **shape_options):
    """float64 arrays of `shape` (a tuple or a strategy; default: 1-3 dims of side 1-5)."""
    return hnp.arrays(np.float64, shape if shape is not None else shapes(**shape_options),
                      elements=floats(low, high))


@st.composite
def logits_and_targets(draw, max_positions=6, max_vocab=8, low=-10.0, high=10.0):
    """(logits (T, V), target_ids (T,)) with every target a valid token id."""
    positions = draw(st.integers(1, max_positions))
    vocab = draw(st.integers(1, max_vocab))
    logits = draw(float_arrays((positions, vocab), low, high))
    targets = draw(hnp.arrays(np.int64, positions, elements=st.integers(0, vocab - 1)))
    return logits, targets


@st.composite
def token_sequences(draw, max_vocab=8, min_size=0, max_size=20):
    """(token id list, vocab size) with every id below the vocab size."""
    vocab = draw(st.integers(1, max_vocab))
    ids = draw(st.lists(st.integers(0, vocab - 1), min_size=min_size, max_size=max_size))
    return ids, vocab
