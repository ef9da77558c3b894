"""Hidden tests: negative_sampling_loss_and_gradients."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import central_differences, check, expect_close, graded, returns
from .strategies import sgns_vectors

NAMES = ("loss", "grad_center", "grad_outside", "grad_negatives")


def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -np.asarray(x)))


def student_results(student, *vectors):
    """The student's four results by name, once they are checked to be four."""
    result = student.negative_sampling_loss_and_gradients(*vectors)
    return dict(zip(NAMES, returns(result, "negative_sampling_loss_and_gradients", NAMES)))


def wrong_versions(center, outside, negatives):
    """What known mistakes return, as {name of returned value: {hint: value}}."""
    s_o, s_k = outside @ center, negatives @ center
    return {
        "loss": {
            "sum the negative terms, do not average them: a negative drawn twice counts twice":
                -np.log(sigmoid(s_o)) - np.mean(np.log(sigmoid(-s_k))),
            "the negatives' term is log sigmoid(-u_k . v_c), with a minus inside":
                -np.log(sigmoid(s_o)) - np.sum(np.log(sigmoid(s_k))),
        },
        "grad_center": {
            "d loss / d v_c also has the negatives' part: + sum_k sigmoid(u_k . v_c) u_k":
                (sigmoid(s_o) - 1) * outside,
            "the true context's part is (sigmoid(u_o . v_c) - 1) u_o: check its sign":
                (1 - sigmoid(s_o)) * outside + sigmoid(s_k) @ negatives,
            "the negatives' part is + sum_k sigmoid(u_k . v_c) u_k (not 1 - sigmoid)":
                (sigmoid(s_o) - 1) * outside + (1 - sigmoid(s_k)) @ negatives,
        },
        "grad_outside": {
            "d loss / d u_o = (sigmoid(u_o . v_c) - 1) v_c: check its sign": (1 - sigmoid(s_o)) * center,
            "d loss / d u_o is a multiple of v_c, not of u_o": (sigmoid(s_o) - 1) * outside,
        },
        "grad_negatives": {
            "d loss / d u_k = sigmoid(u_k . v_c) v_c (not 1 - sigmoid)": np.outer(1 - sigmoid(s_k), center),
            "d loss / d u_k = + sigmoid(u_k . v_c) v_c: check its sign": -np.outer(sigmoid(s_k), center),
            "grad_negatives has one row per negative, shape (K, d): np.outer(weights, v_c), not (d, K)":
                np.outer(center, sigmoid(s_k)),
        },
    }


@graded
@given(vectors=sgns_vectors())
def test_loss(student, ref, vectors):
    """The loss is -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c), returned first as a number."""
    got = student_results(student, *vectors)
    expected = ref.negative_sampling_loss_and_gradients(*vectors)
    expect_close(got["loss"], expected[0], rtol=1e-7, what="loss", mistakes=wrong_versions(*vectors)["loss"])


@graded
@given(vectors=sgns_vectors())
def test_gradients(student, ref, vectors):
    """The gradients are (sigmoid(s_o) - 1) u_o + sum_k sigmoid(s_k) u_k for v_c, (sigmoid(s_o) - 1) v_c for u_o, and sigmoid(s_k) v_c for each row u_k."""
    got = student_results(student, *vectors)
    expected = dict(zip(NAMES, ref.negative_sampling_loss_and_gradients(*vectors)))
    mistakes = wrong_versions(*vectors)
    for name in NAMES[1:]:
        expect_close(got[name], expected[name], rtol=1e-7, atol=1e-9, what=name, mistakes=mistakes[name])


@graded
@given(vectors=sgns_vectors(repeated=True))
def test_gradients_are_slopes_of_the_loss_with_repeated_negatives(student, ref, vectors):
    """With a word drawn twice as a negative, loss and gradients count it twice, and every gradient matches central differences of the loss (one row of grad_negatives per draw)."""
    center, outside, negatives = vectors
    got = student_results(student, center, outside, negatives)
    loss = ref.negative_sampling_loss_and_gradients
    expect_close(got["loss"], loss(center, outside, negatives)[0], rtol=1e-7, what="loss",
                 mistakes={"a negative drawn twice counts twice: do not drop repeated rows": loss(
                     center, outside, np.unique(negatives, axis=0))[0]})
    numerical = {
        "grad_center": central_differences(lambda v: loss(v, outside, negatives)[0], center),
        "grad_outside": central_differences(lambda u: loss(center, u, negatives)[0], outside),
        "grad_negatives": central_differences(lambda n: loss(center, outside, n)[0], negatives),
    }
    mistakes = wrong_versions(center, outside, negatives)
    for name, slope in numerical.items():
        expect_close(got[name], slope, rtol=1e-5, atol=1e-6,
                     what=f"{name} (compared with central differences of the loss)", mistakes=mistakes[name])
