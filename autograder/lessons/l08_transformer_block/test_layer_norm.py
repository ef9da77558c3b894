"""Hidden tests: layer_norm."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, graded
from .strategies import expect_tight, layer_norm_inputs

# Two vectors of 4 (the docstring's [1, 2, 3, 6] and one more), gamma and beta away from 1 and 0:
# every known mistake below gives a different answer on them.
TEACHING_X = np.array([[1.0, 2.0, 3.0, 6.0], [0.5, -0.5, 1.5, 0.5]])
TEACHING_GAMMA = np.array([1.0, 0.5, -1.0, 2.0])
TEACHING_BETA = np.array([0.0, 0.1, 0.2, -0.3])
# A constant vector and one of tiny spread, where eps decides the result.
TINY_X = np.array([[1.0, 1.0, 1.0], [1.0, 1.001, 1.003]])
TINY_GAMMA = np.array([1.0, -0.5, 2.0])
TINY_BETA = np.array([0.1, 0.0, -0.2])

EPS_INSIDE = "eps goes inside the square root: (x - mean) / sqrt(var + eps), not / (sqrt(var) + eps)"


def normalized(x, gamma, beta, eps=1e-5, ddof=0, axis=-1, eps_outside=False, no_sqrt=False,
               shift_then_scale=False, swap_gamma_beta=False):
    """Layer normalization, or one of the usual mistakes."""
    with np.errstate(all="ignore"):
        mean = np.mean(x, axis=axis, keepdims=True)
        variance = np.var(x, axis=axis, ddof=ddof, keepdims=True)
        if no_sqrt:
            scale = variance + eps
        elif eps_outside:
            scale = np.sqrt(variance) + eps
        else:
            scale = np.sqrt(variance + eps)
        x_hat = (x - mean) / scale
        if swap_gamma_beta:
            gamma, beta = beta, gamma
        return (x_hat + beta) * gamma if shift_then_scale else gamma * x_hat + beta


def known_mistakes(x, gamma, beta, eps=1e-5):
    variants = {
        "the variance is the biased one: divide by d (np.var's default, ddof=0), not by d - 1": dict(ddof=1),
        EPS_INSIDE: dict(eps_outside=True),
        "divide by the standard deviation sqrt(var + eps), not by the variance": dict(no_sqrt=True),
        "normalize each vector over its own d numbers (the last axis, keepdims=True), not over axis 0":
            dict(axis=0),
        "normalize each vector on its own (mean and variance over the last axis), not the whole array at once":
            dict(axis=None),
        "scale, then shift: gamma * x_hat + beta, not (x_hat + beta) * gamma": dict(shift_then_scale=True),
        "gamma scales and beta shifts (gamma * x_hat + beta), not the other way round": dict(swap_gamma_beta=True),
        "add eps to the variance before the square root: it keeps the division finite for constant vectors":
            dict(eps=0.0),
    }
    if eps != 1e-5:
        variants["use the eps you are given (the argument), not a fixed 1e-5"] = dict(eps=1e-5)
    return {hint: normalized(x, gamma, beta, **dict(dict(eps=eps), **options)) for hint, options in variants.items()}


@graded
@given(inputs=layer_norm_inputs())
@example(inputs=(TEACHING_X, TEACHING_GAMMA, TEACHING_BETA))
def test_normalizes_each_vector_then_scales_and_shifts(student, ref, inputs):
    """layer_norm(x, gamma, beta) = gamma * (x - mean) / sqrt(var + 1e-5) + beta, mean and biased variance over each vector (the last axis); x is not modified."""
    x, gamma, beta = inputs
    before = x.copy()
    got, arguments_after = student.call_and_inputs("layer_norm", x, gamma, beta)
    expect_tight(got, ref.layer_norm(x, gamma, beta), lambda: known_mistakes(x, gamma, beta))
    check(np.array_equal(arguments_after[0], before), "layer_norm modified its argument x (the caller's array)",
          hint="x -= mean (or x /= ...) changes the caller's array in place: compute x - mean into a new array")


@graded
@given(inputs=layer_norm_inputs(tiny_spread=True), eps=st.sampled_from([1e-5, 1e-3, 0.1, 1.0]))
@example(inputs=(TINY_X, TINY_GAMMA, TINY_BETA), eps=1e-3)
def test_eps_inside_the_square_root_decides_small_spreads(student, ref, inputs, eps):
    """With the eps given, layer_norm(x, gamma, beta, eps) divides by sqrt(var + eps): it decides the result for vectors of tiny spread, and a constant vector gives beta (never NaN)."""
    x, gamma, beta = inputs
    # 1e-9: the mistakes here are large, and E[x^2] - mean^2, a correct formula, loses digits when the
    # spread is tiny (up to 4e-11 here).
    expect_tight(student.layer_norm(x, gamma, beta, eps), ref.layer_norm(x, gamma, beta, eps),
                 lambda: known_mistakes(x, gamma, beta, eps), rtol=1e-9, atol=1e-9)
