"""Hidden tests: top_p_filter. Inputs where rounding decides the cut (a running total within 1e-9 of
p, or the crossing token tied with the next one) are skipped: the exercise does not pin them, and
Hugging Face's warper differs from any sorted loop there."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, expect_equal, graded

from .strategies import assume_no_top_p_boundary_tie, next_token_logits, softmax

probabilities_to_cover = st.sampled_from([0.5, 0.8, 0.9, 0.3, 0.95]) | st.floats(0.02, 0.98)
edge_probabilities = st.sampled_from([0.0, 1.0, 0.001, 0.999]) | st.floats(0.0, 1.0)

# probabilities about [0.04, 0.29, 0.47, 0.11, 0.09]: p = 0.85 keeps ids 2, 1, 3 (0.47 + 0.29 + 0.11
# = 0.87 crosses 0.85); every known mistake keeps another set.
TEACHING_LOGITS = np.array([-0.5, 1.4, 1.9, 0.5, 0.3])
TEACHING_P = 0.85


def kept_until(logits, order, running_total, p):
    """The logits with the tokens of `order` kept up to the first whose `running_total` reaches p."""
    crossing = np.flatnonzero(running_total >= p)
    kept = order[:crossing[0] + 1] if crossing.size else order
    return np.where(np.isin(np.arange(logits.size), kept), logits, -np.inf)


def known_mistakes(logits, p):
    """{hint: what that mistake returns}, the likelier causes first (the first match is shown)."""
    probabilities = softmax(logits)
    best_first = np.argsort(-probabilities, kind="stable")
    worst_first = np.argsort(probabilities, kind="stable")
    running_total = np.cumsum(probabilities[best_first])
    expected = kept_until(logits, best_first, running_total, p)
    mistakes = {"no token is left: the most probable token is always kept, even for p = 0": np.full(logits.shape, -np.inf)}
    if running_total[-1] < p:
        mistakes["p = 1 keeps every token: the running total can end a hair below 1.0 by rounding, so that no "
                 "token reaches p; keep them all then (np.argmax of an all-False array is 0)"] = (
            np.where(np.arange(logits.size) == best_first[0], logits, -np.inf))
    mistakes.update({
        "keep the token that crosses p too: the kept set is the smallest whose total reaches p, so it "
        "ends with the token that makes the total >= p":
            np.where(np.isin(np.arange(logits.size), best_first[running_total <= p]), logits, -np.inf),
        "add the probabilities up from the MOST probable token down (sort in descending order)":
            kept_until(logits, worst_first, np.cumsum(probabilities[worst_first]), p),
        "add the probabilities up in order of probability (most probable first), not in id order":
            kept_until(logits, np.arange(logits.size), np.cumsum(probabilities), p),
        "the running total is of probabilities (softmax of the logits), not of the logits themselves":
            kept_until(logits, best_first, np.cumsum(logits[best_first]), p),
        "the removed tokens get -inf (probability exactly 0 after the softmax), not 0":
            np.where(np.isfinite(expected), logits, 0.0),
        "return the logits in their original order (token i stays at index i), not sorted":
            np.sort(expected)[::-1],
        "keep the logits of the kept tokens, not their probabilities":
            np.where(np.isfinite(expected), probabilities, -np.inf),
    })
    return mistakes


def check_top_p(student, ref, logits, p):
    before = logits.copy()
    got, (logits_after, _) = student.call_and_inputs("top_p_filter", logits, p)
    expect_close(got, ref.top_p_filter(logits, p), rtol=1e-12, atol=0.0, mistakes=known_mistakes(logits, p))
    expect_equal(logits_after, before, what="the logits after the call (they must not be modified)", mistakes={
        "work on a copy (or use np.where): setting logits[...] = -np.inf changes the caller's array": got})


@graded
@given(logits=next_token_logits(), p=probabilities_to_cover)
@example(logits=TEACHING_LOGITS, p=TEACHING_P)
def test_keeps_the_most_probable_tokens_until_p(student, ref, logits, p):
    """top_p_filter(logits, p) keeps the most probable tokens up to and including the one whose running total of probability first reaches p; the others become -inf."""
    assume_no_top_p_boundary_tie(logits, p)
    check_top_p(student, ref, logits, p)


@graded
@given(logits=next_token_logits(filtered=True), p=edge_probabilities)
@example(logits=np.array([-np.inf, 0.3, 2.0, -np.inf, 0.1, 1.0]), p=0.0)
@example(logits=np.array([0.4, -np.inf, 0.3, 2.0, 1.0]), p=1.0)
def test_keeps_one_token_for_tiny_p_and_all_for_p_one(student, ref, logits, p):
    """top_p_filter keeps at least the most probable token (even for p = 0), every token for p = 1, and scores already at -inf stay -inf."""
    if p < 1.0:
        assume_no_top_p_boundary_tie(logits, p)
    check_top_p(student, ref, logits, p)
