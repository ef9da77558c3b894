"""Hidden tests: scaled_dot_product_attention."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import check, expect_close, expect_value_error, graded, show
from .strategies import attention_inputs


# One small input on which every known mistake gives a different answer (d_k = 4 is not T_k = 3,
# two queries tell the softmax axes apart, the mask keeps two keys for the first query and,
# inverted, still leaves each query a key). Explicit examples run first and are not shrunk: a
# mistake is reported at once on an input a student can follow by hand, where shrinking a random
# failure takes Hypothesis some seconds.
TEACHING_Q = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
TEACHING_K = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
TEACHING_V = np.array([[1.0], [0.0], [2.0]])
TEACHING_MASK = np.array([[True, True, False], [True, False, True]])


def attention_variant(Q, K, V, mask=None, scale=None, softmax_axis=-1, mask_after_softmax=False,
                      removed_where=False):
    """(output, weights) of attention written with one of the usual mistakes; `removed_where` is the
    mask value taken to mean "remove this key"."""
    scale = 1 / np.sqrt(Q.shape[-1]) if scale is None else scale
    scores = Q @ np.swapaxes(K, -1, -2) * scale
    if mask is not None and not mask_after_softmax:
        scores = np.where(mask == removed_where, -np.inf, scores)
    with np.errstate(all="ignore"):
        exps = np.exp(scores - np.max(scores, axis=softmax_axis, keepdims=True))
        weights = exps / np.sum(exps, axis=softmax_axis, keepdims=True)
        if mask is not None and mask_after_softmax:
            weights = weights * mask
        return weights @ V, weights


def known_mistakes(Q, K, V, mask=None):
    """{hint: (output, weights) of that mistake} on this input."""
    d_k, T_k = Q.shape[-1], K.shape[-2]
    variants = {
        "divide the scores Q K^T by sqrt(d_k), d_k = Q.shape[-1]": dict(scale=1.0),
        "the scale is 1 / sqrt(d_k), not 1 / d_k": dict(scale=1 / d_k),
        "scale by sqrt(d_k), the width of a query or key (Q.shape[-1]), not by the number of keys":
            dict(scale=1 / np.sqrt(T_k)),
        "the softmax runs over the keys (the last axis: each query's row sums to 1), not over the queries":
            dict(softmax_axis=-2),
    }
    if mask is not None:
        variants.update({
            "mask the scores before the softmax (set them to -inf): zeroing weights after it "
            "leaves rows that no longer sum to 1": dict(mask_after_softmax=True),
            "True in the mask means keep: remove the keys where the mask is False": dict(removed_where=True),
        })
    return {hint: attention_variant(Q, K, V, mask, **options) for hint, options in variants.items()}


def expect_attention(got, expected, mistakes):
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        check(False, f"scaled_dot_product_attention should return a pair (output, weights), got {show(got)}")
    expect_close(got[1], expected[1], what="weights",
                 mistakes={hint: wrong[1] for hint, wrong in mistakes.items()})
    expect_close(got[0], expected[0], what="output",
                 mistakes={hint: wrong[0] for hint, wrong in mistakes.items()})


@graded
@given(inputs=attention_inputs())
@example(inputs=(TEACHING_Q, TEACHING_K, TEACHING_V, None))
def test_matches_softmax_of_scaled_scores(student, ref, inputs):
    """Without a mask, weights = softmax(Q K^T / sqrt(d_k)) over the keys and output = weights @ V, with batch dims broadcasting."""
    Q, K, V, _ = inputs
    expect_attention(student.scaled_dot_product_attention(Q, K, V),
                     ref.scaled_dot_product_attention(Q, K, V), known_mistakes(Q, K, V))


@graded
@given(inputs=attention_inputs(mask="some"))
@example(inputs=(TEACHING_Q, TEACHING_K, TEACHING_V, TEACHING_MASK))
def test_masked_keys_get_weight_zero(student, ref, inputs):
    """With a mask (True = keep), masked keys get weight exactly 0 and each query's weights over the kept keys sum to 1."""
    Q, K, V, mask = inputs
    expect_attention(student.scaled_dot_product_attention(Q, K, V, mask),
                     ref.scaled_dot_product_attention(Q, K, V, mask), known_mistakes(Q, K, V, mask))


@graded
@given(inputs=attention_inputs(mask="empty_row"))
def test_query_with_no_key_raises_value_error(student, ref, inputs):
    """A mask that leaves some query with no key at all raises ValueError with a message saying so (instead of returning NaN); without the mask the same inputs give the usual result."""
    Q, K, V, mask = inputs
    expect_attention(student.scaled_dot_product_attention(Q, K, V), ref.scaled_dot_product_attention(Q, K, V),
                     known_mistakes(Q, K, V))
    expect_value_error(lambda: student.scaled_dot_product_attention(Q, K, V, mask), "scaled_dot_product_attention",
                       "When a query has no key left to attend to", needs_message=True,
                       hint_for_result=lambda got: "a row of the mask with no True leaves softmax over no keys: "
                                                   "0 / 0 = NaN. Check for such a row and raise ValueError")
