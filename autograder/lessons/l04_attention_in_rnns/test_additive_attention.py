"""Hidden tests: additive_attention."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import expect_close, graded, returns
from .strategies import additive_attention_inputs, check_masking


def call(student, query, keys, values, W_q, W_k, v, mask):
    if mask is None:
        return student.additive_attention(query, keys, values, W_q, W_k, v)
    return student.additive_attention(query, keys, values, W_q, W_k, v, mask=mask)


def known_mistakes(ref, query, keys, values, W_q, W_k, v, mask):
    """Weights that known wrong implementations give on this input."""
    mixed = (query @ W_q)[..., np.newaxis, :] + keys @ W_k
    mistakes = {
        "squash query W_q + key W_k with tanh before multiplying by v": ref.masked_softmax(mixed @ v, mask),
        "the score is v . tanh(...): weight the tanh vector by v, do not just sum it":
            ref.masked_softmax(np.tanh(mixed).sum(axis=-1), mask),
        "tanh goes inside, around query W_q + key W_k, and v comes after it":
            ref.masked_softmax(np.tanh(mixed @ v), mask),
    }
    if mask is not None:
        mistakes["masked positions (mask False) must get weight 0"] = ref.masked_softmax(np.tanh(mixed) @ v)
    return mistakes


@graded
@given(problem=additive_attention_inputs())
def test_matches_reference(student, ref, problem):
    """weights = softmax over positions of v . tanh(query @ W_q + keys[j] @ W_k) (mask True = keep) and context = weights @ values."""
    context, weights = returns(call(student, *problem), "additive_attention", ("context", "weights"))
    expected_context, expected_weights = ref.additive_attention(*problem)
    expect_close(weights, expected_weights, what="weights", mistakes=known_mistakes(ref, *problem))
    expect_close(context, expected_context, what="context")


@graded
@given(problem=additive_attention_inputs(masked=True))
def test_masked_positions_get_exactly_zero_weight(student, ref, problem):
    """Masked positions get weight exactly 0, each query's weights sum to 1, and a query with every position masked raises ValueError."""
    query, keys, values, W_q, W_k, v, mask = problem
    check_masking(lambda q, k, vals, m: call(student, q, k, vals, W_q, W_k, v, m), query, keys, values, mask,
                  function="additive_attention")
