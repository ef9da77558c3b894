"""Hidden tests: top_k_filter."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, expect_equal, expect_value_error, graded

from .strategies import next_token_logits, seeded

TIES_KEPT = ("keep every token whose score is at least the k-th largest: tokens tied with the k-th are all "
             "kept (compare with the k-th largest value rather than taking k indices)")
TIES_KEPT_ARGSORT = ("tokens tied with the k-th largest are all kept: the k indices np.argsort gives leave out "
                     "some of the tied ones (compare each score with the k-th largest value instead)")


def keep(logits, kept):
    return np.where(kept, logits, -np.inf)


def known_mistakes(logits, k):
    ranked = np.sort(logits)[::-1]

    def largest(j):
        """The j-th largest score, j clamped to 1..V."""
        return ranked[min(max(j, 1), logits.size) - 1]

    def first_k_of(order):
        return keep(logits, np.isin(np.arange(logits.size), order[:k]))

    return {
        "k tokens, not k - 1: keep the scores >= the k-th largest": keep(logits, logits >= largest(k - 1)),
        "k tokens, not k + 1: keep the scores >= the k-th largest": keep(logits, logits >= largest(k + 1)),
        "keep the k LARGEST scores, not the smallest": keep(logits, logits <= ranked[::-1][min(k, logits.size) - 1]),
        "the removed tokens get -inf (probability exactly 0 after the softmax), not 0":
            np.where(logits >= largest(k), logits, 0.0),
        "the removed tokens get -np.inf, not a large negative number": np.where(logits >= largest(k), logits, -1e9),
        TIES_KEPT: first_k_of(np.argsort(-logits, kind="stable")),
        TIES_KEPT_ARGSORT: first_k_of(np.argsort(logits, kind="stable")[::-1]),
    }


@graded
@given(logits=next_token_logits(distinct=True), k=st.integers(1, 7))
@example(logits=np.array([1.0, 3.0, -1.0, 2.0, 0.5]), k=2)
def test_keeps_the_k_largest_scores(student, ref, logits, k):
    """top_k_filter(logits, k) keeps the k largest scores in place and sets the others to -inf (k >= V keeps all); the logits passed in are unchanged."""
    before = logits.copy()
    got, (logits_after, _) = student.call_and_inputs("top_k_filter", logits, k)
    expect_close(got, ref.top_k_filter(logits, k), rtol=1e-12, atol=0.0, mistakes=known_mistakes(logits, k))
    expect_equal(logits_after, before, what="the logits after the call (they must not be modified)", mistakes={
        "work on a copy (or use np.where): setting logits[...] = -np.inf changes the caller's array": got})


@st.composite
def tied_at_the_kth(draw):
    """(logits, k) where the k-th largest score is shared with a token ranked after it."""
    logits = draw(next_token_logits())
    rng = seeded(draw)
    tied_value = rng.choice(logits)
    logits = rng.permutation(np.append(logits, tied_value))
    ranked = np.sort(logits)[::-1]
    first_of_tie = int(np.flatnonzero(ranked == tied_value)[0])
    return logits, first_of_tie + 1


@graded
@given(case=tied_at_the_kth(), bad_k=st.sampled_from([0, -1]))
@example(case=(np.array([2.0, 1.0, 2.0, 3.0, 1.0]), 2), bad_k=0)
def test_keeps_all_ties_with_the_kth_and_rejects_k_below_one(student, ref, case, bad_k):
    """Tokens tied with the k-th largest score are all kept (so more than k may survive), and k < 1 raises ValueError."""
    logits, k = case
    expect_close(student.top_k_filter(logits, k), ref.top_k_filter(logits, k), rtol=1e-12, atol=0.0,
                 mistakes=known_mistakes(logits, k))
    expect_value_error(lambda: student.top_k_filter(logits, bad_k), "top_k_filter", f"For k = {bad_k}",
                       hint_for_result=lambda result: "check k first: with k < 1 no token would be left to sample")
