"""Lesson 12's reference solutions against Hugging Face's Mixtral: its router and sparse MoE block
(float64, but the router's softmax runs in float32, so compare at 1e-6), its load-balancing loss
(float32 inside) and parameter counts of MixtralForCausalLM built on the meta device."""

import numpy as np
import pytest
import torch
from transformers import MixtralConfig, MixtralForCausalLM
from transformers.models.mixtral.modeling_mixtral import MixtralSparseMoeBlock, load_balancing_loss_func

from solutions.l12_mixture_of_experts import (load_balancing_loss, moe_layer, moe_parameter_counts,
                                              router_probabilities, top_k_route)

MIXTRAL_8X7B = {"vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
                "num_attention_heads": 32, "num_key_value_heads": 8, "num_local_experts": 8,
                "num_experts_per_tok": 2, "tie_word_embeddings": False}


def random_moe_block(hidden=6, intermediate=5, n_experts=4, k=2, seed=0):
    config = MixtralConfig(hidden_size=hidden, intermediate_size=intermediate, num_local_experts=n_experts,
                           num_experts_per_tok=k, experts_implementation="eager")
    block = MixtralSparseMoeBlock(config)
    torch.manual_seed(seed)
    for parameter in block.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    return block.double().eval()


def course_weights(block):
    """The block's weights in the course's layout: W_router (d, E) and (W_gate (d, f), W_up (d, f),
    W_down (f, d)) per expert. Hugging Face stores nn.Linear layouts (out, in), the gate and up
    projections fused as gate_up_proj (E, 2f, d), gate rows first."""
    W_router = block.gate.weight.detach().numpy().T
    gate_up = block.experts.gate_up_proj.detach().numpy()
    down = block.experts.down_proj.detach().numpy()
    f = gate_up.shape[1] // 2
    experts = [(gate_up[e, :f].T, gate_up[e, f:].T, down[e].T) for e in range(gate_up.shape[0])]
    return W_router, experts


@pytest.mark.parametrize("n_experts, k", [(4, 1), (4, 2), (8, 2), (3, 3)])
def test_router_and_top_k_match_mixtral_router(n_experts, k):
    block = random_moe_block(n_experts=n_experts, k=k)
    W_router, _ = course_weights(block)
    x = np.random.default_rng(1).standard_normal((9, 6))
    logits, scores, indices = block.gate(torch.from_numpy(x))
    np.testing.assert_allclose(x @ W_router, logits.detach().numpy(), rtol=1e-13, atol=1e-13)
    probabilities = router_probabilities(x, W_router)
    np.testing.assert_allclose(probabilities, torch.softmax(logits, dim=-1).detach().numpy(), rtol=1e-12)
    weights, expert_ids = top_k_route(x @ W_router, k)
    assert np.array_equal(expert_ids, indices.numpy())
    np.testing.assert_allclose(weights, scores.detach().numpy(), rtol=1e-6, atol=1e-7)  # float32 softmax
    np.testing.assert_allclose(weights, np.take_along_axis(probabilities, expert_ids, axis=-1)
                               / np.take_along_axis(probabilities, expert_ids, axis=-1).sum(-1, keepdims=True),
                               rtol=1e-12)


def test_top_k_ties_go_to_the_lower_id():
    weights, expert_ids = top_k_route(np.array([[1.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0]]), 2)
    assert expert_ids.tolist() == [[1, 2], [0, 1]]
    np.testing.assert_allclose(weights, 0.5, rtol=1e-15)


@pytest.mark.parametrize("n_experts, k", [(4, 1), (4, 2), (8, 2), (3, 3)])
def test_moe_layer_matches_mixtral_sparse_moe_block(n_experts, k):
    block = random_moe_block(n_experts=n_experts, k=k, seed=n_experts + k)
    W_router, experts = course_weights(block)
    x = np.random.default_rng(2).standard_normal((2, 7, 6))
    expected = block(torch.from_numpy(x)).detach().numpy()
    got = np.stack([moe_layer(sentence, W_router, experts, k) for sentence in x])
    scale = np.abs(expected).max()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * scale)  # the float32 router softmax


def test_moe_layer_equals_the_dense_weighted_sum():
    block = random_moe_block(n_experts=5, k=2, seed=3)
    W_router, experts = course_weights(block)
    x = np.random.default_rng(3).standard_normal((11, 6))
    weights, expert_ids = top_k_route(x @ W_router, 2)
    every_expert = np.stack([torch.nn.functional.silu(torch.from_numpy(x @ W_gate)).numpy() * (x @ W_up) @ W_down
                             for W_gate, W_up, W_down in experts])  # (E, T, d): every expert on every token
    dense = sum(weights[:, j, None] * every_expert[expert_ids[:, j], np.arange(11)] for j in range(2))
    np.testing.assert_allclose(moe_layer(x, W_router, experts, 2), dense, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_experts, k", [(4, 1), (4, 2), (8, 2), (5, 4)])
def test_load_balancing_loss_matches_hugging_face(n_experts, k):
    rng = np.random.default_rng(n_experts * 10 + k)
    layers = tuple(torch.from_numpy(rng.standard_normal((12, n_experts))) for _ in range(3))
    expected = load_balancing_loss_func(layers, n_experts, k).item()
    got = load_balancing_loss(np.concatenate([layer.numpy() for layer in layers]), k)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-6)  # Hugging Face sums in float32


@pytest.mark.parametrize("n_experts, k", [(4, 1), (4, 2), (8, 2), (6, 3)])
def test_balanced_routing_gives_k_and_collapsed_routing_about_n_experts(n_experts, k):
    base = np.linspace(3.0, 0.0, n_experts)
    balanced = np.stack([np.roll(base, shift) for shift in range(n_experts)])  # each expert first once
    assert load_balancing_loss(balanced, k) == pytest.approx(k, rel=1e-12)
    hugging_face = load_balancing_loss_func((torch.from_numpy(balanced),), n_experts, k).item()
    assert hugging_face == pytest.approx(k, rel=1e-6)
    collapsed = np.tile(np.r_[np.full(k, 30.0), np.zeros(n_experts - k)], (10, 1))
    assert load_balancing_loss(collapsed, k) == pytest.approx(n_experts, rel=1e-9)


def meta_counts(config):
    """(total, active) of MixtralForCausalLM built on the meta device: every parameter, and every
    parameter but those of the experts a token does not use (E - k per layer)."""
    with torch.device("meta"):
        model = MixtralForCausalLM(MixtralConfig(**config))
    total = sum(parameter.numel() for parameter in model.parameters())
    unused = 0
    for layer in model.model.layers:
        experts = layer.mlp.experts
        per_expert = (experts.gate_up_proj.numel() + experts.down_proj.numel()) // config["num_local_experts"]
        unused += (config["num_local_experts"] - config["num_experts_per_tok"]) * per_expert
    return total, total - unused


SMALL_CONFIGS = [
    {"vocab_size": 50, "hidden_size": 8, "intermediate_size": 12, "num_hidden_layers": 2,
     "num_attention_heads": 4, "num_key_value_heads": 2, "num_local_experts": 4, "num_experts_per_tok": 2},
    {"vocab_size": 37, "hidden_size": 12, "intermediate_size": 7, "num_hidden_layers": 3, "num_attention_heads": 3,
     "num_key_value_heads": 3, "head_dim": 6, "num_local_experts": 6, "num_experts_per_tok": 1,
     "tie_word_embeddings": True},
    {"vocab_size": 11, "hidden_size": 6, "intermediate_size": 4, "num_hidden_layers": 1, "num_attention_heads": 2,
     "num_key_value_heads": 2, "num_local_experts": 3, "num_experts_per_tok": 3},
]


@pytest.mark.parametrize("config", SMALL_CONFIGS + [MIXTRAL_8X7B], ids=lambda config: str(config["vocab_size"]))
def test_parameter_counts_match_mixtral_on_the_meta_device(config):
    assert moe_parameter_counts(config) == meta_counts(config)


def test_mixtral_8x7b_golden_counts():
    total, active = moe_parameter_counts(MIXTRAL_8X7B)
    assert (total, active) == (46_702_792_704, 12_879_925_248)
    assert type(total) is int and type(active) is int
