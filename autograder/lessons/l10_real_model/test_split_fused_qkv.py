"""Hidden tests: split_fused_qkv."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_equal, graded, returns
from .strategies import fused_qkv_inputs

# 4 query heads sharing 1 key/value head, head_dim 1, d = 2: 6 rows, Q rows 0-3, K row 4, V row 5,
# where equal thirds would give 2 rows each.
GQA_EXAMPLE = (np.arange(12.0).reshape(6, 2), 4, 1, 1)


def known_mistakes(W_qkv, n_heads, n_kv_heads, head_dim):
    """{hint: (W_q, W_k, W_v) of that mistake}."""
    q, kv = n_heads * head_dim, n_kv_heads * head_dim
    mistakes = {
        "keys and values have n_kv_heads * head_dim rows each, not n_heads * head_dim (grouped-query attention)":
            (W_qkv[:q], W_qkv[q:2 * q], W_qkv[2 * q:3 * q]),
        "the rows are stacked Q | K | V: the keys come before the values": (W_qkv[:q], W_qkv[q + kv:], W_qkv[q:q + kv]),
        "keep the (out, in) layout: cut the rows and return the parts as they are, not transposed":
            (W_qkv[:q].T, W_qkv[q:q + kv].T, W_qkv[q + kv:].T),
        "an nn.Linear weight is (out, in): Q, K and V are blocks of ROWS (axis 0), not of columns":
            (W_qkv[:, :q], W_qkv[:, q:q + kv], W_qkv[:, q + kv:]),
    }
    if len(W_qkv) % 3 == 0:
        mistakes["Q, K and V are not equal thirds when n_kv_heads < n_heads: Q has n_heads * head_dim rows, "
                 "K and V n_kv_heads * head_dim each"] = tuple(np.split(W_qkv, 3))
    return mistakes


@graded
@given(inputs=fused_qkv_inputs())
@example(inputs=GQA_EXAMPLE)
def test_rows_are_q_then_k_then_v(student, ref, inputs):
    """split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim) returns rows 0 .. n_heads*head_dim - 1 as W_q, the next n_kv_heads*head_dim rows as W_k and the rest as W_v, each kept (out, in)."""
    W_qkv, n_heads, n_kv_heads, head_dim = inputs
    got = returns(student.split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim), "split_fused_qkv",
                  ("W_q", "W_k", "W_v"))
    expected = ref.split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim)
    mistakes = known_mistakes(W_qkv, n_heads, n_kv_heads, head_dim)
    for index, name in enumerate(("W_q", "W_k", "W_v")):
        expect_equal(got[index], expected[index], what=name,
                     mistakes={hint: wrong[index] for hint, wrong in mistakes.items()})
