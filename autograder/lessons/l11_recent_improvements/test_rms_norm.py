"""Hidden tests: rms_norm."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import rms_norm_inputs

# Two rows of different size (the axis matters), with nonzero means (centring matters), d = 3
# (a sum is not a mean), a gain that is not all ones, and an eps large enough to see by hand.
WORKED_X = np.array([[1.0, 7.0, 1.0], [2.0, -2.0, 4.0]])
WORKED_WEIGHT = np.array([1.0, 2.0, 0.5])
LLAMA_EPS = 1e-5


def variant(x, weight, eps, centre=False, eps_outside_root=False, root=True, reduce=np.mean, axis=-1,
            gain=True):
    """RMSNorm, or one of the usual mistakes."""
    if centre:
        x = x - x.mean(axis=-1, keepdims=True)
    keepdims = axis is not None
    square_mean = reduce(x ** 2, axis=axis, keepdims=keepdims)
    if eps_outside_root:
        scale = np.sqrt(square_mean) + eps
    else:
        scale = np.sqrt(square_mean + eps) if root else square_mean + eps
    return x / scale * (weight if gain else 1.0)


def known_mistakes(x, weight, eps):
    value = LLAMA_EPS if eps is None else eps
    mistakes = {
        "RMSNorm does not subtract the mean (LayerNorm does): divide x itself by its root mean square":
            variant(x, weight, value, centre=True),
        "eps goes inside the square root: sqrt(mean(x**2) + eps)": variant(x, weight, value, eps_outside_root=True),
        "divide by the ROOT of the mean square (np.sqrt), not by the mean square itself":
            variant(x, weight, value, root=False),
        "the mean of the squares, not their sum (the L2 norm is sqrt(d) times the root mean square)":
            variant(x, weight, value, reduce=np.sum),
        "multiply by weight, the learned gain, at the end": variant(x, weight, value, gain=False),
    }
    if x.ndim > 1:
        mistakes["each vector is normalized on its own: the mean over the last axis (axis=-1, keepdims=True)"] = \
            variant(x, weight, value, axis=None)
    if eps is None:
        mistakes["the default eps is 1e-5 (Llama 3's rms_norm_eps), not 1e-6"] = variant(x, weight, 1e-6)
    return mistakes


@graded
@given(problem=rms_norm_inputs())
@example(problem=(WORKED_X, WORKED_WEIGHT, 0.25))
@example(problem=(WORKED_X, WORKED_WEIGHT, None))
def test_divides_each_vector_by_its_root_mean_square(student, ref, problem):
    """rms_norm(x, weight, eps) = x / sqrt(mean(x**2 over the last axis) + eps) * weight, eps 1e-5 by default."""
    x, weight, eps = problem
    if eps is None:
        got, expected = student.rms_norm(x, weight), ref.rms_norm(x, weight)
    else:
        got, expected = student.rms_norm(x, weight, eps), ref.rms_norm(x, weight, eps)
    expect_close(got, expected, rtol=1e-10, atol=1e-12, mistakes=known_mistakes(x, weight, eps))
