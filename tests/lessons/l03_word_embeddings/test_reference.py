"""Lesson 03 reference solutions against golden values, PyTorch autograd, SciPy, central differences,
and a short training run on the lesson's corpus."""

import importlib.util
import math

import numpy as np
import pytest
import torch
from scipy.special import expit
from sklearn.metrics.pairwise import cosine_similarity

from autograder.lessons.toolkit import central_differences
from solutions import l03_word_embeddings as ref
from support import COURSE

LESSON_DIR = COURSE.lesson("03-word-embeddings").folder


# -- skip-gram pairs ---------------------------------------------------------------------------

def test_skipgram_pairs_golden():
    assert ref.skipgram_pairs([5, 6, 7], 1) == [(5, 6), (6, 5), (6, 7), (7, 6)]
    assert ref.skipgram_pairs([1, 2, 3], 2) == [(1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)]
    assert ref.skipgram_pairs([4, 4], 1) == [(4, 4), (4, 4)]
    assert ref.skipgram_pairs([1, 2, 3], 0) == []
    assert ref.skipgram_pairs([], 2) == []


@pytest.mark.parametrize("length, window", [(1, 1), (5, 1), (5, 2), (7, 3), (3, 10)])
def test_skipgram_pair_count(length, window):
    pairs = ref.skipgram_pairs(list(range(length)), window)
    expected = sum(min(i + window, length - 1) - max(i - window, 0) for i in range(length))
    assert len(pairs) == expected
    assert all(abs(center - context) <= window and center != context for center, context in pairs)


# -- sigmoid -----------------------------------------------------------------------------------

def test_sigmoid_golden_values():
    assert ref.sigmoid(0.0) == 0.5
    assert math.isclose(ref.sigmoid(1.0), 1 / (1 + math.exp(-1)), rel_tol=1e-15)
    assert math.isclose(ref.sigmoid(-1.0), 0.2689414213699951, rel_tol=1e-15)
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is fine; overflow is not
        assert np.array_equal(ref.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        assert math.isclose(ref.sigmoid(-720.0), math.exp(-720.0), rel_tol=1e-9)


def test_sigmoid_matches_scipy_and_torch():
    x = np.linspace(-709, 740, 2001).reshape(23, 87)
    assert np.allclose(ref.sigmoid(x), expit(x), rtol=1e-12, atol=0)
    assert np.allclose(ref.sigmoid(x), torch.sigmoid(torch.from_numpy(x)).numpy(), rtol=1e-12, atol=0)
    assert ref.sigmoid(x).shape == x.shape


def test_sigmoid_keeps_tiny_values_where_scipy_and_torch_give_zero():
    # Below about -709.78, exp(-x) overflows: expit and torch.sigmoid return 0 there, while
    # sigmoid(x) = e^x / (1 + e^x) = e^x (to double precision) is still a representable subnormal.
    x = np.linspace(-725, -710, 31)
    assert np.all(expit(x) == 0)
    assert np.allclose(ref.sigmoid(x), np.exp(x), rtol=1e-9, atol=0)


# -- loss and gradients ------------------------------------------------------------------------

def test_loss_and_gradients_golden_example():
    # s_o = 1, s_k = (0, -1): loss = -log sig(1) - log sig(0) - log sig(1) = 2 log(1 + e^-1) + log 2
    loss, grad_center, grad_outside, grad_negatives = ref.negative_sampling_loss_and_gradients(
        np.array([1.0, 0.0]), np.array([1.0, 1.0]), np.array([[0.0, 1.0], [-1.0, 0.0]]))
    assert math.isclose(loss, 2 * math.log1p(math.exp(-1)) + math.log(2), rel_tol=1e-15)
    assert math.isclose(loss, 1.319670555596391, rel_tol=1e-14)
    s = 1 / (1 + math.exp(-1))  # sigmoid(1)
    assert np.allclose(grad_center, [(s - 1) - (1 - s), (s - 1) + 0.5], rtol=1e-15)
    assert np.allclose(grad_outside, [s - 1, 0.0], rtol=1e-15)
    assert np.allclose(grad_negatives, [[0.5, 0.0], [1 - s, 0.0]], rtol=1e-15)


def torch_loss(center, outside, negatives):
    return (-torch.nn.functional.logsigmoid(outside @ center)
            - torch.nn.functional.logsigmoid(-(negatives @ center)).sum())


@pytest.mark.parametrize("seed", range(5))
def test_loss_and_gradients_match_torch_autograd_and_central_differences(seed):
    rng = np.random.default_rng(seed)
    d, K = 4, 5
    center, outside, negatives = rng.normal(size=d), rng.normal(size=d), rng.normal(size=(K, d))
    negatives[3] = negatives[1]  # a word drawn twice
    loss, grad_center, grad_outside, grad_negatives = ref.negative_sampling_loss_and_gradients(
        center, outside, negatives)
    tensors = [torch.tensor(a, requires_grad=True) for a in (center, outside, negatives)]
    expected_loss = torch_loss(*tensors)
    expected_loss.backward()
    assert math.isclose(loss, expected_loss.item(), rel_tol=1e-12)
    for ours, tensor in zip((grad_center, grad_outside, grad_negatives), tensors):
        assert np.allclose(ours, tensor.grad.numpy(), rtol=1e-12, atol=1e-14)

    def loss_of(c=center, o=outside, n=negatives):
        return ref.negative_sampling_loss_and_gradients(c, o, n)[0]

    assert np.allclose(grad_center, central_differences(lambda c: loss_of(c=c), center), atol=1e-7)
    assert np.allclose(grad_outside, central_differences(lambda o: loss_of(o=o), outside), atol=1e-7)
    assert np.allclose(grad_negatives, central_differences(lambda n: loss_of(n=n), negatives), atol=1e-7)


def test_loss_is_finite_for_large_scores():
    loss, *_ = ref.negative_sampling_loss_and_gradients(np.array([30.0]), np.array([-30.0]), np.array([[30.0]]))
    assert math.isclose(loss, 1800.0, rel_tol=1e-12)  # -log sig(-900) - log sig(-900)


# -- noise distribution ------------------------------------------------------------------------

def test_noise_distribution():
    assert np.allclose(ref.noise_distribution(np.array([1, 0, 16]), power=0.5), [0.2, 0.0, 0.8])
    counts = np.array([5, 1, 30, 0, 2])
    p = ref.noise_distribution(counts)
    assert math.isclose(p.sum(), 1.0)
    assert np.allclose(p, counts ** 0.75 / np.sum(counts ** 0.75))
    assert p[3] == 0.0
    unigram = counts / counts.sum()
    assert p[1] > unigram[1] and p[2] < unigram[2]  # rare words gain share, frequent ones lose it


# -- SGD step ----------------------------------------------------------------------------------

@pytest.mark.parametrize("negative_ids", [[2, 2, 0], [1, 3, 1, 1], [4, 0, 2]])
def test_sgd_step_matches_torch_sgd(negative_ids):
    rng = np.random.default_rng(len(negative_ids))
    W_center, W_outside = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    before = W_center.copy(), W_outside.copy()
    new_center, new_outside = ref.sgd_step(W_center, W_outside, 3, 1, negative_ids, 0.3)
    assert np.array_equal(W_center, before[0]) and np.array_equal(W_outside, before[1])

    center_param = torch.nn.Parameter(torch.tensor(W_center))
    outside_param = torch.nn.Parameter(torch.tensor(W_outside))
    optimizer = torch.optim.SGD([center_param, outside_param], lr=0.3)
    # indexing with repeated ids accumulates their gradients, as sgd_step must
    torch_loss(center_param[3], outside_param[1], outside_param[torch.tensor(negative_ids)]).backward()
    optimizer.step()
    assert np.allclose(new_center, center_param.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert np.allclose(new_outside, outside_param.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_sgd_step_lowers_the_loss():
    rng = np.random.default_rng(7)
    W_center, W_outside = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    args = (2, 4, [0, 0, 5])

    def loss(Wc, Wo):
        return ref.negative_sampling_loss_and_gradients(Wc[args[0]], Wo[args[1]], Wo[args[2]])[0]

    new_center, new_outside = ref.sgd_step(W_center, W_outside, *args, lr=0.01)
    assert loss(new_center, new_outside) < loss(W_center, W_outside)


# -- similarity, analogy, pooling --------------------------------------------------------------

def test_cosine_similarities_match_sklearn():
    rng = np.random.default_rng(3)
    E = rng.normal(size=(8, 5))
    E[6] = 0.0
    expected = cosine_similarity(E, E[2:3])[:, 0]  # scikit-learn also gives 0 for a zero vector
    assert np.allclose(ref.cosine_similarities(E, E[2]), expected, rtol=1e-12, atol=1e-15)


def test_nearest_neighbors_rank_by_cosine_without_the_query():
    rng = np.random.default_rng(4)
    E = rng.normal(size=(10, 3)) * rng.uniform(0.1, 10, size=(10, 1))
    similarities = cosine_similarity(E, E[5:6])[:, 0]
    expected = [i for i in np.argsort(-similarities) if i != 5][:4]
    assert ref.nearest_neighbors(E, 5, 4) == expected
    twins = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
    assert ref.nearest_neighbors(twins, 1, 3) == [0, 3, 2]


def test_analogy_golden():
    toy = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.2, 0.0]])
    assert ref.analogy(toy, 0, 2, 1) == [3]  # man : king = woman : queen
    assert ref.analogy(toy, 2, 3, 0, k=2) == [1, 4]
    long_vectors = np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 1.0], [-1.0, 2.0], [-0.2, 1.0], [1.0, 0.1]])
    assert ref.analogy(long_vectors, 0, 1, 2, k=3) == [3, 4, 5]  # vectors used as given


def test_mean_pool_matches_sentence_transformers_formula():
    rng = np.random.default_rng(5)
    tokens = rng.normal(size=(3, 4, 2))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]])
    # sentence-transformers' mean pooling: sum(x * mask) / clamp(mask.sum(), min=1e-9)
    t_tokens, t_mask = torch.tensor(tokens), torch.tensor(mask, dtype=torch.float64).unsqueeze(-1)
    expected = (t_tokens * t_mask).sum(1) / torch.clamp(t_mask.sum(1), min=1e-9)
    assert np.allclose(ref.mean_pool(tokens, mask), expected.numpy(), rtol=1e-14)
    assert np.allclose(ref.mean_pool(tokens, mask.astype(bool)), expected.numpy(), rtol=1e-14)
    assert np.allclose(ref.mean_pool(tokens), tokens.mean(axis=1))
    assert np.allclose(ref.mean_pool(tokens[0]), tokens[0].mean(axis=0))


# -- the corpus and a short training run -------------------------------------------------------

def load_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", LESSON_DIR / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_corpus_is_the_generated_one():
    text = (LESSON_DIR / "corpus.txt").read_text(encoding="utf-8")
    assert text == load_corpus_module().corpus_text()
    assert len(text.encode("utf-8")) < 300_000


def test_short_training_brings_related_words_together():
    corpus = load_corpus_module()
    frequent = {"the", "a", "in", "from", "on", "to", "of", "some", "that", "is", "and", "was"}
    sentences = [[w for w in line.split() if w not in frequent]
                 for line in (LESSON_DIR / "corpus.txt").read_text(encoding="utf-8").splitlines()]
    vocab = sorted({w for s in sentences for w in s})
    ids = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros(len(vocab))
    for sentence in sentences:
        for word in sentence:
            counts[ids[word]] += 1
    pairs = [p for s in sentences for p in ref.skipgram_pairs([ids[w] for w in s], 2)]
    noise = ref.noise_distribution(counts)
    rng = np.random.default_rng(0)
    W_center, W_outside = rng.normal(0, 0.1, size=(len(vocab), 16)), np.zeros((len(vocab), 16))
    groups = [corpus.ROYAL, corpus.ANIMALS, corpus.FOODS, corpus.COLOURS]

    def within_minus_between(E):
        unit = E / np.linalg.norm(E, axis=1, keepdims=True)
        members = [[ids[w] for w in group] for group in groups]
        within = np.mean([unit[i] @ unit[j] for g in members for i in g for j in g if i != j])
        between = np.mean([unit[i] @ unit[j] for g in members for h in members if g is not h for i in g for j in h])
        return within - between

    before = within_minus_between(W_center)
    negatives = rng.choice(len(vocab), size=(len(pairs), 5), p=noise)
    for step, index in enumerate(rng.permutation(len(pairs))):
        W_center, W_outside = ref.sgd_step(W_center, W_outside, *pairs[index], negatives[step], 0.05)
    after = within_minus_between(W_center)
    assert after > before + 0.3, (before, after)
    for word, group in [("king", corpus.ROYAL), ("cat", corpus.ANIMALS), ("apple", corpus.FOODS),
                        ("red", corpus.COLOURS)]:
        nearest = vocab[ref.nearest_neighbors(W_center, ids[word], 1)[0]]
        assert nearest in group, (word, nearest)
    man_king_woman = ref.analogy(W_center, ids["man"], ids["king"], ids["woman"], k=2)
    assert ids["queen"] in man_king_woman
