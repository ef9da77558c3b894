"""Lesson 11's reference solutions against Hugging Face's Llama (transformers) and PyTorch.

Llama's modules run RMSNorm, the RoPE angles and the eager softmax in float32 even after .double(),
so whole-module comparisons hold to about 1e-5 of the output's scale; where a step can be fed in
float64 (F.rms_norm, apply_rotary_pos_emb with float64 cos/sin, LlamaMLP), the agreement is tight.
Positions restart inside a row, as in packed training data: a constant shift of all positions
changes nothing under RoPE, so only restarting positions show that they are used."""

import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers import LlamaConfig, LlamaForCausalLM  # noqa: E402
from transformers.masking_utils import create_causal_mask  # noqa: E402
from transformers.models.llama.modeling_llama import (LlamaDecoderLayer, LlamaMLP, LlamaRMSNorm,  # noqa: E402
                                                      LlamaRotaryEmbedding, apply_rotary_pos_emb)

from solutions import l11_recent_improvements as ref  # noqa: E402

PACKED_POSITIONS = np.array([0, 1, 2, 3, 0, 1, 0, 1, 2])  # three documents in one row of 9 tokens


def tiny_config(hidden_size=8, n_heads=4, n_kv_heads=2, head_dim=None, intermediate_size=6, theta=10000.0,
                eps=1e-5):
    config = LlamaConfig(vocab_size=16, hidden_size=hidden_size, intermediate_size=intermediate_size,
                         num_hidden_layers=1, num_attention_heads=n_heads, num_key_value_heads=n_kv_heads,
                         head_dim=head_dim, rms_norm_eps=eps,
                         rope_parameters={"rope_type": "default", "rope_theta": theta})
    config._attn_implementation = "eager"
    return config


def randomized(module, seed):
    """`module` in float64 with every parameter drawn at random (norm weights included)."""
    generator = torch.Generator().manual_seed(seed)
    module = module.double()
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator, dtype=torch.float64) * 0.5)
    return module


def as_numpy(state_dict):
    return {name: tensor.detach().numpy() for name, tensor in state_dict.items()}


def test_rms_norm_matches_torch_and_llama_rms_norm():
    rng = np.random.default_rng(0)
    x, weight = rng.standard_normal((2, 5, 8)), rng.standard_normal(8)
    for eps in (1e-5, 1e-6, 0.5):
        expected = F.rms_norm(torch.from_numpy(x), (8,), torch.from_numpy(weight), eps=eps).numpy()
        np.testing.assert_allclose(ref.rms_norm(x, weight, eps), expected, rtol=1e-13, atol=1e-14)
    llama_norm = LlamaRMSNorm(8, eps=1e-5).double()
    with torch.no_grad():
        llama_norm.weight.copy_(torch.from_numpy(weight))
    np.testing.assert_allclose(ref.rms_norm(x, weight), llama_norm(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("head_dim, theta", [(4, 10000.0), (64, 10000.0), (128, 500000.0)])
def test_rope_frequencies_are_llamas_inv_freq(head_dim, theta):
    config = tiny_config(hidden_size=2 * head_dim, n_heads=2, n_kv_heads=2, theta=theta)
    inv_freq = LlamaRotaryEmbedding(config).inv_freq.numpy()  # computed in float32
    np.testing.assert_allclose(ref.rope_frequencies(head_dim, theta), inv_freq, rtol=1e-6)
    assert ref.rope_frequencies(head_dim, theta).dtype == np.float64


def test_rope_frequencies_golden_values():
    np.testing.assert_allclose(ref.rope_frequencies(4, 100.0), [1.0, 0.1], rtol=1e-15)
    llama3 = ref.rope_frequencies(128, 500000.0)
    assert llama3.shape == (64,)
    np.testing.assert_allclose(llama3[[0, 1, 63]], [1.0, 500000.0 ** (-2 / 128), 500000.0 ** (-126 / 128)],
                               rtol=1e-14)


def test_apply_rope_matches_apply_rotary_pos_emb():
    rng = np.random.default_rng(1)
    T, head_dim = len(PACKED_POSITIONS), 8
    q, k = rng.standard_normal((2, 4, T, head_dim)), rng.standard_normal((2, 2, T, head_dim))
    position_ids = torch.from_numpy(PACKED_POSITIONS)[None].repeat(2, 1)
    # cos/sin in float64 from our frequencies: Hugging Face's rotation formula, tightly.
    angles = PACKED_POSITIONS[:, None] * np.concatenate([ref.rope_frequencies(head_dim)] * 2)
    cos, sin = (torch.from_numpy(f(angles))[None].repeat(2, 1, 1) for f in (np.cos, np.sin))
    q_hf, k_hf = apply_rotary_pos_emb(torch.from_numpy(q), torch.from_numpy(k), cos, sin)
    np.testing.assert_allclose(ref.apply_rope(q, PACKED_POSITIONS), q_hf.numpy(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ref.apply_rope(k, PACKED_POSITIONS), k_hf.numpy(), rtol=1e-13, atol=1e-13)
    # cos/sin as LlamaRotaryEmbedding makes them (angles in float32), with Llama 3's theta.
    rotary = LlamaRotaryEmbedding(tiny_config(hidden_size=4 * head_dim, theta=500000.0))
    cos, sin = rotary(torch.from_numpy(q), position_ids)
    q_hf, _ = apply_rotary_pos_emb(torch.from_numpy(q), torch.from_numpy(k), cos, sin)
    np.testing.assert_allclose(ref.apply_rope(q, PACKED_POSITIONS, 500000.0), q_hf.numpy(), rtol=1e-5, atol=1e-5)


def test_apply_rope_dot_products_depend_only_on_the_distance():
    rng = np.random.default_rng(2)
    q, k = rng.standard_normal(16), rng.standard_normal(16)
    rotated_q = ref.apply_rope(np.tile(q, (40, 1)), np.arange(40))
    rotated_k = ref.apply_rope(np.tile(k, (40, 1)), np.arange(40))
    scores = rotated_q @ rotated_k.T
    for distance in (-5, 0, 3, 17):
        diagonal = np.diagonal(scores, offset=-distance)
        np.testing.assert_allclose(diagonal, diagonal[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(rotated_q, axis=-1), np.linalg.norm(q), rtol=1e-13)


def test_swiglu_matches_llama_mlp():
    mlp = randomized(LlamaMLP(tiny_config(hidden_size=6, n_heads=2, n_kv_heads=2, intermediate_size=10)), 3)
    x = np.random.default_rng(3).standard_normal((2, 5, 6))
    expected = mlp(torch.from_numpy(x)).detach().numpy()
    w = as_numpy(mlp.state_dict())
    got = ref.swiglu(x, w["gate_proj.weight"].T, w["up_proj.weight"].T, w["down_proj.weight"].T)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("positions", [[0, 1, 2, 0, 1, 0], [0, 1, 2, 3, 4], [0, 0, 0], PACKED_POSITIONS.tolist()])
def test_document_causal_mask_is_llamas_mask_for_packed_positions(positions):
    """Given position ids that restart and no attention mask, Hugging Face's Llama masks attention
    across documents: its mask is document_causal_mask of the documents the restarts delimit."""
    config = tiny_config()
    config._attn_implementation = "sdpa"
    position_ids = torch.tensor([positions])
    mask = create_causal_mask(config=config, inputs_embeds=torch.zeros(1, len(positions), 8),
                              attention_mask=None, cache=None, position_ids=position_ids)
    doc_ids = np.cumsum(np.array(positions) == 0) - 1
    if mask is None:  # Hugging Face skips the mask when plain causal attention does the same
        mask = torch.ones(len(positions), len(positions), dtype=torch.bool).tril()[None, None]
    assert np.array_equal(ref.document_causal_mask(doc_ids), mask[0, 0].numpy())


def test_document_causal_mask_golden_and_labels():
    expected = np.array([[1, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0],
                         [0, 0, 0, 1, 0, 0], [0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 0, 1]], dtype=bool)
    assert np.array_equal(ref.document_causal_mask(np.array([0, 0, 0, 1, 1, 2])), expected)
    assert np.array_equal(ref.document_causal_mask(np.array([7, 7, 7, 3, 3, 9])), expected)
    assert ref.document_causal_mask(np.array([0, 0, 1])).dtype == bool


LLAMA_3_8B = {  # meta-llama/Meta-Llama-3-8B config.json: no head_dim key, untied LM head
    "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
    "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
    "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 8192,
    "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
    "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None, "rope_theta": 500000.0,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16", "use_cache": True, "vocab_size": 128256,
}
CONFIGS = [
    LLAMA_3_8B,
    dict(LLAMA_3_8B, hidden_size=8192, intermediate_size=28672, num_hidden_layers=80, num_attention_heads=64),
    dict(LLAMA_3_8B, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, head_dim=64,
         tie_word_embeddings=True),  # Llama 3.2 1B
    {"vocab_size": 10, "hidden_size": 8, "intermediate_size": 5, "num_hidden_layers": 2, "num_attention_heads": 4,
     "head_dim": 6},  # no num_key_value_heads: one per query head; head_dim not hidden_size // heads
    {"vocab_size": 10, "hidden_size": 6, "intermediate_size": 5, "num_hidden_layers": 3, "num_attention_heads": 3,
     "num_key_value_heads": None, "head_dim": None, "tie_word_embeddings": True},
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: f"d{config['hidden_size']}")
def test_llama_parameter_count_matches_a_model_on_the_meta_device(config):
    hf_keys = {key: value for key, value in config.items() if key in LlamaConfig().to_dict() or key == "rope_theta"}
    with torch.device("meta"):
        model = LlamaForCausalLM(LlamaConfig(**hf_keys))
    # parameters() lists a tied weight once, as the count must
    assert ref.llama_parameter_count(config) == sum(p.numel() for p in model.parameters())


def test_llama_parameter_count_golden_values():
    assert ref.llama_parameter_count(CONFIGS[0]) == 8_030_261_248
    assert ref.llama_parameter_count(CONFIGS[1]) == 70_553_706_496
    assert ref.llama_parameter_count(CONFIGS[2]) == 1_235_814_400
    assert type(ref.llama_parameter_count(CONFIGS[0])) is int


def causal_additive_mask(batch, T):
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    return torch.zeros(batch, 1, T, T, dtype=torch.float64).masked_fill(future, float("-inf"))


@pytest.mark.parametrize("shape, n_heads, n_kv_heads, head_dim", [
    ((2, 9, 8), 4, 2, None),   # grouped-query attention, batch of two rows
    ((9, 6), 3, 1, 4),         # multi-query attention, head_dim 4 while hidden_size // heads is 2
    ((1, 9, 8), 2, 2, None),   # multi-head attention
])
def test_llama_block_matches_llama_decoder_layer(shape, n_heads, n_kv_heads, head_dim):
    config = tiny_config(hidden_size=shape[-1], n_heads=n_heads, n_kv_heads=n_kv_heads, head_dim=head_dim,
                         theta=500000.0 if head_dim else 10000.0)
    layer = randomized(LlamaDecoderLayer(config, layer_idx=0), seed=4).eval()
    x = np.random.default_rng(4).standard_normal(shape)
    batched = torch.from_numpy(x.reshape((-1,) + shape[-2:]))
    position_ids = torch.from_numpy(PACKED_POSITIONS)[None].repeat(batched.shape[0], 1)
    rotary = LlamaRotaryEmbedding(config)
    with torch.no_grad():
        expected = layer(batched, attention_mask=causal_additive_mask(batched.shape[0], shape[-2]),
                         position_ids=position_ids,
                         position_embeddings=rotary(batched, position_ids)).numpy().reshape(shape)
    params = as_numpy(layer.state_dict())
    base = config.rope_parameters["rope_theta"]
    got = ref.llama_block(x, params, PACKED_POSITIONS, n_heads, n_kv_heads, eps=1e-5, base=base)
    scale = np.abs(expected).max()
    assert np.abs(got - expected).max() <= 1e-5 * scale
    # The comparison sees the positions: counting them 0 .. T-1 instead is far outside the tolerance.
    ignoring_positions = ref.llama_block(x, params, np.arange(shape[-2]), n_heads, n_kv_heads, base=base)
    assert np.abs(ignoring_positions - expected).max() > 1e-2 * scale
    # ... while a constant shift of every position changes nothing (RoPE sees only distances).
    shifted = ref.llama_block(x, params, PACKED_POSITIONS + 11, n_heads, n_kv_heads, base=base)
    np.testing.assert_allclose(shifted, got, rtol=1e-10, atol=1e-10)


def test_llama_block_with_zero_output_projections_returns_its_input():
    config = tiny_config()
    params = as_numpy(randomized(LlamaDecoderLayer(config, layer_idx=0), seed=5).state_dict())
    params["self_attn.o_proj.weight"][:] = 0.0
    params["mlp.down_proj.weight"][:] = 0.0
    x = np.random.default_rng(5).standard_normal((3, 8))
    np.testing.assert_array_equal(ref.llama_block(x, params, np.arange(3), 4, 2), x)
