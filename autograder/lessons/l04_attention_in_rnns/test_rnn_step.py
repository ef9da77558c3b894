"""Hidden tests: rnn_step."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import rnn_step_inputs


def known_mistakes(x_t, h_prev, W_xh, W_hh, b_h):
    mistakes = {
        "add the bias b_h inside the tanh": np.tanh(x_t @ W_xh + h_prev @ W_hh),
        "the state goes through W_hh as it is (h_prev @ W_hh), not transposed":
            np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h),
        "squash the sum with np.tanh": x_t @ W_xh + h_prev @ W_hh + b_h,
    }
    if W_xh.shape[0] == W_xh.shape[1]:
        mistakes["the input goes through W_xh and the state through W_hh, not the other way round"] = (
            np.tanh(x_t @ W_hh + h_prev @ W_xh + b_h))
    return mistakes


@graded
@given(arguments=rnn_step_inputs(batched=False))
def test_one_vector_matches_the_formula(student, ref, arguments):
    """rnn_step(x_t, h_prev, W_xh, W_hh, b_h) = tanh(x_t @ W_xh + h_prev @ W_hh + b_h) for one input vector."""
    expect_close(student.rnn_step(*arguments), ref.rnn_step(*arguments), what="h_t",
                 mistakes=known_mistakes(*arguments))


@graded
@given(arguments=rnn_step_inputs(batched=True))
def test_batch_rows_are_independent_steps(student, ref, arguments):
    """With a batch x_t (B, d_in) and h_prev (B, d_h), row b of the result is the step of row b alone."""
    mistakes = known_mistakes(*arguments)
    x_t, h_prev, W_xh, W_hh, b_h = arguments
    if x_t.shape[0] == W_xh.shape[0] == W_hh.shape[0]:  # the only case where it runs at all
        mistakes["use the row-vector form x_t @ W_xh: W_xh.T @ x_t treats a batch as columns"] = (
            np.tanh(W_xh.T @ x_t + W_hh.T @ h_prev + b_h))
    expect_close(student.rnn_step(*arguments), ref.rnn_step(*arguments), what="h_t (one row per batch item)",
                 mistakes=mistakes)
