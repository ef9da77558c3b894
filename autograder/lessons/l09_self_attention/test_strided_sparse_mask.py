"""Hidden tests: strided_sparse_mask. Few sizes are worth testing, so each listed one is, the worked
example (8, 3) first; T = 1 comes last, where several mistakes look alike."""

import numpy as np

from autograder.lessons.toolkit import check, expect_equal, graded, show

CASES = [(8, 3), (7, 2), (9, 4), (6, 1), (5, 5), (4, 6), (2, 1), (1, 1)]


def known_mistakes(T, stride):
    query, key = np.arange(T)[:, None], np.arange(T)[None, :]
    offset = query - key
    right = (offset >= 0) & ((offset < stride) | (offset % stride == 0))
    return {
        "keep the `stride` most recent positions too (i - j < stride), not only every stride-th one":
            (offset >= 0) & (offset % stride == 0),
        "besides the recent positions, keep every stride-th one before them ((i - j) % stride == 0)":
            (offset >= 0) & (offset < stride),
        "count the stride back from the query: (i - j) % stride == 0, not j % stride == 0":
            (offset >= 0) & ((offset < stride) | (key % stride == 0)),
        "sparse attention is causal: a query never sees later positions (keep j <= i)":
            (np.abs(offset) < stride) | (offset % stride == 0),
        "row i is the query and column j the key: keep j <= i, the lower triangle": right.T,
        "True means the query may attend to the key": ~right,
    }


@graded
def test_recent_positions_and_every_stride_th_before(student, ref):
    """strided_sparse_mask(T, stride) is a bool (T, T) array, True exactly when j <= i and (i - j < stride or (i - j) % stride == 0)."""
    for T, stride in CASES:
        got = student.strided_sparse_mask(T, stride)
        call = f"strided_sparse_mask({T}, {stride})"
        check(isinstance(got, np.ndarray) and got.shape == (T, T),
              f"{call} should be a NumPy array of shape ({T}, {T}), got {show(got)}")
        check(got.dtype == np.bool_, f"{call} should hold booleans (dtype bool), got dtype {got.dtype}",
              hint="compare positions (the result of <, ==, & and | is already bool) or add .astype(bool)")
        expect_equal(got, ref.strided_sparse_mask(T, stride), what=call, mistakes=known_mistakes(T, stride))
