"""Hidden tests: sliding_window_mask. Few sizes are worth testing, so each listed one is, the worked
example (6, 3) first; T = 1 comes last, where several mistakes look alike."""

import numpy as np

from autograder.lessons.toolkit import check, expect_equal, graded, show

CASES = [(6, 3), (5, 1), (5, 2), (4, 4), (3, 5), (7, 3), (2, 1), (1, 1)]


def known_mistakes(T, window):
    offset = np.arange(T)[:, None] - np.arange(T)[None, :]  # i - j
    right = (offset >= 0) & (offset < window)
    return {
        "the window counts the query itself: keys i-window+1 .. i (window keys), not i-window .. i":
            (offset >= 0) & (offset <= window),
        "local attention is causal: a query never sees later positions (keep j <= i)": np.abs(offset) < window,
        "the query sees itself too: keys i-window+1 .. i include j = i": (offset > 0) & (offset <= window),
        "row i is the query and column j the key: keep j <= i, the lower triangle": right.T,
        "True means the query may attend to the key: mark the window, not what is outside it": ~right,
    }


@graded
def test_each_query_sees_the_last_window_positions(student, ref):
    """sliding_window_mask(T, window) is a bool (T, T) array, True exactly when i - window < j <= i: the query itself and the window - 1 positions before it."""
    for T, window in CASES:
        got = student.sliding_window_mask(T, window)
        call = f"sliding_window_mask({T}, {window})"
        check(isinstance(got, np.ndarray) and got.shape == (T, T),
              f"{call} should be a NumPy array of shape ({T}, {T}), got {show(got)}")
        check(got.dtype == np.bool_, f"{call} should hold booleans (dtype bool), got dtype {got.dtype}",
              hint="compare positions (the result of <, <=, & is already bool) or add .astype(bool)")
        expect_equal(got, ref.sliding_window_mask(T, window), what=call, mistakes=known_mistakes(T, window))
