"""Hidden tests: split_heads."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import TOLERANCE, split_inputs, split_variant

# Worked example: 3 positions of width 4 holding 0 .. 11, cut into 2 heads of width 2. Head 0 is
# [[0, 1], [4, 5], [8, 9]]; every-other-column heads and a bare reshape give other numbers.
TEACHING = (np.arange(12.0).reshape(3, 4), 2)
TEACHING_BATCH = (np.arange(24.0).reshape(2, 2, 6), 3)


@graded
@given(inputs=split_inputs())
@example(inputs=TEACHING)
@example(inputs=TEACHING_BATCH)
def test_head_h_is_the_hth_block_of_columns(student, ref, inputs):
    """split_heads(x, n_heads) has shape (..., n_heads, T, d/n_heads), head h holding the columns h*d/n_heads .. (h+1)*d/n_heads - 1 of x, for x with any leading axes."""
    x, n_heads = inputs
    expect_close(student.split_heads(x, n_heads), ref.split_heads(x, n_heads), **TOLERANCE, mistakes={
        "head h is the contiguous block of columns h*hd .. (h+1)*hd - 1, not every n_heads-th column: "
        "reshape to (..., T, n_heads, hd), then swap the T and head axes": split_variant(x, n_heads, "interleaved"),
        "a reshape straight to (..., n_heads, T, hd) mixes positions: reshape to (..., T, n_heads, hd) first, "
        "then move the head axis before T (np.swapaxes(..., -2, -3))": split_variant(x, n_heads, "reshape"),
    })
