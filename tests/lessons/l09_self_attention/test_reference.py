"""Lesson 09's reference solutions against PyTorch (nn.MultiheadAttention, scaled_dot_product_attention
with enable_gqa), Hugging Face transformers (Llama's attention layer and repeat_kv, its KV cache, its
sliding-window mask) and the definitions of Child et al. 2019."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from solutions.l05_transformers import causal_mask, scaled_dot_product_attention
from solutions.l09_self_attention import (blockwise_attention, fixed_sparse_mask, grouped_query_attention,
                                          kv_cache_bytes, merge_heads, multi_head_attention, sliding_window_mask,
                                          split_heads, strided_sparse_mask)

GIB = 2 ** 30
# (n_heads, n_kv_heads): multi-head, grouped-query with groups of 2 and 4, multi-query
HEAD_LAYOUTS = [(4, 4), (4, 2), (8, 2), (4, 1)]


def tensor(array):
    return torch.from_numpy(np.ascontiguousarray(array))


def test_split_heads_is_torchs_view_and_transpose_and_merge_heads_undoes_it():
    """Hugging Face's attention layers cut heads with .view(B, T, H, hd).transpose(1, 2)."""
    x = np.random.default_rng(0).standard_normal((2, 5, 12))
    heads = split_heads(x, 3)
    expected = tensor(x).view(2, 5, 3, 4).transpose(1, 2).numpy()
    assert heads.shape == (2, 3, 5, 4)
    np.testing.assert_array_equal(heads, expected)
    np.testing.assert_array_equal(heads[1, 2], x[1, :, 8:12])  # head 2 = columns 8 .. 11
    np.testing.assert_array_equal(merge_heads(heads), x)
    np.testing.assert_array_equal(merge_heads(heads), tensor(expected).transpose(1, 2).reshape(2, 5, 12).numpy())


@pytest.mark.parametrize("masked", [False, True])
def test_multi_head_attention_matches_torch_multihead_attention(masked):
    rng = np.random.default_rng(1)
    B, T, d, H = 2, 6, 12, 3
    x = rng.standard_normal((B, T, d))
    W_q, W_k, W_v, W_o = (rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4))
    layer = torch.nn.MultiheadAttention(d, H, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # torch stores (out, in) and computes x W^T
        layer.in_proj_weight.copy_(tensor(np.concatenate([W_q.T, W_k.T, W_v.T])))
        layer.out_proj.weight.copy_(tensor(W_o.T))
    mask = causal_mask(T) if masked else None
    # torch's bool attn_mask marks the keys NOT allowed: the opposite of ours
    blocked = None if mask is None else tensor(~mask)
    expected, _ = layer(tensor(x), tensor(x), tensor(x), attn_mask=blocked, need_weights=False)
    np.testing.assert_allclose(multi_head_attention(x, W_q, W_k, W_v, W_o, H, mask), expected.detach().numpy(),
                               rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("n_heads, n_kv_heads", HEAD_LAYOUTS)
def test_grouped_query_attention_matches_sdpa_with_enable_gqa(n_heads, n_kv_heads):
    rng = np.random.default_rng(2)
    B, T, hd = 2, 5, 3
    d = n_heads * hd
    x = rng.standard_normal((B, T, d))
    W_q, W_o = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    W_k, W_v = rng.standard_normal((d, n_kv_heads * hd)), rng.standard_normal((d, n_kv_heads * hd))
    q = split_heads(x @ W_q, n_heads)
    k, v = split_heads(x @ W_k, n_kv_heads), split_heads(x @ W_v, n_kv_heads)
    for mask in (None, causal_mask(T), sliding_window_mask(T, 2)):
        heads = F.scaled_dot_product_attention(tensor(q), tensor(k), tensor(v), enable_gqa=True,
                                               attn_mask=None if mask is None else tensor(mask)).numpy()
        np.testing.assert_allclose(grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask),
                                   merge_heads(heads) @ W_o, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_heads, n_kv_heads", HEAD_LAYOUTS)
def test_grouped_query_attention_shares_kv_heads_as_llamas_repeat_kv(n_heads, n_kv_heads):
    """repeat_kv (transformers' Llama) gives query head i the kv head i // (n_heads / n_kv_heads)."""
    from transformers.models.llama.modeling_llama import repeat_kv

    rng = np.random.default_rng(3)
    T, hd = 4, 2
    d = n_heads * hd
    x = rng.standard_normal((1, T, d))
    W_q, W_o = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    W_k, W_v = rng.standard_normal((d, n_kv_heads * hd)), rng.standard_normal((d, n_kv_heads * hd))
    group = n_heads // n_kv_heads
    k, v = (repeat_kv(tensor(split_heads(x @ W, n_kv_heads)), group).numpy() for W in (W_k, W_v))
    heads, _ = scaled_dot_product_attention(split_heads(x @ W_q, n_heads), k, v, causal_mask(T))
    np.testing.assert_allclose(grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, causal_mask(T)),
                               merge_heads(heads) @ W_o, rtol=1e-12, atol=1e-12)
    # the extremes: n_kv_heads = n_heads is multi-head attention
    if n_kv_heads == n_heads:
        np.testing.assert_allclose(grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_heads),
                                   multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads), rtol=1e-12, atol=1e-12)


def test_grouped_query_attention_is_llamas_attention_layer_without_rope():
    """A real LlamaAttention (8 query heads, 2 kv heads), its rotary embedding switched off (cos 1,
    sin 0), with its q/k/v/o weights copied (transposed: nn.Linear stores (out, in))."""
    from transformers import LlamaConfig
    from transformers.models.llama.modeling_llama import LlamaAttention

    config = LlamaConfig(hidden_size=16, num_attention_heads=8, num_key_value_heads=2, attention_bias=False)
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    layer = LlamaAttention(config, layer_idx=0).double().eval()
    B, T = 2, 5
    x = np.random.default_rng(4).standard_normal((B, T, 16))
    no_rotation = (torch.ones(B, T, 2, dtype=torch.float64), torch.zeros(B, T, 2, dtype=torch.float64))
    weights = {name: getattr(layer, name).weight.detach().numpy().T for name in ("q_proj", "k_proj", "v_proj", "o_proj")}
    assert weights["k_proj"].shape == (16, 4)  # 2 kv heads of width 2
    for mask in (causal_mask(T), sliding_window_mask(T, 3)):
        with torch.no_grad():
            expected, _ = layer(tensor(x), position_embeddings=no_rotation,
                                attention_mask=tensor(np.broadcast_to(mask, (B, 1, T, T))))
        got = grouped_query_attention(x, weights["q_proj"], weights["k_proj"], weights["v_proj"], weights["o_proj"],
                                      8, 2, mask)
        np.testing.assert_allclose(got, expected.numpy(), rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("model, n_layers, expected", [("8B", 32, GIB), ("70B", 80, 2.5 * GIB), ("405B", 126, 3.9375 * GIB)])
def test_kv_cache_of_llama_3_at_8192_tokens_in_bfloat16(model, n_layers, expected):
    """Llama 3 Table 3: 8 key/value heads of width 128 (4096/32, 8192/64, 16384/128) in every size."""
    assert kv_cache_bytes(1, 8192, n_layers, 8, 128, 2) == expected


def test_kv_cache_golden_values():
    assert kv_cache_bytes(1, 8192, 32, 32, 128, 2) == 4 * GIB  # Llama 3 8B without GQA: 4x more
    assert kv_cache_bytes(4, 128_000, 80, 8, 128, 2) == 167_772_160_000  # 70B, 4 x 128k tokens: 156 GiB
    assert kv_cache_bytes(1, 1, 1, 1, 1, 1) == 2  # one key and one value
    assert isinstance(kv_cache_bytes(1, 8192, 32, 8, 128, 2), int)


def test_kv_cache_bytes_is_what_a_real_llama_keeps():
    """The tensors of transformers' cache after a forward pass of a tiny Llama (float64: 8 bytes)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=50, hidden_size=24, intermediate_size=32, num_hidden_layers=3,
                         num_attention_heads=6, num_key_value_heads=2)
    torch.manual_seed(0)
    model = LlamaForCausalLM(config).double().eval()
    batch, T = 2, 7
    with torch.no_grad():
        cache = model(torch.zeros(batch, T, dtype=torch.long), use_cache=True).past_key_values
    stored = sum(layer.keys.nbytes + layer.values.nbytes for layer in cache.layers)
    assert stored == kv_cache_bytes(batch, T, 3, 2, 24 // 6, 8)


@pytest.mark.parametrize("T", [1, 5, 12])
@pytest.mark.parametrize("window", [1, 2, 4, 20])
def test_sliding_window_mask_is_transformers_sliding_window(T, window):
    """transformers' sliding-window causal mask (Mistral, Gemma): the window counts the query itself."""
    from transformers.masking_utils import sliding_window_causal_mask_function

    keep = sliding_window_causal_mask_function(window)
    zero = torch.tensor(0)
    expected = np.array([[bool(keep(zero, zero, torch.tensor(i), torch.tensor(j))) for j in range(T)] for i in range(T)])
    got = sliding_window_mask(T, window)
    assert got.dtype == bool and got.shape == (T, T)
    np.testing.assert_array_equal(got, expected)
    assert got.sum(axis=1).max() == min(window, T)


def child_strided(T, stride):
    """Child et al. 2019, section 4.2: A(1) = {t, t+1, ..., i} with t = max(0, i - l), A(2) = {j : (i - j) mod l = 0}."""
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        for j in range(max(0, i - stride), i + 1):
            mask[i, j] = True
        for j in range(i + 1):
            if (i - j) % stride == 0:
                mask[i, j] = True
    return mask


def child_fixed(T, block, c=1):
    """Child et al. 2019, section 4.2: A(1) = {j : floor(j/l) = floor(i/l)}, A(2) = {j : j mod l in {l-c, ..., l}}, causal."""
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        for j in range(i + 1):
            mask[i, j] = j // block == i // block or j % block in range(block - c, block + 1)
    return mask


@pytest.mark.parametrize("T", [1, 7, 16])
@pytest.mark.parametrize("l", [1, 2, 4, 5])
def test_sparse_masks_follow_child_et_al(T, l):
    np.testing.assert_array_equal(strided_sparse_mask(T, l), child_strided(T, l))
    np.testing.assert_array_equal(fixed_sparse_mask(T, l), child_fixed(T, l))
    for mask in (strided_sparse_mask(T, l), fixed_sparse_mask(T, l)):
        assert mask.dtype == bool
        assert not np.triu(mask, 1).any() and mask.diagonal().all()


def test_sparse_masks_golden_rows():
    assert strided_sparse_mask(16, 4)[15].tolist() == [False, False, False, True] * 3 + [True] * 4
    assert fixed_sparse_mask(16, 4)[13].tolist() == [False, False, False, True] * 3 + [True, True, False, False]


def sdpa(Q, K, V, is_causal=False):
    return F.scaled_dot_product_attention(tensor(Q), tensor(K), tensor(V), is_causal=is_causal).numpy()


@pytest.mark.parametrize("causal", [False, True])
def test_blockwise_attention_equals_torch_attention_for_every_block_size(causal):
    rng = np.random.default_rng(5)
    T_q, T_k = (7, 7) if causal else (4, 7)
    Q, K, V = rng.standard_normal((2, 3, T_q, 5)), rng.standard_normal((2, 3, T_k, 5)), rng.standard_normal((2, 3, T_k, 2))
    expected = sdpa(Q, K, V, is_causal=causal)
    for block_size in range(1, T_k + 2):
        np.testing.assert_allclose(blockwise_attention(Q, K, V, block_size, causal), expected, rtol=1e-12, atol=1e-13)


def test_blockwise_attention_is_stable_where_a_plain_softmax_would_overflow():
    """Scores near 3000: exp overflows unless every block is shifted by the running maximum."""
    rng = np.random.default_rng(6)
    Q, K, V = 40 * rng.standard_normal((6, 4)), 40 * rng.standard_normal((9, 4)), rng.standard_normal((9, 3))
    expected = sdpa(Q, K, V)
    assert np.abs(Q @ K.T).max() / 2 > 710  # exp(710) is inf in float64
    for block_size in (1, 2, 4, 9):
        np.testing.assert_allclose(blockwise_attention(Q, K, V, block_size), expected, rtol=1e-10, atol=1e-12)


def test_blockwise_attention_worked_example():
    got = blockwise_attention(np.array([[1.0]]), np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [2.0], [3.0]]), 2)
    weights = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(got, [[weights @ [1.0, 2.0, 3.0]]], rtol=1e-15)
    np.testing.assert_allclose(got, [[2.5752103826044417]], rtol=1e-15)
