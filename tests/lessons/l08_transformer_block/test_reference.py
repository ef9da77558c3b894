"""Lesson 08's reference solutions against Hugging Face's GPT-2 (GPT2Block, GPT2Attention, GPT2MLP,
GPT2LMHeadModel, gelu_new) and torch's layer_norm, on tiny random configs in float64."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.activations import ACT2FN
from transformers.models.gpt2.modeling_gpt2 import GPT2Block

from solutions.l08_transformer_block import causal_self_attention, feed_forward, gelu, layer_norm, transformer_block

TIGHT = {"rtol": 1e-12, "atol": 1e-12}


def tiny_config(n_embd=12, n_head=3, n_layer=2):
    config = GPT2Config(vocab_size=40, n_positions=16, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
                        bos_token_id=0, eos_token_id=0)
    config._attn_implementation = "eager"
    return config


def random_block(config, seed):
    """A GPT2Block in float64 with every weight drawn from N(0, 0.5^2): GPT-2's own initialization
    (std 0.02, layer norms at 1 and 0) would leave most of the block's arithmetic untested."""
    torch.manual_seed(seed)
    block = GPT2Block(config, layer_idx=0).double().eval()
    with torch.no_grad():
        for parameter in block.parameters():
            parameter.normal_(0.0, 0.5)
    return block, {name: tensor.numpy() for name, tensor in block.state_dict().items()}


def causal_additive_mask(T):
    """The eager path adds this to the scores; a standalone GPT2Attention/GPT2Block without a mask
    is not causal."""
    return torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)[None, None]


@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 6)])
@pytest.mark.parametrize("eps", [1e-5, 1e-3, 1.0])
def test_layer_norm_matches_torch(shape, eps):
    rng = np.random.default_rng(0)
    x, gamma, beta = 3 * rng.standard_normal(shape) + 1, rng.standard_normal(shape[-1]), rng.standard_normal(shape[-1])
    expected = F.layer_norm(torch.from_numpy(x), shape[-1:], torch.from_numpy(gamma), torch.from_numpy(beta), eps)
    np.testing.assert_allclose(layer_norm(x, gamma, beta, eps), expected.numpy(), **TIGHT)


def test_layer_norm_golden_values_and_constant_vectors():
    np.testing.assert_allclose(layer_norm(np.array([1.0, 2.0, 3.0, 6.0]), np.ones(4), np.zeros(4)),
                               np.array([-2.0, -1.0, 0.0, 3.0]) / math.sqrt(3.5 + 1e-5), rtol=1e-15)
    beta = np.array([0.1, -0.2, 0.3])
    assert np.array_equal(layer_norm(np.full((2, 3), 4.0), np.ones(3), beta), np.stack([beta, beta]))


def test_gelu_is_transformers_gelu_new_and_not_the_exact_form():
    x = np.linspace(-8, 8, 1601)
    np.testing.assert_allclose(gelu(x), ACT2FN["gelu_new"](torch.from_numpy(x)).numpy(), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(gelu(x), F.gelu(torch.from_numpy(x), approximate="tanh").numpy(), rtol=1e-14, atol=1e-15)
    exact = F.gelu(torch.from_numpy(x)).numpy()
    assert 4e-4 < np.abs(gelu(x) - exact).max() < 5e-4   # what the notebook says
    assert gelu(np.array([1.0]))[0] == pytest.approx(0.8411919906082768, abs=1e-16)


def test_gpt2_config_uses_gelu_new_and_eps_1e_5():
    config = GPT2Config()
    assert config.activation_function == "gelu_new" and config.layer_norm_epsilon == 1e-5


@pytest.mark.parametrize("batch", [(), (2,), (2, 3)])
def test_feed_forward_matches_gpt2_mlp(batch):
    block, params = random_block(tiny_config(), seed=1)
    x = np.random.default_rng(1).standard_normal(batch + (5, 12))
    with torch.no_grad():
        expected = block.mlp(torch.from_numpy(x)).numpy()
    got = feed_forward(x, params["mlp.c_fc.weight"], params["mlp.c_fc.bias"], params["mlp.c_proj.weight"],
                       params["mlp.c_proj.bias"])
    np.testing.assert_allclose(got, expected, **TIGHT)


@pytest.mark.parametrize("n_embd, n_head", [(12, 1), (12, 3), (12, 4), (8, 8)])
@pytest.mark.parametrize("T", [1, 6])
def test_causal_self_attention_matches_gpt2_attention(n_embd, n_head, T):
    block, params = random_block(tiny_config(n_embd, n_head), seed=2)
    x = np.random.default_rng(2).standard_normal((2, T, n_embd))
    with torch.no_grad():
        expected = block.attn(torch.from_numpy(x), attention_mask=causal_additive_mask(T))[0].numpy()
    weights = (params["attn.c_attn.weight"], params["attn.c_attn.bias"], params["attn.c_proj.weight"],
               params["attn.c_proj.bias"])
    np.testing.assert_allclose(causal_self_attention(x, *weights, n_head), expected, **TIGHT)
    np.testing.assert_allclose(causal_self_attention(x[1], *weights, n_head), expected[1], **TIGHT)


@pytest.mark.parametrize("n_embd, n_head", [(12, 1), (12, 3), (16, 4)])
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_transformer_block_matches_gpt2_block(n_embd, n_head, eps):
    config = tiny_config(n_embd, n_head)
    config.layer_norm_epsilon = eps
    block, params = random_block(config, seed=3)
    assert list(params) == ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
                            "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
                            "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"]
    x = np.random.default_rng(3).standard_normal((2, 5, n_embd))
    with torch.no_grad():
        expected = block(torch.from_numpy(x), attention_mask=causal_additive_mask(5)).numpy()
    np.testing.assert_allclose(transformer_block(x, params, n_head, eps), expected, **TIGHT)


def test_stacked_blocks_reproduce_gpt2_lm_head_model_logits():
    """What the notebook's last figure shows: embeddings + blocks + ln_f + the tied head are GPT-2."""
    config = tiny_config(n_embd=16, n_head=4, n_layer=3)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config).double().eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.3)
    weights = {name: tensor.numpy() for name, tensor in model.state_dict().items()}
    ids = np.array([[7, 3, 39, 3, 15, 9], [1, 2, 3, 4, 5, 6]])
    with torch.no_grad():
        expected = model(torch.from_numpy(ids)).logits.numpy()
    stream = weights["transformer.wte.weight"][ids] + weights["transformer.wpe.weight"][np.arange(ids.shape[1])]
    for layer in range(config.n_layer):
        prefix = f"transformer.h.{layer}."
        block = {name.removeprefix(prefix): value for name, value in weights.items() if name.startswith(prefix)}
        stream = transformer_block(stream, block, config.n_head, config.layer_norm_epsilon)
    final = layer_norm(stream, weights["transformer.ln_f.weight"], weights["transformer.ln_f.bias"],
                       config.layer_norm_epsilon)
    np.testing.assert_allclose(final @ weights["transformer.wte.weight"].T, expected, rtol=1e-11, atol=1e-12)
