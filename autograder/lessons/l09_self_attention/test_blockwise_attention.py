"""Hidden tests: blockwise_attention."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import graded
from .strategies import blockwise_inputs, blockwise_variant, expect_tight

# Worked examples (explicit examples run first and are not shrunk): two queries and five keys in blocks
# of 2, 2 and 1, the scores growing from block to block so that the running maximum changes; every
# known mistake gives another output on them.
TEACHING_Q = np.array([[1.0, 0.0], [0.5, 1.0]])
TEACHING_K = np.array([[0.0, 0.0], [1.0, -1.0], [2.0, 1.0], [0.0, 3.0], [4.0, 2.0]])
TEACHING_V = np.array([[1.0], [-1.0], [2.0], [0.0], [3.0]])
TEACHING = (TEACHING_Q, TEACHING_K, TEACHING_V, 2)
# causal: five queries over the same five keys, blocks of 2, 2 and 1
TEACHING_CAUSAL = (np.array([[1.0, 0.0], [0.5, 1.0], [1.0, 0.5], [1.0, 1.0], [0.5, 0.5]]), TEACHING_K, TEACHING_V, 2)
# scores in the thousands: exp overflows unless each block is shifted by the running maximum
TEACHING_LARGE = (np.array([[30.0, 0.0], [0.0, -20.0]]), np.array([[20.0, 10.0], [30.0, -30.0], [40.0, 20.0]]),
                  np.array([[1.0], [2.0], [3.0]]), 2)

ONLINE_SOFTMAX = {
    "when a block raises the running maximum m, rescale the running sum l by exp(m_old - m_new) before "
    "adding the block's terms": dict(rescale_sum=False),
    "when a block raises the running maximum m, rescale the running output o by exp(m_old - m_new) too":
        dict(rescale_output=False),
    "when a block raises the running maximum m, rescale both the running sum and the running output by "
    "exp(m_old - m_new)": dict(rescale_sum=False, rescale_output=False),
    "the last block may be shorter than block_size: range(0, T_k, block_size) visits it, "
    "T_k // block_size blocks miss it": dict(last_block=False),
    "divide the scores by sqrt(d_k), d_k = Q.shape[-1]": dict(scale=False),
    "averaging each block's own softmax output weighs every block equally: carry the running maximum, "
    "sum and output across blocks instead": dict(combine="average"),
}
CAUSAL = {
    "causal: query i sees key j when j <= i, with j the key's position in the whole sequence "
    "(start + its index in the block), not within its block": dict(mask_positions="local"),
    "causal means j <= i: every query also sees its own key": dict(mask_positions="strict"),
}
STABILITY = {
    "keep a running maximum and take exp(scores - maximum): exp of scores in the thousands overflows "
    "to inf (and inf / inf is NaN)": dict(running_max=False),
}


def known_mistakes(Q, K, V, block_size, causal, variants):
    if causal:
        variants = dict(variants, **{"apply the causal mask (j <= i) when causal=True": dict(causal=False)})
    return {hint: blockwise_variant(Q, K, V, block_size, **dict(dict(causal=causal), **options))
            for hint, options in variants.items()}


@graded
@given(inputs=blockwise_inputs())
@example(inputs=TEACHING)
def test_equals_full_attention_for_every_block_size(student, ref, inputs):
    """blockwise_attention(Q, K, V, block_size) equals softmax(Q K^T / sqrt(d_k)) V for every block size, the last block possibly shorter, Q, K and V with any leading axes."""
    Q, K, V, block_size = inputs
    expect_tight(student.blockwise_attention(Q, K, V, block_size), ref.blockwise_attention(Q, K, V, block_size),
                 lambda: known_mistakes(Q, K, V, block_size, False, ONLINE_SOFTMAX))


@graded
@given(inputs=blockwise_inputs(causal=True))
@example(inputs=TEACHING_CAUSAL)
def test_causal_masks_keys_by_their_position_in_the_sequence(student, ref, inputs):
    """With causal=True, blockwise_attention equals causal full attention: query i sees key j only when j <= i, j counted over the whole sequence, across all blocks."""
    Q, K, V, block_size = inputs
    expect_tight(student.blockwise_attention(Q, K, V, block_size, True),
                 ref.blockwise_attention(Q, K, V, block_size, True),
                 lambda: known_mistakes(Q, K, V, block_size, True, dict(ONLINE_SOFTMAX, **CAUSAL)))


@graded
@given(inputs=blockwise_inputs(large=True))
@example(inputs=TEACHING_LARGE)
def test_scores_in_the_thousands_do_not_overflow(student, ref, inputs):
    """With scores in the thousands (e^1000 is inf in float64), blockwise_attention still equals full attention: each block's exponentials are taken relative to the running maximum."""
    Q, K, V, block_size = inputs
    expect_tight(student.blockwise_attention(Q, K, V, block_size), ref.blockwise_attention(Q, K, V, block_size),
                 lambda: known_mistakes(Q, K, V, block_size, False, dict(STABILITY, **ONLINE_SOFTMAX)))
