"""Hidden tests: sample_token."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, graded

from .strategies import assume_clear_of, merge_alike, next_token_logits, softmax

NOT_STRICT = ("return the smallest id whose cumulative probability is strictly GREATER than u: with >= a token "
              "of probability 0 (cumulative equal to the one before) can be drawn, e.g. for u = 0")
uniforms = st.floats(0.0, 1.0, exclude_max=True)


def first_above(totals, u):
    """The first index whose running total exceeds u (0 when none does, as np.argmax of all False)."""
    return int(np.argmax(np.asarray(totals) > u))


def known_mistakes(logits, u):
    probabilities = softmax(logits)
    best_first = np.argsort(-probabilities, kind="stable")
    rank = first_above(np.cumsum(probabilities[best_first]), u)
    with np.errstate(invalid="ignore"):
        return merge_alike({
            NOT_STRICT: int(np.searchsorted(np.cumsum(probabilities), u, side="left")),
            "sampling uses u: return the token where u falls in the cumulative probabilities, not the argmax "
            "(that is greedy decoding)": int(np.argmax(logits)),
            "add up the probabilities (softmax of the logits), not the logits": first_above(np.cumsum(logits), u),
            "normalise: the probabilities are exp(logits) divided by their sum (softmax), so the last "
            "cumulative probability is 1": first_above(np.cumsum(np.exp(logits)), u),
            "add the probabilities up in id order (0, 1, ..., V-1), not from the most probable token down":
                int(best_first[rank]),
            "return the token id, not its rank among the tokens sorted by probability": rank,
        })


@graded
@given(logits=next_token_logits() | next_token_logits(filtered=True), u=uniforms)
@example(logits=np.array([0.0, 1.0, 2.0, 0.0, 0.0, 1.0]), u=0.9)  # every known mistake draws another id
def test_draws_where_u_falls_in_the_cumulative_probabilities(student, ref, logits, u):
    """sample_token(logits, u) is the smallest id whose cumulative probability (softmax, added up in id order) is greater than u, as an int."""
    assume_clear_of(np.cumsum(softmax(logits)), u)
    expect_equal(student.sample_token(logits, u), ref.sample_token(logits, u), mistakes=known_mistakes(logits, u))


@graded
def test_filtered_tokens_are_never_drawn(student, ref):
    """With logits [-inf, 0, 0, -inf, 0, 0] (cumulative probabilities 0, 0.25, 0.5, 0.5, 0.75, 1), u = 0, 0.25, 0.5, 0.7, 0.9999 draw tokens 1, 2, 4, 4, 5: never a token at -inf, and u on a boundary goes to the next token."""
    logits = np.array([-np.inf, 0.0, 0.0, -np.inf, 0.0, 0.0])
    for u, token in [(0.0, 1), (0.25, 2), (0.5, 4), (0.7, 4), (0.9999, 5)]:
        expect_equal(student.sample_token(logits, u), token, what=f"sample_token(logits, {u})",
                     mistakes=known_mistakes(logits, u))
