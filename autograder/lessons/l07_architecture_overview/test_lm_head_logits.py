"""Hidden tests: lm_head_logits."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import draw_arrays, expect_close, graded

from .strategies import softmax

# Two sequences (batch 2) of 3 positions, d = 2, V = 4: the last position differs from the first,
# from the mean and from the last batch item, so each known mistake gives its own answer.
TEACHING_HIDDEN = np.array([[[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]],
                            [[0.0, 2.0], [1.0, 1.0], [-1.0, 0.0]]])
TEACHING_W = np.array([[1.0, 0.0, -1.0, 2.0], [0.0, 1.0, 1.0, 0.5]])


@st.composite
def head_inputs(draw):
    """(hidden (..., T, d), W_unembed (d, V)) with 0-2 batch dims, entries in tenths of [-2, 2]."""
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    T, d, V = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    hidden, W_unembed = draw_arrays(draw, [batch + (T, d), (d, V)], st.integers(-20, 20))
    return hidden / 10, W_unembed / 10


def known_mistakes(hidden, W_unembed):
    mistakes = {
        "the LM head reads the LAST position (hidden[..., -1, :]), the only track that has seen the whole "
        "prompt, not the first": hidden[..., 0, :] @ W_unembed,
        "score the last position only (hidden[..., -1, :]): its row is the next-token distribution, "
        "the other positions are not used": hidden @ W_unembed,
        "hidden[-1] takes the last item of the FIRST axis (the last sequence of a batch): index the "
        "positions axis, hidden[..., -1, :]": hidden[-1] @ W_unembed,
        "use the last position's vector, not the mean over positions": hidden.mean(axis=-2) @ W_unembed,
        "return the raw scores (logits), without a softmax": softmax_rows(hidden[..., -1, :] @ W_unembed),
    }
    if W_unembed.shape[0] == W_unembed.shape[1]:
        mistakes["W_unembed is (d, V): multiply by it as it is, h @ W_unembed, not by its transpose"] = (
            hidden[..., -1, :] @ W_unembed.T)
    return mistakes


def softmax_rows(logits):
    return np.apply_along_axis(softmax, -1, logits)


@graded
@given(inputs=head_inputs())
@example(inputs=(TEACHING_HIDDEN, TEACHING_W))
def test_scores_the_last_position(student, ref, inputs):
    """lm_head_logits(hidden, W_unembed) is hidden[..., -1, :] @ W_unembed: the last position's vector times the (d, V) LM head, for any batch dims."""
    hidden, W_unembed = inputs
    expect_close(student.lm_head_logits(hidden, W_unembed), ref.lm_head_logits(hidden, W_unembed),
                 rtol=1e-10, atol=1e-12, mistakes=known_mistakes(hidden, W_unembed))
