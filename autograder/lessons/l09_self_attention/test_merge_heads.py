"""Hidden tests: merge_heads."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import TOLERANCE, merge_inputs

# Worked example: 2 heads of 3 positions and width 2 holding 0 .. 11. Position 0 is
# [0, 1] from head 0 then [6, 7] from head 1.
TEACHING = np.arange(12.0).reshape(2, 3, 2)
TEACHING_BATCH = np.arange(24.0).reshape(2, 3, 2, 2)


def known_mistakes(x):
    *batch, H, T, hd = x.shape
    return {
        "move the head axis back next to the head's columns ((..., H, T, hd) -> (..., T, H, hd)) before "
        "reshaping to (..., T, H*hd): a bare reshape mixes positions": x.reshape(*batch, T, H * hd),
        "head h goes back to the contiguous columns h*hd .. (h+1)*hd - 1, not to every H-th column":
            np.moveaxis(x, -3, -1).reshape(*batch, T, H * hd),
    }


@graded
@given(x=merge_inputs())
@example(x=TEACHING)
@example(x=TEACHING_BATCH)
def test_heads_go_back_side_by_side(student, ref, x):
    """merge_heads(x) turns (..., H, T, hd) into (..., T, H*hd) with head h in the columns h*hd .. (h+1)*hd - 1: the inverse of split_heads."""
    expect_close(student.merge_heads(x), ref.merge_heads(x), rtol=1e-10, atol=1e-12, mistakes=known_mistakes(x))
