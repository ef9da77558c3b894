"""Hidden tests: softmax."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.compare import expect_close
from autograder.strategies import float_arrays
from autograder.suite import graded


def without_max_shift(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def over_whole_array(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum()


@graded("softmax", points=1)
@given(x=float_arrays())
def test_matches_reference_on_last_axis(student, ref, x):
    """softmax(x) equals exp(x) / sum(exp(x)) along the last axis, for any finite array x."""
    expect_close(student.softmax(x), ref.softmax(x),
                 mistakes={"normalise along `axis` only (keepdims=True), not over the whole array":
                           over_whole_array(x)})


@graded("softmax", points=1)
@given(x=float_arrays(low=-1000, high=1000, min_dims=2), data=st.data())
def test_stable_for_large_scores_on_any_axis(student, ref, x, data):
    """softmax(x, axis) is finite and correct for scores as large as ±1000, along any axis."""
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    with np.errstate(all="ignore"):
        naive = without_max_shift(x, axis)
    expect_close(student.softmax(x, axis=axis), ref.softmax(x, axis=axis),
                 mistakes={"subtract the maximum score before exp(): exp(1000) overflows": naive})
