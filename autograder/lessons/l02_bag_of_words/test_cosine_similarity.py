"""Hidden tests: cosine_similarity."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, graded
from .strategies import small_vectors_or_zeros


@st.composite
def vector_pairs(draw):
    """Two vectors of one size; either may be all zeros."""
    size = draw(st.integers(1, 5))
    vector = small_vectors_or_zeros(size)
    return draw(vector), draw(vector)


@graded
@given(pair=vector_pairs())
def test_cosine_of_the_angle_zero_for_zero_vectors(student, ref, pair):
    """cosine_similarity(a, b) = a·b / (|a| |b|), and 0.0 (never NaN) when a or b is all zeros."""
    a, b = pair
    dot = float(a @ b)
    length_a, length_b = np.linalg.norm(a), np.linalg.norm(b)
    with np.errstate(all="ignore"):
        mistakes = {
            "a or b is all zeros: return 0.0 instead of dividing by a length of 0 (NaN)":
                dot / (length_a * length_b),
            "divide the dot product by both lengths |a| |b|: a·b alone grows with the vectors' lengths": dot,
            "divide by the lengths |a| |b| (square roots), not by the squared lengths a·a b·b":
                dot / (length_a ** 2 * length_b ** 2) if dot else 0.0,
            "return the cosine similarity, not the cosine distance 1 - similarity (as scipy's cosine())":
                1.0 - ref.cosine_similarity(a, b),
        }
    expect_close(student.cosine_similarity(a, b), ref.cosine_similarity(a, b), mistakes=mistakes)
