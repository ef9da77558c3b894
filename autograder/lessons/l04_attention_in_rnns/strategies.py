"""Strategies and result checks shared by the hidden suites of lesson 04, attention in RNNs.

Weights are drawn in [-1, 1] and inputs in [-2, 2] so that tanh stays away from saturation:
a saturated tanh returns +-1 whatever its input, which would hide a missing bias or a swapped
weight matrix.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.lessons.toolkit import GridValues, check, expect_value_error, returns, show

sizes = st.integers(1, 4)
lengths = st.integers(1, 5)


@st.composite
def rnn_step_inputs(draw, batched):
    """(x_t, h_prev, W_xh, W_hh, b_h); with `batched`, x_t (B, d_in) and h_prev (B, d_h)."""
    d_in, d_h = draw(sizes), draw(sizes)
    leading = (draw(sizes),) if batched else ()
    grid = GridValues(draw)
    return (grid.inputs(*leading, d_in), grid.weights(*leading, d_h),
            grid.weights(d_in, d_h), grid.weights(d_h, d_h), grid.weights(d_h))


@st.composite
def rnn_sequences(draw, min_length=1, with_h0=None):
    """(X (T, d_in), W_xh, W_hh, b_h, h0), h0 None or (d_h,) (either, unless `with_h0` says)."""
    d_in, d_h = draw(sizes), draw(sizes)
    length = draw(st.integers(min_length, 6))
    has_h0 = draw(st.booleans()) if with_h0 is None else with_h0
    grid = GridValues(draw)
    h0 = grid.weights(d_h) if has_h0 else None
    return (grid.inputs(length, d_in), grid.weights(d_in, d_h), grid.weights(d_h, d_h),
            grid.weights(d_h), h0)


@st.composite
def attention_inputs(draw, masked=None, query_size=None):
    """(query, keys, values, mask): query (d_q,) or (n_q, d_q), keys (T, d), values (T, d_v);
    mask None, (T,) or (n_q, T) with every row keeping a position. `masked`: True forces a mask,
    False forbids one, None draws either. `query_size`: a strategy for d_q when it may differ from
    the keys' size (additive attention); by default d_q = d."""
    several = draw(st.booleans())
    n_queries, length, key_size, value_size = draw(sizes), draw(lengths), draw(sizes), draw(sizes)
    d_q = draw(query_size) if query_size is not None else key_size
    use_mask = draw(st.booleans()) if masked is None else masked
    per_query = use_mask and several and draw(st.booleans())
    grid = GridValues(draw)
    query = grid.inputs(n_queries, d_q) if several else grid.inputs(d_q)
    mask = None
    if use_mask:
        mask = grid.keep_mask((n_queries, length) if per_query else (length,))
    return query, grid.inputs(length, key_size), grid.inputs(length, value_size), mask


@st.composite
def additive_attention_inputs(draw, masked=None):
    """(query, keys, values, W_q (d_q, d_a), W_k (d_k, d_a), v (d_a,), mask), d_q and d_k may differ."""
    query, keys, values, mask = draw(attention_inputs(masked, query_size=sizes))
    d_a = draw(sizes)
    grid = GridValues(draw)
    return (query, keys, values, grid.weights(query.shape[-1], d_a), grid.weights(keys.shape[-1], d_a),
            grid.weights(d_a), mask)


@st.composite
def decoder_inputs(draw):
    """(y_prev_emb (d_e,), s_prev (d_h,), encoder_states (T, d_h), params dict)."""
    d_e, d_h, length, vocab = draw(sizes), draw(sizes), draw(lengths), draw(sizes)
    grid = GridValues(draw)
    params = {"W_ys": grid.weights(d_e, d_h), "W_ss": grid.weights(d_h, d_h), "b_s": grid.weights(d_h),
              "W_out": grid.weights(2 * d_h, vocab), "b_out": grid.weights(vocab)}
    # Encoder states come out of a tanh, so they lie in [-1, 1].
    return grid.inputs(d_e), grid.weights(d_h), grid.weights(length, d_h), params


def check_masking(student_call, query, keys, values, mask, function):
    """The masking contract of dot_attention and additive_attention, for the student's
    `student_call(query, keys, values, mask)`."""
    weights = returns(student_call(query, keys, values, mask), function, ("context", "weights"))[1]
    expected_shape = query.shape[:-1] + keys.shape[:1]
    check(isinstance(weights, np.ndarray) and weights.shape == expected_shape,
          f"weights should be an array of shape {expected_shape}, got {show(weights)}")
    masked = ~np.broadcast_to(mask, expected_shape)
    check(np.all(weights[masked] == 0),
          f"masked positions (mask False) should get weight exactly 0; with mask {show(mask)} "
          f"the weights are {show(weights)}",
          "give masked scores the value -inf before the softmax: exp(-inf) is exactly 0 "
          "(multiplying the scores by the mask makes them 0, and exp(0) = 1)")
    check(np.all(weights >= 0), f"weights should be >= 0, got {show(weights)}")
    sums = np.atleast_1d(weights.sum(axis=-1))
    check(np.allclose(sums, 1.0, rtol=0, atol=1e-9),
          f"each query's weights should sum to 1, got sums {show(sums)} (weights {show(weights)}, mask {show(mask)})",
          "mask the scores before the softmax: zeroing weights after it leaves a sum below 1"
          if np.all(sums < 1) else None)
    expect_value_error(lambda: student_call(query, keys, values, np.zeros_like(mask)), function,
                       "With every position masked (mask all False)", fully_masked_hint)


def fully_masked_hint(result):
    try:
        has_nan = bool(np.isnan(np.asarray(result[1], dtype=float)).any())
    except (TypeError, ValueError, IndexError):
        has_nan = False
    if has_nan:
        return "with every score at -inf the softmax gives NaN: check the mask first and raise ValueError"
    return ("check whether a query has every position masked and raise ValueError (a fill such as -1e9 "
            "instead of -inf hides this case behind uniform weights)")
