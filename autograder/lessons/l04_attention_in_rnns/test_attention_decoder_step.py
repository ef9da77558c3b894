"""Hidden tests: attention_decoder_step."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import expect_close, graded, returns
from .strategies import decoder_inputs

OUTPUTS = ("logits", "s_new", "attention_weights")


def step(student, problem):
    return returns(student.attention_decoder_step(*problem), "attention_decoder_step", OUTPUTS)


@graded
@given(problem=decoder_inputs())
def test_new_state_is_the_rnn_update(student, ref, problem):
    """s_new = tanh(y_prev_emb @ W_ys + s_prev @ W_ss + b_s)."""
    y, s_prev, H, p = problem
    _, s_new, _ = step(student, problem)
    expect_close(s_new, ref.attention_decoder_step(*problem)[1], what="s_new", mistakes={
        "add the bias b_s inside the tanh": np.tanh(y @ p["W_ys"] + s_prev @ p["W_ss"]),
    })


@graded
@given(problem=decoder_inputs())
def test_attention_is_asked_by_the_new_state(student, ref, problem):
    """The attention weights are those of dot_attention(s_new, H, H): the new state is the query, after the RNN update."""
    y, s_prev, H, p = problem
    _, _, weights = step(student, problem)
    expect_close(weights, ref.attention_decoder_step(*problem)[2], what="attention_weights", mistakes={
        "query the encoder states with s_new (update the state first, then attend)":
            ref.dot_attention(s_prev, H, H)[1],
    })


@graded
@given(problem=decoder_inputs())
def test_logits_read_the_state_then_the_context(student, ref, problem):
    """logits = concat(s_new, context) @ W_out + b_out, state first, then context; raw scores (no softmax)."""
    y, s_prev, H, p = problem
    logits, _, _ = step(student, problem)
    expected_logits, s_new, _ = ref.attention_decoder_step(*problem)
    context = ref.dot_attention(s_new, H, H)[0]
    exps = np.exp(expected_logits - expected_logits.max())
    expect_close(logits, expected_logits, what="logits", mistakes={
        "query the encoder states with s_new (update the state first, then attend)":
            np.concatenate([s_new, ref.dot_attention(s_prev, H, H)[0]]) @ p["W_out"] + p["b_out"],
        "concatenate s_new first, then the context": np.concatenate([context, s_new]) @ p["W_out"] + p["b_out"],
        "return the logits themselves: the softmax comes later, when sampling or scoring": exps / exps.sum(),
        "add the bias b_out": np.concatenate([s_new, context]) @ p["W_out"],
    })
