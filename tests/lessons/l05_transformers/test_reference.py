"""Lesson 05's reference solutions against PyTorch, golden values of the paper and BERT's statistics."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from solutions.l05_transformers import (causal_mask, mlm_corrupt, scaled_dot_product_attention,
                                        sinusoidal_positions, transformer_lr)

# (Q batch dims, K/V batch dims): equal, broadcast over a size-1 dim, and K/V shared by the batch.
BATCH_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (1, 3)), ((2, 3), (3,)), ((4,), ())]


def random_attention_inputs(rng, q_batch, kv_batch, T_q=5, T_k=6, d_k=8, d_v=3):
    return (rng.standard_normal(q_batch + (T_q, d_k)), rng.standard_normal(kv_batch + (T_k, d_k)),
            rng.standard_normal(kv_batch + (T_k, d_v)))


def torch_attention(Q, K, V, mask=None, is_causal=False):
    """torch's scaled_dot_product_attention in float64; a bool attn_mask is True where keys take part."""
    Q, K, V = (torch.from_numpy(a) for a in (Q, K, V))
    if Q.dim() != K.dim():  # torch broadcasts batch dims of equal rank only: add the leading 1s
        K, V = (a.reshape((1,) * (Q.dim() - a.dim()) + a.shape) for a in (K, V))
    # a key-padding mask (T_k,) goes in as (1, T_k): some of torch's kernels index its query axis
    attn_mask = None if mask is None else torch.from_numpy(np.atleast_2d(mask))
    return F.scaled_dot_product_attention(Q, K, V, attn_mask=attn_mask, is_causal=is_causal).numpy()


@pytest.mark.parametrize("q_batch, kv_batch", BATCH_SHAPES)
def test_attention_matches_torch_without_mask(q_batch, kv_batch):
    Q, K, V = random_attention_inputs(np.random.default_rng(0), q_batch, kv_batch)
    output, weights = scaled_dot_product_attention(Q, K, V)
    np.testing.assert_allclose(output, torch_attention(Q, K, V), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(weights @ V, output, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("q_batch, kv_batch", BATCH_SHAPES)
@pytest.mark.parametrize("mask_kind", ["key_padding", "shared", "per_batch_item"])
def test_attention_matches_torch_with_bool_mask(q_batch, kv_batch, mask_kind):
    rng = np.random.default_rng(1)
    Q, K, V = random_attention_inputs(rng, q_batch, kv_batch)
    T_q, T_k = Q.shape[-2], K.shape[-2]
    shape = {"key_padding": (T_k,), "shared": (T_q, T_k), "per_batch_item": q_batch + (T_q, T_k)}[mask_kind]
    mask = rng.random(shape) < 0.5
    mask[..., 0] = True  # every query keeps a key: torch would return NaN otherwise
    output, weights = scaled_dot_product_attention(Q, K, V, mask)
    np.testing.assert_allclose(output, torch_attention(Q, K, V, mask), rtol=1e-12, atol=1e-12)
    assert np.all(weights[..., ~np.broadcast_to(mask, weights.shape)] == 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("T", [1, 2, 7])
def test_causal_mask_is_torch_causal_attention(T):
    assert np.array_equal(causal_mask(T), torch.ones(T, T, dtype=torch.bool).tril().numpy())
    Q, K, V = random_attention_inputs(np.random.default_rng(2), (2,), (2,), T_q=T, T_k=T)
    output, weights = scaled_dot_product_attention(Q, K, V, causal_mask(T))
    np.testing.assert_allclose(output, torch_attention(Q, K, V, is_causal=True), rtol=1e-12, atol=1e-12)
    assert np.all(np.triu(weights[0], k=1) == 0.0)


def test_fully_masked_row_raises_where_torch_answers_silently():
    Q, K, V = random_attention_inputs(np.random.default_rng(3), (), ())
    mask = np.ones((Q.shape[-2], K.shape[-2]), dtype=bool)
    mask[2] = False
    silent_row = torch_attention(Q, K, V, mask)[2]  # zeros in recent torch, NaN in older releases
    assert np.all(silent_row == 0) or np.all(np.isnan(silent_row))
    with pytest.raises(ValueError, match="no key"):
        scaled_dot_product_attention(Q, K, V, mask)


def test_sinusoidal_golden_table():
    expected = [[0.0, 1.0, 0.0, 1.0],
                [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)],
                [math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)]]
    np.testing.assert_allclose(sinusoidal_positions(3, 4), expected, rtol=1e-15, atol=1e-15)


def test_sinusoidal_matches_the_paper_formula_at_width_512():
    table = sinusoidal_positions(50, 512)
    for pos in (0, 1, 17, 49):
        for i in (0, 1, 100, 255):
            angle = pos / 10000 ** (2 * i / 512)
            assert table[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-12)
            assert table[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-12)


def test_sinusoidal_offsets_are_rotations():
    """PE[pos + k] is PE[pos] with each (sin, cos) pair rotated by an angle that depends on k only."""
    table = sinusoidal_positions(40, 16)
    k = 7
    frequencies = 1 / 10000 ** (np.arange(0, 16, 2) / 16)
    cos_k, sin_k = np.cos(k * frequencies), np.sin(k * frequencies)
    sin_pos, cos_pos = table[:-k, 0::2], table[:-k, 1::2]
    np.testing.assert_allclose(table[k:, 0::2], sin_pos * cos_k + cos_pos * sin_k, atol=1e-12)
    np.testing.assert_allclose(table[k:, 1::2], cos_pos * cos_k - sin_pos * sin_k, atol=1e-12)


@pytest.mark.parametrize("step, lr", [(1, 1.746928107421711e-07), (4000, 6.987712429686843e-04),
                                      (16000, 3.4938562148434214e-04), (100000, 1.3975424859373686e-04)])
def test_transformer_lr_golden_values(step, lr):
    assert transformer_lr(step, 512) == pytest.approx(lr, rel=1e-12)


def test_transformer_lr_peaks_at_warmup_and_rejects_step_zero():
    rates = [transformer_lr(step, 512, warmup_steps=300) for step in range(1, 1001)]
    assert int(np.argmax(rates)) + 1 == 300
    with pytest.raises(ValueError):
        transformer_lr(0, 512)


def test_mlm_corrupt_statistics_on_many_tokens():
    rng = np.random.default_rng(0)
    n, vocab, mask_id = 400_000, 1000, 1000
    ids = rng.integers(vocab, size=n)
    special = rng.random(n) < 0.05
    random_ids = (ids + rng.integers(1, vocab, size=n)) % vocab  # never the original: random is visible
    ids_before = ids.copy()
    inputs, labels = mlm_corrupt(ids, special, rng.random(n), rng.random(n), random_ids, mask_id)
    assert np.array_equal(ids, ids_before)
    selected = labels != -100
    assert not selected[special].any()
    assert np.array_equal(labels[selected], ids[selected])
    assert np.array_equal(inputs[~selected], ids[~selected])
    assert selected[~special].mean() == pytest.approx(0.15, abs=0.003)
    became_mask = inputs[selected] == mask_id
    became_random = inputs[selected] == random_ids[selected]
    unchanged = inputs[selected] == ids[selected]
    assert np.all(became_mask ^ became_random ^ unchanged)
    assert became_mask.mean() == pytest.approx(0.8, abs=0.01)
    assert became_random.mean() == pytest.approx(0.1, abs=0.01)
    assert unchanged.mean() == pytest.approx(0.1, abs=0.01)
