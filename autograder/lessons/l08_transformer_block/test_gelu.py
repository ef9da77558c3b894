"""Hidden tests: gelu."""

import math

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import graded
from .strategies import expect_tight, gelu_inputs

TEACHING_X = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0])
erf = np.vectorize(math.erf, otypes=[float])


def known_mistakes(x):
    inner = np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)
    return {
        "GPT-2 uses the tanh form, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), not the exact "
        "x Phi(x) with erf: they differ by about 1e-4": 0.5 * x * (1 + erf(x / np.sqrt(2))),
        "that is the sigmoid approximation x * sigmoid(1.702 x): GPT-2 uses the tanh form":
            x / (1 + np.exp(-1.702 * x)),
        "the factor in front is sqrt(2 / pi), not 2 / pi": 0.5 * x * (1 + np.tanh(2 / np.pi * (x + 0.044715 * x ** 3))),
        "the cubic term is 0.044715 x^3, inside the tanh": 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * x)),
        "multiply by 0.5: 0.5 x (1 + tanh(...))": x * (1 + np.tanh(inner)),
        "the tanh is of sqrt(2/pi) (x + 0.044715 x^3), then 1 + tanh(...) multiplies 0.5 x":
            0.5 * x + np.tanh(inner),
        "that is ReLU, max(x, 0): GELU is smooth and slightly negative for negative x": np.maximum(x, 0.0),
    }


@graded
@given(x=gelu_inputs())
@example(x=TEACHING_X)
def test_is_the_tanh_form_of_gelu(student, ref, x):
    """gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) element by element, to 1e-10 (GPT-2's "gelu_new", not the exact erf form)."""
    expect_tight(student.gelu(x), ref.gelu(x), lambda: known_mistakes(x))
