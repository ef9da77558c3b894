"""Hidden tests: router_probabilities."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import router_inputs, softmax

# Two tokens, three experts: the logits [[1, 0, -1], [0, 2, 0]] give other numbers for a softmax
# over the experts, over the tokens, a sigmoid, or no softmax at all.
WORKED = (np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]]))
# A confident router: logits in the hundreds, where exp() overflows unless the largest is subtracted.
CONFIDENT = (np.array([[400.0, 0.0], [0.0, 300.0]]), np.array([[2.0, 1.0, -1.0], [0.0, 2.0, 1.0]]))


def known_mistakes(x, W_router):
    logits = x @ W_router
    with np.errstate(over="ignore", invalid="ignore"):
        overflowing = np.exp(logits) / np.sum(np.exp(logits), axis=-1, keepdims=True)
    mistakes = {
        "the router's probabilities are softmax(x W_router): you returned the logits x W_router": logits,
        "softmax, not sigmoid: a token's probabilities over the experts share 1 between them":
            1 / (1 + np.exp(-logits)),
        "subtract each token's largest logit before exp() (as the provided softmax does): exp of a large "
        "logit overflows to inf": overflowing,
    }
    if logits.ndim > 1:
        mistakes["the softmax runs over the experts (the last axis: each token's row sums to 1), not over "
                 "the tokens"] = softmax(logits, axis=0)
    return mistakes


@graded
@given(inputs=router_inputs())
@example(inputs=WORKED)
@example(inputs=CONFIDENT)
def test_softmax_over_the_experts(student, ref, inputs):
    """router_probabilities(x, W_router) = softmax(x W_router) over the last axis (the E experts), for x of shape (T, d), (d,) or (B, T, d)."""
    x, W_router = inputs
    expect_close(student.router_probabilities(x, W_router), ref.router_probabilities(x, W_router),
                 rtol=1e-10, atol=1e-12, what="routing probabilities", mistakes=known_mistakes(x, W_router))
