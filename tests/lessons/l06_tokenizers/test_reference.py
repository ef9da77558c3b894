"""Lesson 06-tokenizers's reference solutions against a real library or golden values."""

import numpy as np

from solutions import l06_tokenizers as ref


def test_bpe_train_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.bpe_train(x) with a real library (torch, transformers, ...)")


def test_bpe_encode_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.bpe_encode(x) with a real library (torch, transformers, ...)")


def test_bpe_decode_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.bpe_decode(x) with a real library (torch, transformers, ...)")


def test_pretokenize_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.pretokenize(x) with a real library (torch, transformers, ...)")


def test_wordpiece_tokenize_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.wordpiece_tokenize(x) with a real library (torch, transformers, ...)")
