"""Hidden tests: swiglu."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import swiglu_inputs

# One token, d = 2, f = 2, d_out = 1: the gate (x W_gate = [1, -1.5]) and up (x W_up = [2, 0.5])
# paths differ, and one gate unit is negative, where silu, sigmoid and ReLU all disagree.
WORKED = (np.array([[1.0, -1.0]]), np.array([[1.0, -1.0], [0.0, 0.5]]), np.array([[2.0, 1.0], [0.0, 0.5]]),
          np.array([[1.0], [2.0]]))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def silu(z):
    return z * sigmoid(z)


def known_mistakes(x, W_gate, W_up, W_down):
    gate, up = x @ W_gate, x @ W_up
    return {
        "the gate goes through silu(z) = z * sigmoid(z), not through sigmoid alone": (sigmoid(gate) * up) @ W_down,
        "silu goes on the gate path x W_gate; the up path x W_up stays linear (you swapped them)":
            (silu(up) * gate) @ W_down,
        "the gate's activation is silu(z) = z * sigmoid(z), not ReLU": (np.maximum(gate, 0.0) * up) @ W_down,
        "only the gate path goes through silu; the up path stays linear": (silu(gate) * silu(up)) @ W_down,
        "apply silu to the gate, then multiply by the up path (not silu of the product)": silu(gate * up) @ W_down,
    }


@graded
@given(problem=swiglu_inputs())
@example(problem=WORKED)
def test_gated_silu_then_down_projection(student, ref, problem):
    """swiglu(x, W_gate, W_up, W_down) = (silu(x W_gate) * (x W_up)) W_down, with silu(z) = z * sigmoid(z), for x (...,
    d).
    """
    expect_close(student.swiglu(*problem), ref.swiglu(*problem), rtol=1e-10, atol=1e-12,
                 mistakes=known_mistakes(*problem))
