"""Hidden tests: next_token_from_hidden."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import hidden_and_head

# T = 2, d = V = 4. The last position [1, 1, 1, 0] scores [1, 4, 4, 3] (a tie: ID 1, the lowest);
# the first position would give ID 3, h @ W (no transpose) ID 0, the highest of the tie ID 2, and
# the argmax over all positions' scores 5: every mistake below answers differently.
HIDDEN = np.array([[0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 0.0]])
LM_HEAD = np.array([[1.0, 0.0, 0.0, 1.0], [2.0, 1.0, 1.0, 0.0], [2.0, 2.0, 0.0, 0.0], [0.0, 1.0, 2.0, 1.0]])
BATCH = np.array([HIDDEN, [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]])


def greedy(scores):
    return np.argmax(scores, axis=-1)


def known_mistakes(hidden, lm_head_weight):
    """{hint: the answer of that mistake}; the likelier causes first."""
    last = hidden[..., -1, :]
    scores = last @ lm_head_weight.T
    mistakes = {
        "score the LAST position (hidden[..., -1, :]): it predicts the token that comes next":
            greedy(hidden[..., 0, :] @ lm_head_weight.T),
        "take the argmax of the last position's scores only, not over every position's scores":
            np.argmax(hidden @ lm_head_weight.T),
        "on a tie, return the LOWEST token ID (np.argmax does)":
            len(lm_head_weight) - 1 - greedy(scores[..., ::-1]),
    }
    if lm_head_weight.shape[0] == lm_head_weight.shape[1]:
        mistakes["lm_head.weight is stored (out, in) = (V, d): the scores are h @ lm_head_weight.T"] = \
            greedy(last @ lm_head_weight)
    if hidden.ndim == 3:
        mistakes["hidden is (B, T, d): the last position of every prompt is hidden[:, -1, :], not hidden[-1] "
                 "(the last prompt)"] = greedy(hidden[-1] @ lm_head_weight.T)
    return {hint: wrong.item() if np.ndim(wrong) == 0 else wrong for hint, wrong in mistakes.items()}


@graded
@given(inputs=hidden_and_head())
@example(inputs=(HIDDEN, LM_HEAD))
@example(inputs=(BATCH, LM_HEAD))
def test_argmax_of_the_last_position(student, ref, inputs):
    """next_token_from_hidden(hidden, lm_head_weight) is the argmax (lowest ID on a tie) of hidden[..., -1, :] @ lm_head_weight.T: an int for hidden (T, d), an int array (B,) for (B, T, d)."""
    hidden, lm_head_weight = inputs
    expect_equal(student.next_token_from_hidden(hidden, lm_head_weight), ref.next_token_from_hidden(hidden, lm_head_weight),
                 what="the next token ID" if hidden.ndim == 2 else "the next token ID of each prompt",
                 mistakes=known_mistakes(hidden, lm_head_weight))
