"""Lesson 01's reference solutions against PyTorch and hand-computed golden values."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from solutions import l01_introduction as ref

SEEDS = range(5)


def random_logits(rng, shape, scale):
    return rng.normal(0.0, scale, size=shape)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 10.0, 500.0])
def test_softmax_matches_torch_on_every_axis(seed, scale):
    rng = np.random.default_rng(seed)
    x = random_logits(rng, (3, 4, 5), scale)
    for axis in range(-3, 3):
        expected = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
        np.testing.assert_allclose(ref.softmax(x, axis=axis), expected, rtol=1e-12, atol=1e-300)


def test_softmax_golden_values_and_extremes():
    np.testing.assert_allclose(ref.softmax(np.array([1.0, 2.0, 3.0])), [0.09003057, 0.24472847, 0.66524096],
                               rtol=1e-7)
    np.testing.assert_allclose(ref.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
    np.testing.assert_allclose(ref.softmax(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    x = np.array([[1.0, 2.0], [3.0, 5.0]])
    ref.softmax(x, axis=0)
    np.testing.assert_array_equal(x, [[1.0, 2.0], [3.0, 5.0]])  # the input is not modified


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 10.0, 1000.0])
def test_cross_entropy_and_perplexity_match_torch(seed, scale):
    rng = np.random.default_rng(seed)
    positions, vocab = rng.integers(1, 9), rng.integers(1, 12)
    logits = random_logits(rng, (positions, vocab), scale)
    targets = rng.integers(0, vocab, size=positions)
    expected = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(targets)).item()
    assert ref.cross_entropy(logits, targets) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    if expected < 700:  # exp() of larger cross-entropies overflows float64 on both sides
        assert ref.perplexity(logits, targets) == pytest.approx(math.exp(expected), rel=1e-10)


def test_cross_entropy_and_perplexity_golden_values():
    assert ref.cross_entropy(np.array([[2.0, 1.0, 0.1]]), np.array([0])) == pytest.approx(0.4170300, abs=1e-7)
    assert ref.cross_entropy(np.zeros((2, 4)), np.array([1, 3])) == pytest.approx(math.log(4))
    assert ref.cross_entropy(np.array([[0.0, -1000.0]]), np.array([1])) == pytest.approx(1000.0)
    assert ref.perplexity(np.zeros((3, 4)), np.array([0, 1, 2])) == pytest.approx(4.0)
    assert isinstance(ref.cross_entropy(np.zeros((1, 2)), np.array([0])), float)
    assert isinstance(ref.perplexity(np.zeros((1, 2)), np.array([0])), float)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_bigram_probabilities_match_counting_by_hand(seed, alpha):
    rng = np.random.default_rng(seed)
    vocab = int(rng.integers(1, 7))
    ids = rng.integers(0, vocab, size=rng.integers(0, 15)).tolist()
    table = ref.bigram_probabilities(ids, vocab, alpha)
    assert table.shape == (vocab, vocab)
    for current in range(vocab):
        counts = [sum(1 for a, b in zip(ids, ids[1:]) if (a, b) == (current, following)) + alpha
                  for following in range(vocab)]
        total = sum(counts)
        expected = [c / total for c in counts] if total else [1 / vocab] * vocab
        np.testing.assert_allclose(table[current], expected, rtol=1e-12)


def test_bigram_probabilities_golden_values():
    np.testing.assert_allclose(ref.bigram_probabilities([0, 1, 0, 1, 2], 3),
                               [[0, 1, 0], [0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(ref.bigram_probabilities([0, 1, 0, 1, 2], 3, alpha=1.0)[0], [0.2, 0.6, 0.2])
    np.testing.assert_allclose(ref.bigram_probabilities([], 2), np.full((2, 2), 0.5))
    np.testing.assert_allclose(ref.bigram_probabilities([1, 1, 1], 2), [[0.5, 0.5], [0, 1]])


class RecordingModel:
    """Next token = (sum of the ids so far) % V, ties never happen; records the calls."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.calls = []

    def __call__(self, ids):
        self.calls.append(list(ids))
        logits = np.zeros(self.vocab)
        logits[sum(ids) % self.vocab] = 1.0
        return logits


def test_generate_golden_values_and_calls():
    model = RecordingModel(5)
    assert ref.generate(model, [1, 2], 3) == [1, 2, 3, 1, 2]
    assert model.calls == [[1, 2], [1, 2, 3], [1, 2, 3, 1]]
    assert ref.generate(RecordingModel(5), [1, 2], 10, eos_id=1) == [1, 2, 3, 1]
    assert ref.generate(RecordingModel(5), [1], 3, eos_id=1) == [1, 1], "an eos in the prompt does not stop"
    assert ref.generate(RecordingModel(5), [4], 0) == [4]
    assert ref.generate(lambda ids: np.array([0.0, 2.0, 2.0, 1.0]), [0], 2) == [0, 1, 1], "ties: lowest id"


def test_generate_matches_a_torch_greedy_loop():
    """A bag-of-embeddings "model" over the whole prefix, decoded greedily with torch.argmax."""
    torch.manual_seed(0)
    embedding = torch.nn.Embedding(7, 7, dtype=torch.float64)

    def torch_logits(ids):
        with torch.no_grad():
            return embedding(torch.tensor(ids)).sum(dim=0)

    ids = [3]
    for _ in range(6):
        ids.append(int(torch.argmax(torch_logits(ids))))
    assert ref.generate(lambda prefix: torch_logits(prefix).numpy(), [3], 6) == ids
