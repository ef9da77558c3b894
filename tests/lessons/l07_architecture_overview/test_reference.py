"""Lesson 07-architecture-overview's reference solutions against a real library or golden values."""

import numpy as np

from solutions import l07_architecture_overview as ref


def test_lm_head_logits_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.lm_head_logits(x) with a real library (torch, transformers, ...)")


def test_apply_temperature_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.apply_temperature(x) with a real library (torch, transformers, ...)")


def test_top_k_filter_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.top_k_filter(x) with a real library (torch, transformers, ...)")


def test_top_p_filter_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.top_p_filter(x) with a real library (torch, transformers, ...)")


def test_sample_token_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.sample_token(x) with a real library (torch, transformers, ...)")


def test_generate_cached_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.generate_cached(x) with a real library (torch, transformers, ...)")
