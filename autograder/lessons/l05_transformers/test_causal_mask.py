"""Hidden tests: causal_mask. Few lengths are worth testing, so every one of them is. T = 1 comes
last: in a 1 x 1 mask several mistakes look alike, so their hints would be ambiguous."""

import numpy as np

from autograder.lessons.toolkit import check, expect_close, graded, show

SEQUENCE_LENGTHS = (2, 3, 4, 5, 6, 7, 1)


@graded
def test_is_a_boolean_T_by_T_array(student, ref):
    """causal_mask(T) is a NumPy array of shape (T, T) holding booleans (True = may attend)."""
    for T in SEQUENCE_LENGTHS:
        got = student.causal_mask(T)
        if not (isinstance(got, np.ndarray) and got.shape == (T, T)):
            check(False, f"causal_mask({T}) should be a NumPy array of shape ({T}, {T}), got {show(got)}")
        check(got.dtype == np.bool_, f"causal_mask({T}) should hold booleans (dtype bool), got dtype {got.dtype}",
              hint="np.tril(np.ones((T, T))) holds floats: compare positions (j <= i) or add .astype(bool)")


@graded
def test_each_position_sees_itself_and_the_past(student, ref):
    """causal_mask(T)[i, j] is True exactly when j <= i: a token sees itself and earlier tokens, never later ones."""
    for T in SEQUENCE_LENGTHS:
        ones = np.ones((T, T), dtype=bool)
        expect_close(student.causal_mask(T), ref.causal_mask(T), what=f"causal_mask({T})", mistakes={
            "the diagonal must be True: a token attends to itself too (j <= i, not j < i)": np.tril(ones, k=-1),
            "True means keep: mark the positions a query may see (j <= i), not the future it must not see":
                np.triu(ones, k=1),
            "row i is the query, column j the key: keep the lower triangle (j <= i), not the upper one":
                np.triu(ones),
        })
