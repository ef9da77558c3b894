"""Hidden tests: rope_frequencies."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import BASES, even_head_dims

DEFAULT_BASE = 10000.0


def known_mistakes(head_dim, base):
    pairs = np.arange(head_dim // 2)
    correct = 1.0 / base ** (2 * pairs / head_dim)
    mistakes = {
        "the exponent is 2i / head_dim (i the pair number), not i / head_dim": 1.0 / base ** (pairs / head_dim),
        "the frequencies are 1 / base^(2i / head_dim): invert the power, so that they fall from 1":
            base ** (2 * pairs / head_dim),
        "the exponent 2i / head_dim is a float division (2 * i // head_dim rounds it down to 0)":
            1.0 / base ** (2 * pairs // head_dim),
        "the exponents are 0, 2/head_dim, 4/head_dim, ...: the last pair's is (head_dim - 2) / head_dim, "
        "not 1 (np.linspace(0, 1, ...) ends at 1)": base ** -np.linspace(0, 1, head_dim // 2),
        "one frequency per PAIR of dimensions: head_dim // 2 values": 1.0 / base ** (np.arange(head_dim) / head_dim),
        "return each frequency once, head_dim // 2 values (the halves of cos and sin repeat them later)":
            np.concatenate([correct, correct]),
    }
    if base != DEFAULT_BASE:
        mistakes["use the `base` argument (10,000 is only its default)"] = \
            1.0 / DEFAULT_BASE ** (2 * pairs / head_dim)
    return mistakes


@graded
@given(head_dim=even_head_dims, base=BASES)
@example(head_dim=6, base=1000.0)  # [1, 0.1, 0.01]: by hand, 1000^(2/6) = 10 and 1000^(4/6) = 100
@example(head_dim=128, base=500000.0)
@example(head_dim=6, base=None)
def test_one_frequency_per_pair(student, ref, head_dim, base):
    """rope_frequencies(head_dim, base) is the float array 1 / base^(2i / head_dim) for i = 0 .. head_dim/2 - 1 (base
    10,000 by default).
    """
    if base is None:
        got, expected = student.rope_frequencies(head_dim), ref.rope_frequencies(head_dim)
    else:
        got, expected = student.rope_frequencies(head_dim, base), ref.rope_frequencies(head_dim, base)
    expect_close(got, expected, rtol=1e-10, atol=0.0, dtype_kind="f",
                 mistakes=known_mistakes(head_dim, DEFAULT_BASE if base is None else base))
