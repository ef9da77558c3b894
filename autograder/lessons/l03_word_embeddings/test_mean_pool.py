"""Hidden tests: mean_pool."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.lessons.toolkit import expect_close, float_arrays, graded


# Small inputs on which each known mistake gives a different answer. Explicit examples run first and
# are not shrunk: the mistake is reported at once on an input a student can check by hand.
TEACHING_TOKENS = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
TEACHING_MASK = np.array([True, True, False])
TEACHING_BATCH = np.stack([TEACHING_TOKENS, TEACHING_TOKENS])
TEACHING_BATCH_MASK = np.array([[True, True, False], [False, False, False]])


@st.composite
def tokens_and_mask(draw, fully_masked=False):
    """(token_vectors (T, d) or (B, T, d), mask of the leading shape or None). Every sequence keeps at
    least one token, unless `fully_masked`, where some sequence keeps none."""
    batch = draw(st.sampled_from([(), (draw(st.integers(1, 3)),)]))
    T, d = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    tokens = draw(float_arrays(batch + (T, d)))
    if not fully_masked and draw(st.booleans()):
        return tokens, None
    mask = draw(hnp.arrays(bool, batch + (T,)))
    rows = mask.reshape(-1, T)
    if fully_masked:
        rows[draw(st.integers(0, len(rows) - 1))] = False
    else:
        rows[~rows.any(axis=1), draw(st.integers(0, T - 1))] = True
    return tokens, mask.astype(draw(st.sampled_from([bool, np.int64])))


def known_mistakes(tokens, mask):
    kept = np.ones(tokens.shape[:-1]) if mask is None else mask.astype(float)
    totals = (tokens * kept[..., None]).sum(axis=-2)
    with np.errstate(all="ignore"):
        return {
            "divide by the number of kept tokens (mask.sum()), not by T": totals / tokens.shape[-2],
            "only the tokens the mask keeps count: multiply by the mask before summing":
                tokens.mean(axis=-2),
            "average over the tokens axis (-2), not over the vector axis": tokens.mean(axis=-1),
            "a sequence with no kept token gives the zero vector: guard the division by zero":
                totals / kept.sum(axis=-1)[..., None],
        }


@graded
@given(example=tokens_and_mask())
@example(example=(TEACHING_TOKENS, TEACHING_MASK))
def test_mean_over_kept_tokens(student, ref, example):
    """mean_pool(x, mask) is, per sequence, the sum of the kept token vectors divided by the number of kept tokens (all tokens when mask is None); shape (..., d)."""
    tokens, mask = example
    got = student.mean_pool(tokens) if mask is None else student.mean_pool(tokens, mask)
    expect_close(got, ref.mean_pool(tokens, mask), rtol=1e-9, atol=1e-12, mistakes=known_mistakes(tokens, mask))


@graded
@given(example=tokens_and_mask(fully_masked=True))
@example(example=(TEACHING_BATCH, TEACHING_BATCH_MASK))
def test_fully_masked_sequence_gives_zeros(student, ref, example):
    """A sequence whose mask keeps no token gets the zero vector (not NaN); the others get their mean."""
    tokens, mask = example
    expect_close(student.mean_pool(tokens, mask), ref.mean_pool(tokens, mask), rtol=1e-9, atol=1e-12,
                 mistakes=known_mistakes(tokens, mask))
