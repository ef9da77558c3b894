"""Hidden tests: feed_forward. While it is graded, the notebook's `gelu` is the course's own."""

import math

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import graded
from .strategies import expect_tight, feed_forward_inputs

# The docstring's example with a second token; d = 2, f = 3 (as W_in's (in, out) layout says).
TEACHING = (np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]),
            np.array([0.0, 0.0, 1.0]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0.5, 0.0]))
# Square weights (f = d), where the transposed layout of torch's nn.Linear runs without an error.
TEACHING_SQUARE = (np.array([[[1.0, -1.0], [0.5, 2.0]], [[0.0, 1.0], [-2.0, 0.5]]]),
                   np.array([[1.0, 0.5], [-0.5, 1.0]]), np.array([0.0, -1.0]),
                   np.array([[1.0, 0.0], [1.0, -1.0]]), np.array([0.5, 0.25]))
erf = np.vectorize(math.erf, otypes=[float])


def known_mistakes(ref, x, W_in, b_in, W_out, b_out):
    gelu = ref.gelu
    hidden = x @ W_in + b_in
    mistakes = {
        "the activation is GELU (this notebook's gelu), not ReLU": np.maximum(hidden, 0) @ W_out + b_out,
        "GELU goes between the two layers: gelu(x W_in + b_in) W_out + b_out": hidden @ W_out + b_out,
        "apply gelu after adding b_in: gelu(x W_in + b_in), not gelu(x W_in) + b_in":
            (gelu(x @ W_in) + b_in) @ W_out + b_out,
        "GELU only once, between the layers: the output of the second layer is not activated":
            gelu(gelu(hidden) @ W_out + b_out),
        "add the output bias b_out": gelu(hidden) @ W_out,
        "add the hidden bias b_in before the activation": gelu(x @ W_in) @ W_out + b_out,
        "use this notebook's gelu (GPT-2's tanh form), not the exact erf form":
            (0.5 * hidden * (1 + erf(hidden / np.sqrt(2)))) @ W_out + b_out,
    }
    if W_in.shape[0] == W_in.shape[1]:
        mistakes["GPT-2 stores its weights as (in, out): multiply x @ W as stored, no transpose (.T)"] = (
            gelu(x @ W_in.T + b_in) @ W_out.T + b_out)
    return mistakes


@graded
@given(inputs=feed_forward_inputs())
@example(inputs=TEACHING)
def test_is_gelu_between_two_layers(student, ref, inputs):
    """feed_forward(x, W_in, b_in, W_out, b_out) = gelu(x W_in + b_in) W_out + b_out for x of shape (T, d), the weights used as stored (in, out)."""
    expect_tight(student.feed_forward(*inputs), ref.feed_forward(*inputs), lambda: known_mistakes(ref, *inputs))


@graded
@given(inputs=feed_forward_inputs(batched=True))
@example(inputs=TEACHING_SQUARE)
def test_acts_on_every_vector_of_a_batch(student, ref, inputs):
    """feed_forward works on x of shape (..., T, d) with any leading axes, every vector on its own; square weights (f = d) are used as stored too, not transposed."""
    expect_tight(student.feed_forward(*inputs), ref.feed_forward(*inputs), lambda: known_mistakes(ref, *inputs))
