"""Hidden tests: grouped_query_attention."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import graded
from .strategies import GROUPED, attention_variant, expect_tight, grouped_inputs

# Worked examples (explicit examples run first and are not shrunk): 3 positions, heads of width 2,
# weights on a 0.1 grid, a causal mask; every known mistake gives another result on them.
_rng = np.random.default_rng(10)


def _tenths(*shape, high=10):
    return _rng.integers(-high, high + 1, shape) / 10


CAUSAL = np.tril(np.ones((3, 3), dtype=bool))


def _teaching(n_heads, n_kv_heads, hd):
    d = n_heads * hd
    return (_tenths(3, d, high=20), _tenths(d, d), _tenths(d, n_kv_heads * hd), _tenths(d, n_kv_heads * hd),
            _tenths(d, d), n_heads, n_kv_heads, CAUSAL)


TEACHING_MULTI_HEAD = _teaching(2, 2, 2)
TEACHING_MULTI_QUERY = _teaching(3, 1, 2)
TEACHING_GROUPED = _teaching(4, 2, 2)


def known_mistakes(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask):
    variants = {
        "use W_o as stored (merged @ W_o), not transposed: y = x W throughout": dict(output="transposed"),
        "finish with the output projection: the merged query heads times W_o": dict(output="missing"),
        "divide the scores by sqrt(head_dim), head_dim = d // n_heads": dict(scale="none"),
        "the softmax runs over the keys (the last axis: each query's weights sum to 1)": dict(softmax_axis=-2),
    }
    if n_heads > 1:
        variants.update({
            "scale by 1 / sqrt(head_dim), the width of one head (d // n_heads), not 1 / sqrt(d)": dict(scale="width"),
            "heads are contiguous column blocks (split_heads), not every n-th column": dict(heads="interleaved"),
            "merge the query heads with merge_heads (move the head axis back before reshaping to (T, d))":
                dict(merge="reshape"),
        })
    if mask is not None:
        variants["apply the mask: keys where it is False get weight 0"] = dict(mask_use="ignored")
    if 1 < n_kv_heads < n_heads:
        variants["groups are contiguous: query head i uses kv head i // (n_heads / n_kv_heads) (np.repeat on the "
                 "head axis gives kv heads [a, a, b, b]), not i % n_kv_heads (np.tile gives [a, b, a, b])"] = \
            dict(kv_groups="modulo")
    return {hint: attention_variant(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask, **options)
            for hint, options in variants.items()}


def expect_grouped(student, ref, inputs):
    x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask = inputs
    arguments = (x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads) + (() if mask is None else (mask,))
    expect_tight(student.grouped_query_attention(*arguments), ref.grouped_query_attention(*arguments),
                 lambda: known_mistakes(*inputs))


@graded
@given(inputs=grouped_inputs([(1, 1), (2, 2), (3, 3)]))
@example(inputs=TEACHING_MULTI_HEAD)
def test_as_many_kv_heads_as_query_heads_is_multi_head_attention(student, ref, inputs):
    """With n_kv_heads == n_heads, grouped_query_attention is multi-head attention: each query head has its own key and value head (the mask, if given, applies to every head)."""
    expect_grouped(student, ref, inputs)


@graded
@given(inputs=grouped_inputs([(2, 1), (3, 1), (4, 1)]))
@example(inputs=TEACHING_MULTI_QUERY)
def test_one_kv_head_is_multi_query_attention(student, ref, inputs):
    """With n_kv_heads == 1 (multi-query attention), every query head attends with the same keys and values, x W_k and x W_v of width head_dim = d // n_heads."""
    expect_grouped(student, ref, inputs)


@graded
@given(inputs=grouped_inputs(GROUPED))
@example(inputs=TEACHING_GROUPED)
def test_contiguous_groups_of_query_heads_share_a_kv_head(student, ref, inputs):
    """With 1 < n_kv_heads < n_heads, query head i attends with key/value head i // (n_heads / n_kv_heads): contiguous groups, as in Llama."""
    expect_grouped(student, ref, inputs)
