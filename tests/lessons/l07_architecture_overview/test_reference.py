"""Lesson 07's reference solutions against Hugging Face: the LM head of a tiny random GPT-2, its
sampling warpers (transformers.generation.logits_process), its greedy `generate` with a real
DynamicCache; inverse-CDF sampling against NumPy's own `Generator.choice`."""

import numpy as np
import pytest
import torch
from transformers import DynamicCache, GPT2Config, GPT2LMHeadModel
from transformers.generation.logits_process import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

from solutions.l07_architecture_overview import (apply_temperature, generate_cached, lm_head_logits, sample_token,
                                                 softmax, top_k_filter, top_p_filter)

# bos/eos inside the tiny vocabulary keep the config valid; generation is run with eos_token_id=None.
CONFIG = GPT2Config(vocab_size=50, n_positions=32, n_embd=16, n_layer=2, n_head=2, bos_token_id=0, eos_token_id=0,
                    initializer_range=0.3)


@pytest.fixture(scope="module")
def gpt2():
    torch.manual_seed(0)
    return GPT2LMHeadModel(CONFIG).double().eval()


def warped(warper, logits):
    """A Hugging Face logits warper applied to a (B, V) NumPy array."""
    return warper(None, torch.from_numpy(logits)).numpy()


def test_lm_head_logits_gives_gpt2s_next_token_logits(gpt2):
    ids = torch.tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]])
    with torch.no_grad():
        hidden = gpt2.transformer(ids).last_hidden_state.numpy()  # after the final layer norm: (B, T, d)
        expected = gpt2(ids).logits[:, -1].numpy()
    W_unembed = gpt2.lm_head.weight.detach().numpy().T  # nn.Linear stores (V, d)
    np.testing.assert_allclose(lm_head_logits(hidden, W_unembed), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lm_head_logits(hidden[1], W_unembed), expected[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("temperature", [0.1, 0.5, 1.0, 1.7, 4.0])
def test_apply_temperature_matches_temperature_warper(temperature):
    logits = np.random.default_rng(0).normal(size=(4, 9)) * 3
    np.testing.assert_allclose(apply_temperature(logits, temperature),
                               warped(TemperatureLogitsWarper(temperature), logits), rtol=1e-15, atol=0)


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_a_temperature_at_or_below_zero_is_refused_by_both(temperature):
    with pytest.raises(ValueError):
        TemperatureLogitsWarper(temperature)
    with pytest.raises(ValueError):
        apply_temperature(np.zeros(3), temperature)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8, 12])
def test_top_k_filter_matches_top_k_warper_ties_included(k):
    logits = np.random.default_rng(1).integers(-3, 4, size=(20, 8)).astype(float)  # many ties at the k-th
    expected = warped(TopKLogitsWarper(k), logits)
    np.testing.assert_array_equal(np.stack([top_k_filter(row, k) for row in logits]), expected)
    with pytest.raises(ValueError):
        TopKLogitsWarper(0)
    with pytest.raises(ValueError):
        top_k_filter(logits[0], 0)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.8, 0.9, 0.95, 1.0])
def test_top_p_filter_matches_top_p_warper(p):
    # continuous scores: no ties, and a running total exactly at p has probability zero
    logits = np.random.default_rng(2).normal(size=(40, 7)) * 2
    logits[::3, ::4] = -np.inf  # some tokens already filtered, as after top-k
    expected = warped(TopPLogitsWarper(p), logits)
    np.testing.assert_array_equal(np.stack([top_p_filter(row, p) for row in logits]), expected)


def test_temperature_top_k_top_p_pipeline_matches_hugging_faces_order():
    logits = np.random.default_rng(3).normal(size=(30, 10)) * 2
    expected = logits
    for warper in (TemperatureLogitsWarper(0.7), TopKLogitsWarper(6), TopPLogitsWarper(0.85)):
        expected = warped(warper, expected)
    got = np.stack([top_p_filter(top_k_filter(apply_temperature(row, 0.7), 6), 0.85) for row in logits])
    np.testing.assert_array_equal(got, expected)


def test_sample_token_draws_what_numpys_choice_draws_from_the_same_uniform():
    """Generator.choice(V, p=probabilities) draws one uniform and searches the cumulative
    probabilities with side='right': the same inverse CDF, so the same seed gives the same token."""
    rng = np.random.default_rng(4)
    for seed in range(2000):
        logits = rng.normal(size=rng.integers(1, 9)) * 2
        if logits.size > 1 and seed % 3 == 0:
            logits[rng.integers(logits.size)] = -np.inf
        expected = np.random.default_rng(seed).choice(logits.size, p=softmax(logits))
        assert sample_token(logits, np.random.default_rng(seed).random()) == expected, (seed, logits)


def test_sample_token_golden_boundaries():
    filtered = np.array([-np.inf, 0.0, 0.0, -np.inf, 0.0, 0.0])  # cumulative 0, .25, .5, .5, .75, 1
    draws = [sample_token(filtered, u) for u in (0.0, 0.25, 0.5, 0.7, 0.9999, np.nextafter(1.0, 0.0))]
    assert draws == [1, 2, 4, 4, 5, 5]
    assert all(type(token) is int for token in draws)


class HuggingFaceCachedModel:
    """A Hugging Face GPT-2 behind the notebook's interface, model(new_ids, cache) -> (logits, cache),
    with a real DynamicCache; it counts the positions fed."""

    def __init__(self, model):
        self.model = model
        self.positions_fed = 0

    def __call__(self, new_ids, cache):
        self.positions_fed += len(new_ids)
        with torch.no_grad():
            output = self.model(torch.tensor([list(new_ids)]), cache=cache or DynamicCache(config=CONFIG),
                                use_cache=True)
        return output.logits[0].numpy(), output.cache


@pytest.mark.parametrize("prompt, max_new_tokens", [([3, 1, 4, 1, 5], 8), ([7], 1), ([2, 7, 1, 8], 12)])
def test_generate_cached_matches_greedy_generate_with_a_dynamic_cache(gpt2, prompt, max_new_tokens):
    with torch.no_grad():
        ids = torch.tensor([prompt])
        expected = gpt2.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                                 do_sample=False, eos_token_id=None, pad_token_id=0)[0].tolist()
    model = HuggingFaceCachedModel(gpt2)
    assert generate_cached(model, prompt, max_new_tokens) == expected
    assert model.positions_fed == len(prompt) + max_new_tokens - 1


def test_cached_logits_of_the_new_positions_equal_the_uncached_ones(gpt2):
    """The interface's promise: with the cache, the rows for the new positions are those a full run gives."""
    model = HuggingFaceCachedModel(gpt2)
    first, cache = model([3, 1, 4], None)
    second, _ = model([1, 5], cache)
    whole, _ = model([3, 1, 4, 1, 5], None)
    np.testing.assert_allclose(np.concatenate([first, second]), whole, rtol=1e-12, atol=1e-12)
