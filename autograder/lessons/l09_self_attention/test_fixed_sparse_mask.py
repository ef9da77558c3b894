"""Hidden tests: fixed_sparse_mask. Few sizes are worth testing, so each listed one is, the worked
example (8, 3) first; T = 1 comes last, where several mistakes look alike."""

import numpy as np

from autograder.lessons.toolkit import check, expect_equal, graded, show

CASES = [(8, 3), (7, 2), (9, 4), (5, 1), (4, 4), (3, 5), (2, 1), (1, 1)]


def known_mistakes(T, block):
    query, key = np.arange(T)[:, None], np.arange(T)[None, :]
    past = key <= query
    same_block = key // block == query // block
    summary = key % block == block - 1
    right = past & (same_block | summary)
    return {
        "causal inside the block too: a query sees its own block only up to itself (j <= i)":
            same_block | (summary & past),
        "the summary positions of LATER blocks are the future: keep j <= i for them too":
            (same_block & past) | summary,
        "the summary position of a block is its LAST position (j % block == block - 1), not its first":
            past & (same_block | (key % block == 0)),
        "besides its own block, a query sees the last position of every earlier block":
            past & same_block,
        "blocks are fixed (j // block == i // block), not a window of the last `block` positions":
            past & ((query - key < block) | summary),
        "row i is the query and column j the key: keep j <= i, the lower triangle": right.T,
        "True means the query may attend to the key": ~right,
    }


@graded
def test_own_block_and_the_summaries_of_earlier_blocks(student, ref):
    """fixed_sparse_mask(T, block) is a bool (T, T) array, True exactly when j <= i and (j // block == i // block or j % block == block - 1)."""
    for T, block in CASES:
        got = student.fixed_sparse_mask(T, block)
        call = f"fixed_sparse_mask({T}, {block})"
        check(isinstance(got, np.ndarray) and got.shape == (T, T),
              f"{call} should be a NumPy array of shape ({T}, {T}), got {show(got)}")
        check(got.dtype == np.bool_, f"{call} should hold booleans (dtype bool), got dtype {got.dtype}",
              hint="compare positions (the result of <=, ==, & and | is already bool) or add .astype(bool)")
        expect_equal(got, ref.fixed_sparse_mask(T, block), what=call, mistakes=known_mistakes(T, block))
