"""Lesson 04 reference solutions against PyTorch and hand-computed values."""

import numpy as np
import pytest
import torch

from solutions import l04_attention_in_rnns as ref


def random_arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for shape in shapes]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("with_h0", [False, True])
def test_rnn_encode_matches_torch_rnn(seed, with_h0):
    T, d_in, d_h = 7, 3, 5
    rnn = torch.nn.RNN(d_in, d_h, nonlinearity="tanh", batch_first=True).double()
    X, h0 = random_arrays(seed, (T, d_in), (d_h,))
    with torch.no_grad():
        for parameter in rnn.parameters():
            parameter.copy_(torch.from_numpy(random_arrays(seed + 100, tuple(parameter.shape))[0]))
        torch_h0 = torch.from_numpy(h0).reshape(1, 1, d_h) if with_h0 else None
        torch_H, torch_h_T = rnn(torch.from_numpy(X).unsqueeze(0), torch_h0)
    # torch stores (out, in) weights and two biases; our layout is (in, out) with one bias.
    W_xh = rnn.weight_ih_l0.detach().numpy().T
    W_hh = rnn.weight_hh_l0.detach().numpy().T
    b_h = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    H_all, h_T = ref.rnn_encode(X, W_xh, W_hh, b_h, h0 if with_h0 else None)
    np.testing.assert_allclose(H_all, torch_H[0].numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h_T, torch_h_T[0, 0].numpy(), rtol=1e-12, atol=1e-12)


def test_rnn_step_on_a_batch_matches_torch_rnn_cell():
    B, d_in, d_h = 4, 3, 2
    cell = torch.nn.RNNCell(d_in, d_h, nonlinearity="tanh").double()
    x, h = random_arrays(0, (B, d_in), (B, d_h))
    with torch.no_grad():
        expected = cell(torch.from_numpy(x), torch.from_numpy(h)).numpy()
    b_h = (cell.bias_ih + cell.bias_hh).detach().numpy()
    got = ref.rnn_step(x, h, cell.weight_ih.detach().numpy().T, cell.weight_hh.detach().numpy().T, b_h)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def torch_attention(scores, values, mask):
    scores = torch.from_numpy(scores)
    if mask is not None:
        scores = scores.masked_fill(~torch.from_numpy(np.broadcast_to(mask, scores.shape).copy()), float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return (weights @ torch.from_numpy(values)).numpy(), weights.numpy()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("mask_kind", [None, "shared", "per_query"])
@pytest.mark.parametrize("several", [False, True])
def test_dot_attention_matches_torch(seed, mask_kind, several):
    n_q, T, d, d_v = 3, 6, 4, 5
    query, keys, values = random_arrays(seed, (n_q, d) if several else (d,), (T, d), (T, d_v))
    rng = np.random.default_rng(seed + 1)
    mask = None
    if mask_kind is not None:
        mask = rng.random((n_q, T) if mask_kind == "per_query" and several else (T,)) < 0.5
        mask[..., 0] = True
    expected_context, expected_weights = torch_attention(query @ keys.T, values, mask)
    context, weights = ref.dot_attention(query, keys, values, mask)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(context, expected_context, rtol=1e-12, atol=1e-12)
    if mask is not None:
        assert np.all(weights[~np.broadcast_to(mask, weights.shape)] == 0.0)


@pytest.mark.parametrize("several", [False, True])
def test_additive_attention_matches_torch(several):
    n_q, T, d_q, d_k, d_a, d_v = 2, 5, 3, 4, 6, 2
    query, keys, values, W_q, W_k, v = random_arrays(
        7, (n_q, d_q) if several else (d_q,), (T, d_k), (T, d_v), (d_q, d_a), (d_k, d_a), (d_a,))
    mask = np.array([True, False, True, True, False])
    t = torch.from_numpy
    # computed independently of the reference's broadcasting: one (query, key) pair at a time
    queries = np.atleast_2d(query)
    scores = torch.stack([torch.stack([t(v) @ torch.tanh(t(q) @ t(W_q) + t(k) @ t(W_k)) for k in keys])
                          for q in queries]).numpy()
    expected_context, expected_weights = torch_attention(scores, values, mask)
    context, weights = ref.additive_attention(query, keys, values, W_q, W_k, v, mask)
    if not several:
        expected_context, expected_weights = expected_context[0], expected_weights[0]
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(context, expected_context, rtol=1e-12, atol=1e-12)


def test_golden_values():
    # rnn_step: x_t @ W_xh picks the first row of W_xh
    np.testing.assert_allclose(
        ref.rnn_step(np.array([1.0, 0.0]), np.zeros(2), np.array([[0.5, -0.5], [1.0, 1.0]]), np.eye(2), np.zeros(2)),
        np.tanh([0.5, -0.5]))
    # rnn_encode with 1-d states: h1 = tanh(.5), h2 = tanh(.5 + h1), h3 = tanh(.5 + h2)
    H_all, h_T = ref.rnn_encode(np.full((3, 1), 0.5), np.ones((1, 1)), np.ones((1, 1)), np.zeros(1))
    h1 = np.tanh(0.5)
    h2 = np.tanh(0.5 + h1)
    np.testing.assert_allclose(H_all[:, 0], [h1, h2, np.tanh(0.5 + h2)])
    np.testing.assert_allclose(h_T, [np.tanh(0.5 + h2)])
    # dot_attention: scores 1, 0, 2; with the last position masked, e/(e+1) and 1/(e+1)
    query = np.array([1.0, 0.0])
    keys = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])
    values = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    e = np.e
    total = e + 1 + e**2
    context, weights = ref.dot_attention(query, keys, values)
    np.testing.assert_allclose(weights, [e / total, 1 / total, e**2 / total])
    np.testing.assert_allclose(context, [(e + e**2) / total, (1 + e**2) / total])
    _, weights = ref.dot_attention(query, keys, values, mask=np.array([True, True, False]))
    np.testing.assert_allclose(weights, [e / (e + 1), 1 / (e + 1), 0.0])
    assert weights[2] == 0.0
    # additive_attention with W_q = W_k = I, v = [1, -1]: scores tanh(2), 0, tanh(3)
    _, weights = ref.additive_attention(query, keys, values, np.eye(2), np.eye(2), np.array([1.0, -1.0]))
    exps = np.exp([np.tanh(2.0), 0.0, np.tanh(3.0)])
    np.testing.assert_allclose(weights, exps / exps.sum())
    # decoder step: s_new = [tanh 1, 0], weights = softmax([tanh 1, 0]), logits pass s_new then context
    params = {"W_ys": np.array([[1.0, 0.0]]), "W_ss": np.zeros((2, 2)), "b_s": np.zeros(2),
              "W_out": np.vstack([np.eye(3), np.zeros((1, 3))]), "b_out": np.array([0.0, 0.0, 1.0])}
    logits, s_new, weights = ref.attention_decoder_step(np.array([1.0]), np.zeros(2), np.eye(2), params)
    first = 1 / (1 + np.exp(-np.tanh(1.0)))
    np.testing.assert_allclose(s_new, [np.tanh(1.0), 0.0])
    np.testing.assert_allclose(weights, [first, 1 - first])
    np.testing.assert_allclose(logits, [np.tanh(1.0), 0.0, first + 1.0])


@pytest.mark.parametrize("function", ["dot", "additive"])
def test_fully_masked_query_raises(function):
    query, keys, values = np.ones((2, 2)), np.ones((3, 2)), np.ones((3, 2))
    mask = np.array([[True, False, False], [False, False, False]])
    with pytest.raises(ValueError, match="masked"):
        if function == "dot":
            ref.dot_attention(query, keys, values, mask)
        else:
            ref.additive_attention(query, keys, values, np.eye(2), np.eye(2), np.ones(2), mask)


def test_decoder_step_equals_its_equations_in_torch():
    d_e, d_h, T, V = 3, 4, 5, 6
    y, s_prev, H, W_ys, W_ss, b_s, W_out, b_out = random_arrays(
        3, (d_e,), (d_h,), (T, d_h), (d_e, d_h), (d_h, d_h), (d_h,), (2 * d_h, V), (V,))
    t = torch.from_numpy
    s_new = torch.tanh(t(y) @ t(W_ys) + t(s_prev) @ t(W_ss) + t(b_s))
    weights = torch.softmax(t(H) @ s_new, dim=0)
    logits = torch.cat([s_new, weights @ t(H)]) @ t(W_out) + t(b_out)
    params = {"W_ys": W_ys, "W_ss": W_ss, "b_s": b_s, "W_out": W_out, "b_out": b_out}
    got = ref.attention_decoder_step(y, s_prev, H, params)
    for value, expected in zip(got, (logits, s_new, weights)):
        np.testing.assert_allclose(value, expected.numpy(), rtol=1e-12, atol=1e-12)
