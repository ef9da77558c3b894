"""Hidden tests: apply_rope."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import check, expect_close, graded
from .strategies import rope_inputs

DEFAULT_BASE = 10000.0

# head_dim 6 (three pairs: neighbours and halves differ), positions that are not 0, 1, 2 and not
# in order, and a base of 100 so that every pair turns visibly.
WORKED_X = np.array([[1.0, 0.0, 2.0, 0.0, 1.0, -1.0], [0.5, 1.0, 0.0, 2.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]])
WORKED_POSITIONS = np.array([2, 0, 5])
# Queries of one batch item and two heads for a packed row: positions restart at token 2.
WORKED_HEADS = np.array([[[[1.0, 0.0, 0.0, 1.0], [0.0, 2.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]],
                          [[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 1.0]]]])
WORKED_RESTARTS = np.array([0, 1, 0])


def rotated(x, positions, base, pairing="halves", direction=1.0, repeat="halves"):
    """RoPE written with one of the usual mistakes: `pairing` "neighbours" rotates dimensions (2i, 2i+1)
    (GPT-J, the RoPE paper); `direction` -1 turns the other way; `repeat` "interleave" lays the angles
    out as np.repeat (each twice in a row) while pairing the halves."""
    head_dim = x.shape[-1]
    frequencies = 1.0 / base ** (np.arange(0, head_dim, 2) / head_dim)
    angles = direction * positions[:, None].astype(float) * frequencies
    if pairing == "neighbours":
        a, b = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = a * np.cos(angles) - b * np.sin(angles)
        out[..., 1::2] = b * np.cos(angles) + a * np.sin(angles)
        return out
    full = np.repeat(angles, 2, axis=-1) if repeat == "interleave" else np.concatenate([angles, angles], axis=-1)
    half = head_dim // 2
    turned_half = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * np.cos(full) + turned_half * np.sin(full)


def known_mistakes(x, positions, base):
    base = DEFAULT_BASE if base is None else base
    mistakes = {
        "pair dimension i with dimension i + head_dim/2 (rotate half, as Hugging Face), not neighbours "
        "2i and 2i + 1 (the RoPE paper's and GPT-J's layout)": rotated(x, positions, base, pairing="neighbours"),
        "turn by +angle: a' = a cos - b sin and b' = b cos + a sin (you turn the other way)":
            rotated(x, positions, base, direction=-1.0),
        "use the positions given, not 0, 1, ..., T-1 (they restart in packed rows)":
            rotated(x, np.arange(x.shape[-2]), base),
        "both halves use the angles of the pairs in order: concatenate [angles, angles], not np.repeat "
        "(which puts each angle twice in a row)": rotated(x, positions, base, repeat="interleave"),
    }
    if base != DEFAULT_BASE:
        mistakes["use the `base` argument: rope_frequencies(head_dim, base)"] = rotated(x, positions, DEFAULT_BASE)
    return mistakes


def call(function, x, positions, base):
    return function(x, positions) if base is None else function(x, positions, base)


@graded
@given(problem=rope_inputs())
@example(problem=(WORKED_X, WORKED_POSITIONS, 100.0))
def test_turns_each_half_pair_by_position_times_frequency(student, ref, problem):
    """For x (T, head_dim), the pair (x[t, i], x[t, i + head_dim/2]) is turned by positions[t] *
    rope_frequencies(head_dim, base)[i] radians (rotate-half convention).
    """
    x, positions, base = problem
    expect_close(call(student.apply_rope, x, positions, base), call(ref.apply_rope, x, positions, base),
                 rtol=1e-10, atol=1e-12, mistakes=known_mistakes(x, positions, base))


@graded
@given(problem=rope_inputs(leading_axes=True))
@example(problem=(WORKED_HEADS, WORKED_RESTARTS, None))
def test_leading_axes_come_along_and_x_is_kept(student, ref, problem):
    """x (..., T, head_dim) with batch and head axes in front: every head of every batch item is turned by the same
    positions (which may restart); x itself is not modified.
    """
    x, positions, base = problem
    x_before = x.copy()
    args = (x, positions) if base is None else (x, positions, base)
    got, arguments_after = student.call_and_inputs("apply_rope", *args)
    expect_close(got, call(ref.apply_rope, x, positions, base), rtol=1e-10, atol=1e-12,
                 mistakes=known_mistakes(x, positions, base))
    check(np.array_equal(arguments_after[0], x_before),
          "apply_rope modified its argument x in place: build the result in a new array "
          "(np.concatenate, or work on x.copy())")
