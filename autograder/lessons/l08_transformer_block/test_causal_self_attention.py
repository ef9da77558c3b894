"""Hidden tests: causal_self_attention."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import graded
from .strategies import ONE_HEAD, SEVERAL_HEADS, attention_inputs, expect_tight

# Worked examples (explicit examples run first and are not shrunk): small inputs on which every
# known mistake gives a different answer. Three tokens, so that masks and softmax axes differ.
_rng = np.random.default_rng(8)


def _tenths(*shape, high=10):
    return _rng.integers(-high, high + 1, shape) / 10


TEACHING_ONE_HEAD = (_tenths(3, 2, high=20), _tenths(2, 6), _tenths(6), _tenths(2, 2), _tenths(2), 1)
TEACHING_TWO_HEADS = (_tenths(3, 4, high=20), _tenths(4, 12), _tenths(12), _tenths(4, 4), _tenths(4), 2)
TEACHING_BATCH = (_tenths(2, 3, 4, high=20), *TEACHING_TWO_HEADS[1:])


def attention_variant(x, W_attn, b_attn, W_proj, b_proj, n_heads, keep="past", scale="head", heads="contiguous",
                      merge="swap_back", softmax_axis=-1, mask_after_softmax=False, proj_transposed=False,
                      attn_bias=True, proj_bias=True):
    """GPT-2 attention, or one of the usual mistakes. `keep`: which keys query i sees ("past" j <= i,
    "strict_past" j < i, "future" j >= i, "all"); `heads`: "contiguous" column blocks, "interleaved"
    columns (head h takes columns h, h + H, ...) or "none" (one head over all d columns); `scale`:
    "head" 1/sqrt(d/H), "width" 1/sqrt(d), "none", or "head_width" 1/(d/H)."""
    *batch, T, d = x.shape
    H = 1 if heads == "none" else n_heads
    hd = d // H
    qkv = x @ W_attn + (b_attn if attn_bias else 0)

    def split(m):
        if heads == "interleaved":
            return np.moveaxis(m.reshape(*batch, T, hd, H), -1, -3)
        return np.swapaxes(m.reshape(*batch, T, H, hd), -2, -3)

    q, k, v = (split(m) for m in np.split(qkv, 3, axis=-1))
    factor = {"head": 1 / np.sqrt(d // n_heads), "width": 1 / np.sqrt(d), "none": 1.0,
              "head_width": 1 / (d // n_heads)}[scale]
    scores = q @ np.swapaxes(k, -1, -2) * factor
    i, j = np.arange(T)[:, None], np.arange(T)[None, :]
    seen = {"past": j <= i, "strict_past": j < i, "future": j >= i, "all": np.ones((T, T), dtype=bool)}[keep]
    with np.errstate(all="ignore"):
        if not mask_after_softmax:
            scores = np.where(seen, scores, -np.inf)
        weights = np.exp(scores - scores.max(axis=softmax_axis, keepdims=True))
        weights = weights / weights.sum(axis=softmax_axis, keepdims=True)
        if mask_after_softmax:
            weights = weights * seen
        heads_out = weights @ v
    if merge == "reshape_only":
        merged = heads_out.reshape(*batch, T, d)
    elif heads == "interleaved":
        merged = np.moveaxis(heads_out, -3, -1).reshape(*batch, T, d)
    else:
        merged = np.swapaxes(heads_out, -2, -3).reshape(*batch, T, d)
    return merged @ (W_proj.T if proj_transposed else W_proj) + (b_proj if proj_bias else 0)


def known_mistakes(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    variants = {
        "causal: query i may look at keys j <= i only (mask the future before the softmax)": dict(keep="all"),
        "the mask keeps j <= i: every position also sees itself (position 0 sees only itself)":
            dict(keep="strict_past"),
        "keep the past (j <= i, the lower triangle), not the future": dict(keep="future"),
        "mask the scores before the softmax (set them to -inf): zeroing weights after it leaves rows that "
        "no longer sum to 1": dict(mask_after_softmax=True),
        "the softmax runs over the keys (the last axis: each query's row sums to 1)": dict(softmax_axis=-2),
        "divide the scores by sqrt(d / n_heads), the width of one head": dict(scale="none"),
        "use W_proj as stored ((in, out): merged @ W_proj), not transposed": dict(proj_transposed=True),
        "add the projection bias b_proj": dict(proj_bias=False),
        "add b_attn to x W_attn before splitting Q, K and V": dict(attn_bias=False),
    }
    head_width = x.shape[-1] // n_heads
    if head_width ** 2 != x.shape[-1]:  # 1 / (d/H) would equal 1 / sqrt(d) (d = 4, H = 2) or 1 (H = d)
        variants["the scale is 1 / sqrt(d / n_heads), not 1 / (d / n_heads)"] = dict(scale="head_width")
    if n_heads > 1:
        variants.update({
            "scale by 1 / sqrt(d / n_heads), the width of one head, not 1 / sqrt(d)": dict(scale="width"),
            "head h is the contiguous block of columns h*d/H .. (h+1)*d/H - 1 of Q, K and V, not every "
            "H-th column": dict(heads="interleaved"),
            "split Q, K and V into n_heads heads, each attending on its own": dict(heads="none", scale="width"),
            "merge the heads back in order: move the head axis next to the head's columns ((H, T, hd) -> "
            "(T, H, hd)) before reshaping to (T, d)": dict(merge="reshape_only"),
        })
    inputs = (x, W_attn, b_attn, W_proj, b_proj, n_heads)
    return {hint: attention_variant(*inputs, **options) for hint, options in variants.items()}


def expect_attention(student, ref, inputs):
    expect_tight(student.causal_self_attention(*inputs), ref.causal_self_attention(*inputs),
                 lambda: known_mistakes(*inputs))


@graded
@given(inputs=attention_inputs(ONE_HEAD))
@example(inputs=TEACHING_ONE_HEAD)
def test_one_head_attends_to_the_past(student, ref, inputs):
    """With one head, causal_self_attention(x, ...) splits x W_attn + b_attn into Q | K | V, takes softmax(Q K^T / sqrt(d)) over the keys j <= i, multiplies by V, then applies W_proj and b_proj."""
    expect_attention(student, ref, inputs)


@graded
@given(inputs=attention_inputs(SEVERAL_HEADS))
@example(inputs=TEACHING_TWO_HEADS)
def test_heads_are_contiguous_column_blocks(student, ref, inputs):
    """With n_heads heads, head h uses columns h*d/H .. (h+1)*d/H - 1 of Q, K and V, scores scaled by 1/sqrt(d/H), and its output goes back to the same columns before W_proj."""
    expect_attention(student, ref, inputs)


@graded
@given(inputs=attention_inputs(ONE_HEAD + SEVERAL_HEADS, batched=True))
@example(inputs=TEACHING_BATCH)
def test_works_on_batches(student, ref, inputs):
    """causal_self_attention works on x of shape (..., T, d) with any leading axes, each sequence attending only within itself."""
    expect_attention(student, ref, inputs)
