"""Hidden tests: rnn_encode."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_close, graded, returns
from .strategies import rnn_sequences


def encode_with(ref, X, W_xh, W_hh, b_h, h0):
    """[h0, h_1, ..., h_T] by the reference step."""
    states = [np.zeros(W_hh.shape[0]) if h0 is None else h0]
    for x_t in X:
        states.append(ref.rnn_step(x_t, states[-1], W_xh, W_hh, b_h))
    return np.stack(states)


def call_encode(student, X, W_xh, W_hh, b_h, h0):
    if h0 is None:
        return student.rnn_encode(X, W_xh, W_hh, b_h)
    return student.rnn_encode(X, W_xh, W_hh, b_h, h0=h0)


@graded
@given(sequence=rnn_sequences())
def test_matches_reference(student, ref, sequence):
    """rnn_encode returns (H_all, h_T): row t of H_all (T, d_h) is the state after reading X[t], starting from h0 (zeros when None)."""
    X, W_xh, W_hh, b_h, h0 = sequence
    H_all, h_T = returns(call_encode(student, X, W_xh, W_hh, b_h, h0), "rnn_encode", ("H_all", "h_T"))
    expected_H, expected_h = ref.rnn_encode(X, W_xh, W_hh, b_h, h0)
    with_h0 = encode_with(ref, X, W_xh, W_hh, b_h, h0)
    from_zeros = encode_with(ref, X, W_xh, W_hh, b_h, None)
    expect_close(H_all, expected_H, what="H_all", mistakes={
        "H_all has one row per input: do not include h0 as its first row": with_h0,
        "store each state after the step that reads X[t], not before it": with_h0[:-1],
        "start from h0 when it is given (only h0=None means zeros)": from_zeros[1:],
    })
    expect_close(h_T, expected_h, what="h_T", mistakes={
        "start from h0 when it is given (only h0=None means zeros)": from_zeros[-1]})


@graded
@given(sequence=rnn_sequences(min_length=2, with_h0=True), data=st.data())
def test_continuing_from_a_state_gives_the_rest(student, ref, sequence, data):
    """h_T equals H_all[-1], h0 is left unchanged, and encoding X[k:] from h0 = H_all[k-1] gives the remaining rows H_all[k:]."""
    X, W_xh, W_hh, b_h, h0 = sequence
    result, arguments_after = student.call_and_inputs("rnn_encode", X, W_xh, W_hh, b_h, h0)
    H_all, h_T = returns(result, "rnn_encode", ("H_all", "h_T"))
    check(isinstance(H_all, np.ndarray) and H_all.shape[:1] == (len(X),),
          f"H_all should be an array with one row per input ({len(X)}), got {np.shape(H_all)}")
    expect_close(arguments_after[4], h0, what="h0 after the call (it must not be modified)")
    expect_close(h_T, H_all[-1], what="h_T compared with the last row of H_all")
    k = data.draw(st.integers(1, len(X) - 1), label="k")
    rest, _ = returns(student.rnn_encode(X[k:], W_xh, W_hh, b_h, H_all[k - 1]), "rnn_encode", ("H_all", "h_T"))
    expect_close(rest, H_all[k:], what=f"H_all of X[{k}:] started from H_all[{k - 1}], compared with H_all[{k}:]",
                 mistakes={"start from h0 when it is given (only h0=None means zeros)":
                           encode_with(ref, X[k:], W_xh, W_hh, b_h, None)[1:]})
