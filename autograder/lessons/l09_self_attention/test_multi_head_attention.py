"""Hidden tests: multi_head_attention."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import graded
from .strategies import ONE_HEAD, SEVERAL_HEADS, attention_inputs, attention_variant, expect_tight

# Worked examples (explicit examples run first and are not shrunk): 3 positions of width 4, 2 heads,
# weights on a 0.1 grid; every known mistake gives another result on them.
_rng = np.random.default_rng(9)


def _tenths(*shape, high=10):
    return _rng.integers(-high, high + 1, shape) / 10


TEACHING = (_tenths(3, 4, high=20), _tenths(4, 4), _tenths(4, 4), _tenths(4, 4), _tenths(4, 4), 2)
TEACHING_MASK = np.array([[True, False, True], [True, True, False], [False, True, True]])


def known_mistakes(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    variants = {
        "use W_o as stored (merged @ W_o), not transposed: y = x W throughout": dict(output="transposed"),
        "finish with the output projection: the merged heads times W_o": dict(output="missing"),
        "the softmax runs over the keys (the last axis: each query's weights sum to 1)": dict(softmax_axis=-2),
        "divide the scores by sqrt(head_dim), the width of one head (d / n_heads)": dict(scale="none"),
    }
    if n_heads > 1:
        variants.update({
            "scale by 1 / sqrt(d / n_heads), the width of one head, not 1 / sqrt(d)": dict(scale="width"),
            "head h is the contiguous block of columns h*hd .. (h+1)*hd - 1 (split_heads), not every n_heads-th "
            "column": dict(heads="interleaved"),
            "split Q, K and V into n_heads heads, each with its own softmax": dict(heads="none", scale="width"),
            "merge the heads with merge_heads (move the head axis back before reshaping to (T, d))":
                dict(merge="reshape"),
        })
    if mask is not None:
        variants.update({
            "apply the mask: keys where it is False get weight 0": dict(mask_use="ignored"),
            "True in the mask means keep: remove the keys where it is False": dict(mask_use="inverted"),
            "mask the scores before the softmax (set them to -inf): zeroing weights after it leaves rows "
            "that no longer sum to 1": dict(mask_use="after"),
        })
    return {hint: attention_variant(x, W_q, W_k, W_v, W_o, n_heads, n_heads, mask, **options)
            for hint, options in variants.items()}


@graded
@given(inputs=attention_inputs(ONE_HEAD + SEVERAL_HEADS))
@example(inputs=(*TEACHING, None))
def test_heads_attend_side_by_side(student, ref, inputs):
    """Without a mask, multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads) splits x W_q, x W_k, x W_v into heads (contiguous column blocks), takes softmax(Q_h K_h^T / sqrt(d / n_heads)) V_h in each head, merges the heads and multiplies by W_o; x may have leading axes."""
    x, W_q, W_k, W_v, W_o, n_heads, _ = inputs
    expect_tight(student.multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads),
                 ref.multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads),
                 lambda: known_mistakes(x, W_q, W_k, W_v, W_o, n_heads))


@graded
@given(inputs=attention_inputs(ONE_HEAD + SEVERAL_HEADS, masks=("causal", "random")))
@example(inputs=(*TEACHING, TEACHING_MASK))
def test_masked_keys_get_no_weight_in_any_head(student, ref, inputs):
    """With a mask (bool (T, T), True = query i may attend to key j), every head gives the masked keys weight exactly 0, its weights over the kept keys summing to 1."""
    x, W_q, W_k, W_v, W_o, n_heads, mask = inputs
    expect_tight(student.multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask),
                 ref.multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask),
                 lambda: known_mistakes(x, W_q, W_k, W_v, W_o, n_heads, mask))
