"""Lesson 09-self-attention's reference solutions against a real library or golden values."""

import numpy as np

from solutions import l09_self_attention as ref


def test_split_heads_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.split_heads(x) with a real library (torch, transformers, ...)")


def test_merge_heads_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.merge_heads(x) with a real library (torch, transformers, ...)")


def test_multi_head_attention_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.multi_head_attention(x) with a real library (torch, transformers, ...)")


def test_grouped_query_attention_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.grouped_query_attention(x) with a real library (torch, transformers, ...)")


def test_kv_cache_bytes_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.kv_cache_bytes(x) with a real library (torch, transformers, ...)")


def test_sliding_window_mask_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.sliding_window_mask(x) with a real library (torch, transformers, ...)")


def test_strided_sparse_mask_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.strided_sparse_mask(x) with a real library (torch, transformers, ...)")


def test_fixed_sparse_mask_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.fixed_sparse_mask(x) with a real library (torch, transformers, ...)")


def test_blockwise_attention_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.blockwise_attention(x) with a real library (torch, transformers, ...)")
