"""Hidden tests: dot_attention."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, graded, returns
from .strategies import attention_inputs, check_masking


def call(student, query, keys, values, mask):
    if mask is None:
        return student.dot_attention(query, keys, values)
    return student.dot_attention(query, keys, values, mask=mask)


def known_mistakes(ref, query, keys, values, mask):
    """Weights that known wrong implementations give on this input."""
    scores = query @ keys.T
    mistakes = {
        "use the plain dot product query . key: no 1/sqrt(d) scaling in this lesson":
            ref.masked_softmax(scores / np.sqrt(keys.shape[-1]), mask),
    }
    if mask is not None:
        mistakes["masked scores must become -inf (weight 0), not 0 (multiplying by the mask)"] = (
            ref.masked_softmax(scores * mask))
        mistakes["apply the mask before the softmax; zeroing weights afterwards leaves a sum below 1"] = (
            ref.masked_softmax(scores) * mask)
    if query.ndim == 2:
        with np.errstate(all="ignore"):
            kept = scores if mask is None else np.where(mask, scores, -np.inf)
            exps = np.exp(kept - kept.max(axis=0, keepdims=True))
            mistakes["softmax over the positions (the last axis), once per query"] = exps / exps.sum(axis=0)
    return mistakes


@graded
@given(problem=attention_inputs())
def test_matches_reference(student, ref, problem):
    """weights = softmax over positions of query . keys[j] (mask True = keep) and context = weights @ values, for one query (d,) or several (n_q, d)."""
    query, keys, values, mask = problem
    context, weights = returns(call(student, *problem), "dot_attention", ("context", "weights"))
    expected_context, expected_weights = ref.dot_attention(*problem)
    expect_close(weights, expected_weights, what="weights", mistakes=known_mistakes(ref, *problem))
    expect_close(context, expected_context, what="context")


@graded
@given(problem=attention_inputs(masked=True))
def test_masked_positions_get_exactly_zero_weight(student, ref, problem):
    """Masked positions get weight exactly 0, each query's weights sum to 1, and a query with every position masked raises ValueError."""
    check_masking(lambda *arguments: call(student, *arguments), *problem, function="dot_attention")


@graded
@given(problem=attention_inputs(), data=st.data())
def test_reordering_positions_reorders_weights(student, ref, problem, data):
    """Reordering the positions (keys, values and mask together) reorders the weights the same way and leaves the context unchanged."""
    query, keys, values, mask = problem
    order = np.array(data.draw(st.permutations(range(len(keys))), label="order"))
    context, weights = returns(call(student, *problem), "dot_attention", ("context", "weights"))
    reordered_mask = None if mask is None else mask[..., order]
    context_reordered, weights_reordered = returns(
        call(student, query, keys[order], values[order], reordered_mask), "dot_attention", ("context", "weights"))
    expect_close(weights_reordered, weights[..., order],
                 what="weights for the reordered positions, compared with the original weights reordered")
    expect_close(context_reordered, context, what="context for the reordered positions")
