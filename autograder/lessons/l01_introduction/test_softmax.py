"""Hidden tests: softmax."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_close, float_arrays, graded


def without_max_shift(x, axis=-1):
    with np.errstate(all="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)


def over_whole_array(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum()


def global_max_shift(x, axis=-1):
    with np.errstate(all="ignore"):
        e = np.exp(x - x.max())
        return e / e.sum(axis=axis, keepdims=True)


def without_keepdims(x, axis=-1):
    """x - x.max(axis) broadcasts along the wrong axis unless the reduced axis is kept."""
    try:
        with np.errstate(all="ignore"):
            e = np.exp(x - x.max(axis=axis))
            return e / e.sum(axis=axis)
    except ValueError:
        return None


def known_mistakes(x, axis=-1):
    return {
        "subtract the maximum score before exp(): exp(1000) overflows to inf, and inf / inf is nan":
            without_max_shift(x, axis),
        "normalise along `axis` only, not over the whole array":
            over_whole_array(x, axis),
        "subtract the maximum along `axis` (keepdims=True), not the maximum of the whole array: "
        "a distribution whose scores are all far below it underflows to 0 / 0":
            global_max_shift(x, axis),
        "reduce with keepdims=True (np.max(x, axis=axis, keepdims=True)) so the result broadcasts "
        "back along the right axis": without_keepdims(x, axis),
    }


@graded
@given(x=float_arrays())
def test_matches_definition_on_last_axis(student, ref, x):
    """softmax(x) equals exp(x) / sum(exp(x)) along the last axis for any finite array x, and leaves x unchanged."""
    result, (x_after,) = student.call_and_inputs("softmax", x)
    expect_close(result, ref.softmax(x), mistakes=known_mistakes(x))
    check(np.array_equal(x_after, x),
          f"softmax changed its input: x was {x!r} before the call and {x_after!r} after. "
          "`x -= ...` works in place on the caller's array; write `shifted = x - ...` instead")


@graded
@given(x=float_arrays(low=-1000, high=1000, min_dims=2), data=st.data())
def test_stable_for_large_scores_on_any_axis(student, ref, x, data):
    """softmax(x, axis) is finite and correct for scores as large as ±1000, along any axis."""
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    expect_close(student.softmax(x, axis=axis), ref.softmax(x, axis=axis), mistakes=known_mistakes(x, axis))
