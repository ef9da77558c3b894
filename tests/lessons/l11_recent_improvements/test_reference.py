"""Lesson 11-recent-improvements's reference solutions against a real library or golden values."""

import numpy as np

from solutions import l11_recent_improvements as ref


def test_rms_norm_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.rms_norm(x) with a real library (torch, transformers, ...)")


def test_rope_frequencies_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.rope_frequencies(x) with a real library (torch, transformers, ...)")


def test_apply_rope_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.apply_rope(x) with a real library (torch, transformers, ...)")


def test_swiglu_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.swiglu(x) with a real library (torch, transformers, ...)")


def test_document_causal_mask_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.document_causal_mask(x) with a real library (torch, transformers, ...)")


def test_llama_parameter_count_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.llama_parameter_count(x) with a real library (torch, transformers, ...)")


def test_llama_block_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.llama_block(x) with a real library (torch, transformers, ...)")
