# %% [markdown]
# # Lesson 03 — Word embeddings: word2vec, skip-gram with negative sampling
#
# In the bag-of-words lesson every word was its own axis: "cat" and "dog" were as unrelated as
# "cat" and "democracy", because a bag of words has no sense of meaning. **Word2vec** (Google,
# 2013) was one of the first methods that worked for putting meaning into **vector embeddings**:
# it gives each word a short, dense vector (here 16 numbers instead of one axis per word) such that
# words used in similar ways get similar vectors.
#
# **An embedding as scores on properties.** One way to read an embedding: each of its values, its
# **dimensions**, scores the word on some **property**. In the toy picture below, "cats" scores high
# on "animal" and "plural" and low on "human", "fruit" and "newborn". Real embeddings have hundreds
# of dimensions (that leaves room for nuance), and they are learned: nobody names them, and we
# cannot say what each one means. What we can say is that words with similar vectors sit close
# together in the **embedding space**, so that their **similarity** can be measured.
#
# **Where the vectors come from.** Word2vec is a neural network trained on a lot of text (all of
# Wikipedia, say). Every word of the vocabulary starts with a vector of random values. At each
# training step the network takes two words from the text and predicts whether they are
# **neighbours** in a sentence; its **weights** (its **parameters**, here the vectors themselves)
# are then nudged so the prediction gets better. Words that tend to share neighbours end up close
# together; words that don't end up far apart. This is the *distributional hypothesis*: "you shall
# know a word by the company it keeps" (J. R. Firth, 1957). "cat" and "dog" both turn up next to
# "sleeps", "runs" and "hungry"; "apple" and "bread" next to "tastes" and "eats".
#
# You will implement the pieces of word2vec's **skip-gram with negative sampling** (SGNS): "are these
# two words neighbours?" is exactly negative sampling's question. You will train it on a small
# corpus in a few seconds and look at what it learned: nearest neighbours, analogies such as
# *man : king = woman : ?*, a map of the embedding space, and sentence embeddings made by averaging
# word vectors. A model that turns text into vectors like this is a **representation model**.
#
# Conventions: an embedding matrix is `(V, d)`, row `i` is the vector of word id `i`; everything is
# NumPy float64. Below each figure, an **Expected result** cell shows what it looks like once your
# functions work.

# %%
import numpy as np

# %% figure
import matplotlib.pyplot as plt

properties = ["animal", "human", "plural", "fruit", "newborn"]
toy_embeddings = {  # made-up values, as in the course's picture: real dimensions have no names
    "cats": [0.91, -0.62, 0.80, -0.75, -0.45],
    "kitten": [0.88, -0.55, -0.70, -0.80, 0.93],
    "apples": [-0.85, -0.90, 0.75, 0.95, -0.60],
    "baby": [-0.20, 0.90, -0.65, -0.85, 0.95],
    "man": [-0.10, 0.95, -0.72, -0.90, -0.50],
}
figure, axes = plt.subplots(figsize=(7.5, 4))
values = np.array(list(toy_embeddings.values()))
image = axes.imshow(values, cmap="RdBu", vmin=-1, vmax=1)
for (row, column), value in np.ndenumerate(values):
    axes.text(column, row, f"{value:.2f}", ha="center", va="center", color="white" if abs(value) > 0.6 else "black")
axes.set_xticks(range(len(properties)), properties)
axes.set_yticks(range(len(toy_embeddings)), list(toy_embeddings))
axes.set_xlabel("dimension (read as a property)")
axes.set_ylabel("word")
axes.set_title("A toy embedding: 5 values per word, one per property")
figure.colorbar(image, label="score")
plt.show()

# %% [markdown]
# ## 1. Training pairs: a word and the company it keeps
#
# Skip-gram slides a window over the text. Each position in turn is the **center** word; every word
# at most `window` positions to its left or right is one of its neighbours, a **context** (or
# *outside*) word, and each (center, context) pair is one training example: "these two words are
# neighbours".
#
# With `window = 1`, the ids `[5, 6, 7]` ("the cat sleeps") give
# `[(5, 6), (6, 5), (6, 7), (7, 6)]`: position 0 sees position 1, position 1 sees positions 0 and 2,
# position 2 sees position 1. A position is never its own context, but the same word at two
# different positions is a genuine pair ("very very" pairs "very" with "very").
#
# Implement `skipgram_pairs`: pairs in position order, and for each position its context positions
# from left to right.

# %% solution skipgram_pairs

# %% tests skipgram_pairs
pairs = skipgram_pairs([5, 6, 7], 1)
assert isinstance(pairs, list), f"return a list of (center, context) tuples, got {type(pairs).__name__}"
assert pairs == [(5, 6), (6, 5), (6, 7), (7, 6)], f"expected [(5, 6), (6, 5), (6, 7), (7, 6)], got {pairs}"
assert all(type(c) is int and type(o) is int for c, o in pairs), f"the ids in the pairs are Python ints, got {pairs!r}"
pairs = skipgram_pairs([1, 2, 3, 4], 2)
assert pairs[:3] == [(1, 2), (1, 3), (2, 1)], (
    f"position order, then context order: expected [(1, 2), (1, 3), (2, 1), ...], got {pairs[:3]}")
assert len(pairs) == 10, (
    f"4 positions, each sees up to 2 words on each side: 2 + 3 + 3 + 2 = 10 pairs, got {len(pairs)}")
pairs = skipgram_pairs([4, 4], 3)
assert pairs == [(4, 4), (4, 4)], (
    f"the same word at two positions makes two pairs: expected [(4, 4), (4, 4)], got {pairs}")
assert skipgram_pairs([9], 2) == [], "a single word has no neighbour: expected []"
print("skipgram_pairs: sanity checks passed")

# %% [markdown]
# Our corpus, `corpus.txt` beside this notebook, is a few thousand short generated sentences about
# royals, ordinary people, animals, food and colours. Real word2vec also discards very frequent
# words at random ("subsampling"), because "the" next to "cat" says little about cats; we simply
# drop a handful of such words. Run the next cell to load the corpus and see the pairs of one
# sentence.

# %% figure
from collections import Counter
from pathlib import Path

corpus_path = Path("corpus.txt")  # relative to this notebook's folder
if not corpus_path.exists():
    raise FileNotFoundError("corpus.txt should sit beside this notebook: copy it from the lesson folder")
FREQUENT_WORDS = {"the", "a", "in", "from", "on", "to", "of", "some", "that", "is", "and", "was"}
sentences = [[word for word in line.split() if word not in FREQUENT_WORDS]
             for line in corpus_path.read_text(encoding="utf-8").splitlines()]
word_counts = Counter(word for sentence in sentences for word in sentence)
vocab = sorted(word_counts)
word_to_id = {word: i for i, word in enumerate(vocab)}
corpus_ids = [[word_to_id[word] for word in sentence] for sentence in sentences]
print(f"{len(sentences)} sentences, {sum(map(len, sentences))} tokens, vocabulary of {len(vocab)} words")
print("sentence:", " ".join(sentences[0]))
print("pairs:   ", [(vocab[c], vocab[o]) for c, o in skipgram_pairs(corpus_ids[0], 2)])

# %% [markdown]
# ## 2. The sigmoid, computed safely
#
# The network's parameters are two vectors per word: $v_w$ when it is the center and $u_w$ when it
# is a context word (two matrices `W_center` and `W_outside`, both `(V, d)`). The model scores a pair
# by the dot product $u_o \cdot v_c$ and turns the score into the probability "$o$ really is a
# neighbour of $c$" with the logistic **sigmoid**
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}.$$
#
# Written literally, `1 / (1 + np.exp(-x))` computes `exp(1000)` for $x = -1000$: it overflows to
# infinity (with a RuntimeWarning) and only lands on 0 by luck; the grader counts an overflow as a
# mistake. Other rewrites lose precision instead: `0.5 * (1 + np.tanh(x / 2))` gives 0 for
# $\sigma(-40) \approx 4.2 \times 10^{-18}$, and we are about to take $\log \sigma(x)$, where that 0
# becomes $-\infty$. A tiny $\sigma(x)$ must come out tiny *and of the right size*. The fix uses
# $e^{-|x|}$, which is always in $(0, 1]$:
#
# - for $x \ge 0$: $\sigma(x) = \dfrac{1}{1 + e^{-x}}$, and $e^{-x} = e^{-|x|}$;
# - for $x < 0$: multiply top and bottom by $e^x$: $\sigma(x) = \dfrac{e^x}{1 + e^x}$,
#   and $e^x = e^{-|x|}$.

# %% solution sigmoid

# %% tests sigmoid
assert np.isclose(sigmoid(0.0), 0.5), f"sigmoid(0) is 0.5, got {sigmoid(0.0)}"
assert np.isclose(sigmoid(1.0), 0.7310585786300049), f"sigmoid(1) is 0.7311, got {sigmoid(1.0)}"
values = sigmoid(np.array([[-1.0, 2.0]]))
assert np.allclose(values, [[0.2689414213699951, 0.8807970779778823]]), (
    f"sigmoid([[-1, 2]]) is [[0.2689, 0.8808]], got {values}")
assert values.dtype == np.float64, f"your sigmoid returns {values.dtype}: the course works in float64"
shape = np.shape(sigmoid(np.zeros((2, 3))))
assert shape == (2, 3), f"sigmoid works elementwise and keeps the shape (2, 3), got {shape}"
with np.errstate(over="raise"):  # an overflow inside sigmoid raises here
    extremes = sigmoid(np.array([-1000.0, 1000.0]))
assert np.array_equal(extremes, [0.0, 1.0]), f"sigmoid([-1000, 1000]) is [0, 1], got {extremes}"
tiny = sigmoid(-40.0)
assert np.isclose(tiny, 4.248354255291589e-18, rtol=1e-9, atol=0), (
    f"sigmoid(-40) is 4.25e-18, not {tiny}: use exp(-|x|)")
print("sigmoid: sanity checks passed")

# %% [markdown]
# ## 3. Negative sampling: the loss and its gradients
#
# Predicting the context word with a softmax over the whole vocabulary costs $O(V)$ per pair.
# **Negative sampling** replaces it with a handful of yes/no questions, the course's "are these two
# words neighbours?": "is $o$ a neighbour of $c$?" (yes) and, for $K$ words $u_1, \dots, u_K$ drawn
# at random from a noise distribution, "is $u_k$ a neighbour of $c$?" (presumably no). With the
# scores $s_o = u_o \cdot v_c$ and $s_k = u_k \cdot v_c$:
#
# $$\text{loss} = -\log \sigma(s_o) - \sum_{k=1}^{K} \log \sigma(-s_k)$$
#
# Minimising it pushes $s_o$ up (the true pair gets a high probability) and every $s_k$ down (note
# the minus: $\sigma(-s_k) = 1 - \sigma(s_k)$ is the probability of "no").
#
# **Gradients.** Since $\sigma'(x) = \sigma(x)(1 - \sigma(x))$, the derivative of $-\log \sigma(s)$
# with respect to $s$ is $\sigma(s) - 1$, and that of $-\log \sigma(-s)$ is $\sigma(s)$. The chain
# rule through $s = u \cdot v$ then gives
#
# $$\frac{\partial\,\text{loss}}{\partial v_c} = (\sigma(s_o) - 1)\, u_o + \sum_k \sigma(s_k)\, u_k, \qquad
# \frac{\partial\,\text{loss}}{\partial u_o} = (\sigma(s_o) - 1)\, v_c, \qquad
# \frac{\partial\,\text{loss}}{\partial u_k} = \sigma(s_k)\, v_c \text{ (one row per negative)}.$$
#
# Read the signs: gradient *descent* moves $u_o$ towards $v_c$ (since $\sigma(s_o) - 1 < 0$) and every
# $u_k$ away from it. The negatives arrive as a `(K, d)` matrix, one row per draw; the same word can
# be drawn twice, and then it is simply two rows: it counts twice in the loss and in
# $\partial\,\text{loss} / \partial v_c$.
#
# Implement `negative_sampling_loss_and_gradients`. Compute $-\log \sigma(s)$ as
# `np.logaddexp(0, -s)` ($= \log(1 + e^{-s})$, safe for any $s$), and the gradients with your
# `sigmoid`. The visible test also checks your gradients against **central differences**,
# $(f(x + h) - f(x - h)) / 2h$: the standard way to catch a wrong sign or a missing term in a
# hand-derived gradient.

# %% solution negative_sampling_loss_and_gradients

# %% tests negative_sampling_loss_and_gradients
v_c, u_o, u_neg = np.array([1.0, 0.0]), np.array([1.0, 1.0]), np.array([[0.0, 1.0], [-1.0, 0.0]])
result = negative_sampling_loss_and_gradients(v_c, u_o, u_neg)
assert isinstance(result, tuple) and len(result) == 4, (
    "return a tuple (loss, grad_center, grad_outside, grad_negatives)")
loss, grad_center, grad_outside, grad_negatives = result
assert isinstance(loss, float), f"the loss is a Python float (float(...)), got {type(loss).__name__}"
# s_o = 1, s_1 = 0, s_2 = -1: loss = -log σ(1) - log σ(0) - log σ(1)
assert np.isclose(loss, 1.319670555596391), f"loss = -log σ(1) - log σ(0) - log σ(1) = 1.3197, got {loss}"
assert np.allclose(grad_center, [-0.5378828427399902, 0.2310585786300049]), (
    f"grad_center should be [-0.5379, 0.2311], got {grad_center}")
assert np.allclose(grad_outside, [-0.2689414213699951, 0.0]), (
    f"grad_outside = (σ(1) - 1) v_c = [-0.2689, 0], got {grad_outside}")
assert np.shape(grad_negatives) == (2, 2), (
    f"one gradient row per negative: shape (2, 2), got {np.shape(grad_negatives)}")
assert np.allclose(grad_negatives, [[0.5, 0.0], [0.2689414213699951, 0.0]]), (
    f"grad_negatives = σ(s_k) v_c = [[0.5, 0], [0.2689, 0]], got {grad_negatives}")


def numerical_gradient(f, x, h=1e-6):
    """Central differences of the scalar function f at the array x, one entry at a time."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


rng = np.random.default_rng(0)
v_c, u_o, u_neg = rng.normal(size=3), rng.normal(size=3), rng.normal(size=(4, 3))
loss, grad_center, grad_outside, grad_negatives = negative_sampling_loss_and_gradients(v_c, u_o, u_neg)
assert np.allclose(grad_center, numerical_gradient(
    lambda v: negative_sampling_loss_and_gradients(v, u_o, u_neg)[0], v_c), atol=1e-6), (
    "grad_center disagrees with central differences of your loss: check its sign and both terms")
assert np.allclose(grad_outside, numerical_gradient(
    lambda u: negative_sampling_loss_and_gradients(v_c, u, u_neg)[0], u_o), atol=1e-6), (
    "grad_outside disagrees with central differences of your loss")
assert np.allclose(grad_negatives, numerical_gradient(
    lambda n: negative_sampling_loss_and_gradients(v_c, u_o, n)[0], u_neg), atol=1e-6), (
    "grad_negatives disagrees with central differences of your loss")
print("negative_sampling_loss_and_gradients: sanity checks passed")

# %% [markdown]
# ## 4. Which words make good negatives?
#
# Negatives are drawn from a **noise distribution** over the vocabulary. Drawing them uniformly
# would mostly ask about rare words the model hardly ever meets; drawing them by raw frequency
# would ask about "the" all the time. word2vec takes the middle road: the unigram counts raised to
# the power 3/4, then normalised,
#
# $$P(w) = \frac{\mathrm{count}(w)^{0.75}}{\sum_v \mathrm{count}(v)^{0.75}},$$
#
# which flattens the distribution a little: frequent words lose some share to rare ones. (With
# `power=1` the same function gives the plain unigram frequencies.)

# %% solution noise_distribution

# %% tests noise_distribution
p = noise_distribution(np.array([1, 0, 16]), power=0.5)
assert np.allclose(p, [0.2, 0.0, 0.8]), f"power 0.5: (1, 0, 4) / 5 = [0.2, 0, 0.8], got {p}"
assert p.dtype == np.float64, f"your noise_distribution returns {p.dtype}: the course works in float64"
p = noise_distribution(np.array([10.0, 100.0, 1000.0]))
assert np.shape(p) == (3,) and np.isclose(np.sum(p), 1.0), f"one probability per word, summing to 1, got {p}"
assert np.allclose(p, [0.02614640, 0.14703199, 0.82682162]), (
    f"the default power is 0.75: expected [0.0261, 0.1470, 0.8268], got {p}")
print("noise_distribution: sanity checks passed")

# %% [markdown]
# The whole vocabulary of the corpus, frequent words included (they show the flattening best),
# ranked from the most frequent word to the rarest, on log scales. The power 0.75 lowers the
# left end and raises the right end: "the" is drawn less often than its frequency says, every rare
# word more often.

# %% figure
raw_counts = Counter(corpus_path.read_text(encoding="utf-8").split()).most_common()
raw_words = [word for word, _ in raw_counts]
counts_by_rank = np.array([count for _, count in raw_counts], dtype=float)
ranks = np.arange(1, len(raw_counts) + 1)
unigram, smoothed = noise_distribution(counts_by_rank, power=1.0), noise_distribution(counts_by_rank)
figure, axes = plt.subplots(figsize=(9, 4))
axes.loglog(ranks, unigram, ".-", label="unigram frequency (power 1)")
axes.loglog(ranks, smoothed, ".-", label="noise distribution (power 0.75)")
for rank, offset in [(1, (8, -4)), (10, (0, -14)), (len(ranks), (-45, -4))]:
    axes.annotate(f'"{raw_words[rank - 1]}"', (rank, unigram[rank - 1]), textcoords="offset points", xytext=offset)
axes.set_xlabel(f"words ranked by frequency (1 = most frequent, {len(ranks)} words)")
axes.set_ylabel("probability of being drawn")
axes.set_title("The power 0.75 takes share from frequent words and gives it to rare ones")
axes.legend()
plt.show()

# %% [markdown]
# ## 5. One step of stochastic gradient descent
#
# Training visits the pairs one at a time, and this is where the network's weights learn. For a
# pair $(c, o)$ with negatives $n_1, \dots, n_K$, it reads the rows `W_center[c]`, `W_outside[o]` and
# `W_outside[n_k]`, computes the loss gradients **at those current values**, and moves each row a
# small step `lr` against its gradient: $v_c \leftarrow v_c - \mathrm{lr}\, \partial\,\text{loss} /
# \partial v_c$, and so on.
#
# Two details matter:
#
# - **Repeated rows accumulate.** If a word is drawn twice as a negative (or the context word
#   itself is drawn as a negative), its row must move by the *sum* of its gradients. NumPy's
#   `W[ids] -= g` does not do that: with a repeated id, the later write overwrites the earlier
#   one. `np.add.at(W, ids, -lr * g)` adds once per occurrence.
# - **No surprises for the caller.** `sgd_step` returns updated copies and leaves the input arrays
#   as they were (a function that silently edits its arguments is a classic source of bugs).
#
# Use your `negative_sampling_loss_and_gradients`.

# %% solution sgd_step

# %% tests sgd_step
W_center = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
W_outside = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
result = sgd_step(W_center, W_outside, 0, 1, [2, 2], lr=0.5)
assert isinstance(result, tuple) and len(result) == 2, "return a tuple (new_W_center, new_W_outside)"
new_center, new_outside = result
assert np.allclose(new_center, [[0.4034121321, -0.7310585786], [0.0, 1.0], [0.5, 0.5]]), (
    f"only row 0 of W_center moves, to [0.4034, -0.7311]; got\n{new_center}")
# word 2 was drawn twice, so its row moves twice: 1 - 0.5 * 2 * 0.7310585786 = 0.2689414214
assert np.allclose(new_outside, [[0.0, 1.0], [1.1344707107, 0.0], [0.2689414214, 1.0]]), (
    f"row 1 moves to [1.1345, 0], and row 2, drawn twice, moves twice, to [0.2689, 1]; got\n{new_outside}")
assert np.array_equal(W_center, [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]), "W_center was modified: update a copy"
assert np.array_equal(W_outside, [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), "W_outside was modified: update a copy"
loss_before = negative_sampling_loss_and_gradients(W_center[0], W_outside[1], W_outside[[2, 2]])[0]
loss_after = negative_sampling_loss_and_gradients(new_center[0], new_outside[1], new_outside[[2, 2]])[0]
assert loss_after < loss_before, (
    f"a small step against the gradient lowers the loss, from {loss_before:.4f} to {loss_after:.4f}")
print("sgd_step: sanity checks passed")

# %% [markdown]
# ## 6. Train it
#
# Everything is in place. The next cell trains skip-gram on the corpus: window 2, $K = 5$ negatives
# per pair, 16-dimensional vectors, two passes over the pairs in random order. As in word2vec,
# the center vectors start small and random and the outside vectors at zero. Negatives are drawn
# up front from your noise distribution with a seeded generator, so the run is reproducible.
# It takes a few seconds. The curve shows the average loss on a fixed sample of 500 pairs: flat for
# the first couple of thousand steps, it falls steeply once the vectors leave their random start,
# then levels off during the second epoch.

# %% figure
WINDOW, NEGATIVES, DIMENSIONS, LEARNING_RATE, EPOCHS = 2, 5, 16, 0.05, 2
training_pairs = [pair for ids in corpus_ids for pair in skipgram_pairs(ids, WINDOW)]
noise = noise_distribution(np.array([word_counts[word] for word in vocab], dtype=float))
rng = np.random.default_rng(0)
W_center = rng.normal(0.0, 0.1, size=(len(vocab), DIMENSIONS))
W_outside = np.zeros((len(vocab), DIMENSIONS))
W_center_untrained = W_center.copy()
# The loss is tracked on a fixed sample of pairs and negatives: cheaper than on every step.
monitored = [(training_pairs[i], rng.choice(len(vocab), size=NEGATIVES, p=noise))
             for i in rng.choice(len(training_pairs), size=500, replace=False)]


def monitored_loss():
    return np.mean([negative_sampling_loss_and_gradients(W_center[c], W_outside[o], W_outside[negatives])[0]
                    for (c, o), negatives in monitored])


losses = [(0, monitored_loss())]
for epoch in range(EPOCHS):
    order = rng.permutation(len(training_pairs))
    negative_draws = rng.choice(len(vocab), size=(len(training_pairs), NEGATIVES), p=noise)
    for step, pair_index in enumerate(order):
        center_id, outside_id = training_pairs[pair_index]
        W_center, W_outside = sgd_step(W_center, W_outside, center_id, outside_id,
                                       negative_draws[step], LEARNING_RATE)
        if (step + 1) % 500 == 0:
            losses.append((epoch * len(training_pairs) + step + 1, monitored_loss()))
embeddings = W_center
print(f"{len(training_pairs)} pairs per epoch; average loss {losses[0][1]:.3f} before training, "
      f"{losses[-1][1]:.3f} after {EPOCHS} epochs")
figure, axes = plt.subplots(figsize=(8, 3.5))
axes.plot(*zip(*losses), ".-")
for epoch in range(1, EPOCHS):
    axes.axvline(epoch * len(training_pairs), color="gray", linestyle=":")
axes.set_xlabel("training step (one pair each; dotted: a new epoch)")
axes.set_ylabel("average loss on 500 pairs")
axes.set_title("Training skip-gram with negative sampling")
plt.show()

# %% [markdown]
# ## 7. Similar words: nearest neighbours
#
# Similar words should now have vectors pointing in similar directions. The usual measure of their
# similarity is lesson 02's **cosine similarity**,
#
# $$\cos(x, y) = \frac{x \cdot y}{\lVert x \rVert \, \lVert y \rVert},$$
#
# from -1 (opposite) to 1 (same direction); it ignores length, which in word2vec mostly reflects how
# frequent a word is. A word's nearest neighbours in the embedding space are the words with the
# highest cosine similarity to it.
#
# Implement the helper `cosine_similarities` (one word against all, in one matrix-vector product)
# and `nearest_neighbors`: the k most similar words, most similar first, **without the query
# itself** (its similarity to itself is 1, a useless answer). Break ties by the lower id: a stable
# sort such as `np.argsort(-similarities, kind="stable")` keeps equal values in id order, while
# reversing an ascending argsort puts the higher id first.

# %% solution nearest_neighbors cosine_similarities

# %% tests nearest_neighbors
E = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
similarities = cosine_similarities(E, np.array([2.0, 0.0]))
assert np.allclose(similarities, [1.0, 0.99388373, 0.0, -1.0]), f"expected [1, 0.9939, 0, -1], got {similarities}"
neighbours = nearest_neighbors(E, 0, 2)
assert isinstance(neighbours, list) and all(type(i) is int for i in neighbours), (
    f"return a list of Python int ids, got {neighbours!r}")
assert neighbours == [1, 2], f"the 2 words most similar to word 0, itself excluded: expected [1, 2], got {neighbours}"
neighbours = nearest_neighbors(E, 3, 3)
assert neighbours == [2, 1, 0], f"most similar first: expected [2, 1, 0], got {neighbours}"
twins = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
neighbours = nearest_neighbors(twins, 1, 2)
assert neighbours == [0, 3], f"the query is excluded and ties go to the lower id: expected [0, 3], got {neighbours}"
print("nearest_neighbors: sanity checks passed")

# %% figure
def show_neighbors(matrix, words, k=4):
    for word in words:
        print(f"{word:>8}: {', '.join(vocab[i] for i in nearest_neighbors(matrix, word_to_id[word], k))}")


print("Before training (random vectors):")
show_neighbors(W_center_untrained, ["king", "cat", "apple", "red"])
print("\nAfter training:")
show_neighbors(embeddings, ["king", "queen", "woman", "cat", "apple", "red", "car"])

# %% [markdown]
# ## 8. Analogies: man is to king as woman is to ...?
#
# word2vec became famous for arithmetic on meaning: $v_{king} - v_{man} + v_{woman}$ lands near
# $v_{queen}$. The difference $v_{king} - v_{man}$ captures "royal versus ordinary"; adding it to
# "woman" should give a royal woman. `analogy(E, a, b, c)` answers "a is to b as c is to ?" with the
# words whose vectors are closest (by cosine) to $v_b - v_a + v_c$. The target vector is usually
# closest to $b$ or $c$ themselves, so $a$, $b$ and $c$ are excluded from the answers. Use the
# vectors as given, and break ties by the lower id as before.

# %% solution analogy

# %% tests analogy
# dimensions: (is a person, is royal, is female)
toy = np.array([[1.0, 0.0, 0.0],    # 0 man
                [1.0, 0.0, 1.0],    # 1 woman
                [1.0, 1.0, 0.0],    # 2 king
                [1.0, 1.0, 1.0],    # 3 queen
                [0.0, 0.2, 0.0]])   # 4 crown
answers = analogy(toy, 0, 2, 1)
assert isinstance(answers, list) and all(type(i) is int for i in answers), (
    f"return a list of Python int ids, got {answers!r}")
assert answers == [3], f"man : king = woman : queen (id 3), got {answers}"
answers = analogy(toy, 2, 3, 0, k=2)
assert answers == [1, 4], f"king : queen = man : woman (1), then crown (4), got {answers}"
answers = analogy(toy, 0, 1, 0, k=2)
assert answers == [3, 2], f"a, b and c are never answers: expected [3, 2], got {answers}"
print("analogy: sanity checks passed")

# %% figure
for a, b, c in [("man", "king", "woman"), ("boy", "girl", "prince"), ("king", "queen", "man")]:
    answers = analogy(embeddings, word_to_id[a], word_to_id[b], word_to_id[c], k=3)
    print(f"{a} : {b} = {c} : {', '.join(vocab[i] for i in answers)}")

# %% [markdown]
# ## 9. A picture of the embedding space
#
# The course pictures word embeddings as points in an embedding space, related words close
# together and unrelated words far apart. Sixteen dimensions do not fit on a page, so we project.
# **Principal component analysis** finds the two directions along which a set of vectors spread the
# most: centre the matrix, take its singular value decomposition $E - \bar{E} = U S V^\top$, and
# project onto the first two right singular vectors (the first two rows of $V^\top$). We project the
# 28 words shown, from six groups. The words of a group gather in one cloud, and groups whose words
# share neighbours in the corpus sit side by side: royals and ordinary people do ("the king said that
# he was tired", "the man said that he was tired"). The animals form two clumps, since horses and
# dogs are also ridden ("the girl rides her horse"): what counts as similar depends on the training
# data.

# %% figure
GROUPS = {
    "royals": ["king", "queen", "prince", "princess"],
    "people": ["man", "woman", "boy", "girl"],
    "animals": ["cat", "dog", "horse", "cow", "sheep"],
    "food": ["apple", "bread", "cheese", "soup", "rice"],
    "colours": ["red", "green", "blue", "yellow", "white"],
    "things": ["car", "door", "hat", "ball", "boat"],
}
shown = embeddings[[word_to_id[word] for words in GROUPS.values() for word in words]]
centered = shown - shown.mean(axis=0)
_, singular_values, right_vectors = np.linalg.svd(centered, full_matrices=False)
projected = centered @ right_vectors[:2].T
explained = singular_values[:2] ** 2 / np.sum(singular_values ** 2)
figure, axes = plt.subplots(figsize=(8, 6.5))
start = 0
for group, words in GROUPS.items():
    points = projected[start:start + len(words)]
    start += len(words)
    dots = axes.scatter(points[:, 0], points[:, 1], s=50, label=f"{group}: {', '.join(words)}")
    # the group's name, beside its outermost point, on the side away from the centre of the picture
    outwards = points.mean(axis=0) / np.linalg.norm(points.mean(axis=0))
    side = {-1: "right", 0: "center", 1: "left"}[int(np.round(outwards[0]))]
    height = {-1: "top", 0: "center", 1: "bottom"}[int(np.round(outwards[1]))]
    axes.annotate(group, points[np.argmax(points @ outwards)], textcoords="offset points", xytext=10 * outwards,
                  ha=side, va=height, fontsize=11, fontweight="bold", color=dots.get_facecolor()[0])
axes.set_xlabel(f"first principal component ({explained[0]:.0%} of the variance)")
axes.set_ylabel(f"second principal component ({explained[1]:.0%})")
axes.margins(0.15)
axes.set_title("Words as points in the embedding space (trained skip-gram vectors, PCA)")
axes.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
plt.show()

# %% [markdown]
# ## 10. From words to sentences: mean pooling
#
# The course's "types of embeddings": a tokenizer may cut a word into **subword** tokens
# ("vocalization" -> "vocal" + "ization"), and a representation model gives one vector per token.
# **Averaging** vectors (**mean pooling**) turns them into embeddings of larger pieces of text: the
# mean of a word's pieces is a **word embedding**, the mean over a sentence a **sentence embedding**,
# the mean over a whole document a **document embedding**. Averaging ignores word order, yet it is a
# strong baseline, and the same trick turns the contextualized token vectors of a Transformer into a
# sentence embedding (lesson 10 uses your `mean_pool` on a real model).
#
# Sentences of different lengths are stored as one padded batch `(B, T, d)` with a **mask**
# `(B, T)` that is True (or 1) for real tokens and False (or 0) for padding. The mean must only
# count the real tokens: divide by the number of kept tokens, not by T. A sequence with no kept
# token has no mean; return the zero vector for it rather than NaN.

# %% solution mean_pool

# %% tests mean_pool
tokens = np.array([[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]])
pooled = mean_pool(tokens)
assert np.allclose(pooled, [104 / 3, 106 / 3]), f"no mask: the mean of all 3 tokens, [34.67, 35.33], got {pooled}"
assert pooled.dtype == np.float64, f"your mean_pool returns {pooled.dtype}: the course works in float64"
pooled = mean_pool(tokens, np.array([True, True, False]))
assert np.allclose(pooled, [2.0, 3.0]), f"padding is ignored: the mean of the first 2 tokens is [2, 3], got {pooled}"
batch = np.stack([tokens, tokens])
pooled = mean_pool(batch, np.array([[1, 1, 0], [0, 0, 0]]))
assert np.shape(pooled) == (2, 2), f"a batch of 2 sequences gives 2 vectors: shape (2, 2), got {np.shape(pooled)}"
assert np.allclose(pooled, [[2.0, 3.0], [0.0, 0.0]]), f"a fully masked sequence gives zeros (not NaN), got\n{pooled}"
print("mean_pool: sanity checks passed")

# %% [markdown]
# The course's picture of mean pooling on "Her vocalization was melodic", with made-up 4-value
# token vectors: the two pieces of "vocalization" average into one word embedding, and all five
# tokens into one sentence embedding.

# %% figure
pieces = ["her", "vocal", "ization", "was", "melodic"]
piece_vectors = np.array([[0.2, -0.5, 0.9, 0.1], [0.8, 0.6, -0.2, -0.7], [0.4, 0.2, -0.6, -0.3],
                          [-0.1, -0.4, 0.3, 0.5], [0.9, 0.7, 0.1, -0.8]])
rows = np.vstack([piece_vectors, mean_pool(piece_vectors[1:3]), mean_pool(piece_vectors)])
labels = pieces + ['word embedding: "vocalization"', "sentence embedding"]
figure, axes = plt.subplots(figsize=(6, 4.2))
axes.imshow(rows, cmap="RdBu", vmin=-1, vmax=1)
for (row, column), value in np.ndenumerate(rows):
    axes.text(column, row, f"{value:.2f}", ha="center", va="center", color="white" if abs(value) > 0.6 else "black")
axes.axhline(len(pieces) - 0.5, color="black", linewidth=2)
axes.set_yticks(range(len(labels)), labels)
axes.set_xticks(range(rows.shape[1]))
axes.set_xlabel("dimension")
axes.set_ylabel("token vectors, then their averages")
axes.set_title("Types of embeddings: averaging token vectors (mean pooling)")
plt.show()

# %% [markdown]
# Now on the trained word vectors: five sentences, each turned into a sentence embedding by mean
# pooling, compared by cosine similarity.

# %% figure
example_sentences = ["the king wears a golden crown", "the queen sits on the royal throne",
                     "the dog sleeps in the barn", "the horse runs across the field",
                     "we cook rice for dinner"]
example_ids = [[word_to_id[w] for w in s.split() if w not in FREQUENT_WORDS] for s in example_sentences]
longest = max(map(len, example_ids))
padded = np.zeros((len(example_ids), longest), dtype=int)
keep = np.zeros((len(example_ids), longest), dtype=bool)
for row, ids in enumerate(example_ids):
    padded[row, :len(ids)] = ids
    keep[row, :len(ids)] = True
sentence_vectors = mean_pool(embeddings[padded], keep)
similarity = np.array([cosine_similarities(sentence_vectors, vector) for vector in sentence_vectors])
plt.figure(figsize=(9, 4))
plt.imshow(similarity, cmap="viridis", vmin=-1, vmax=1)
plt.colorbar(label="cosine similarity")
for row in range(len(example_sentences)):
    for column in range(len(example_sentences)):
        plt.text(column, row, f"{similarity[row, column]:.2f}", ha="center", va="center", fontsize=8)
plt.yticks(range(len(example_sentences)), example_sentences)
plt.xticks(range(len(example_sentences)), range(len(example_sentences)))
plt.xlabel("sentence (numbered as the rows)")
plt.ylabel("sentence")
plt.title("Sentences about similar things get similar sentence embeddings")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - word2vec is a neural network whose weights are the word vectors. Words are known by the
#   company they keep: skip-gram turns every (center, context) pair into a training example, and
#   negative sampling turns prediction over the whole vocabulary into $K + 1$ cheap "are these two
#   words neighbours?" questions.
# - The gradients are short: $\sigma(s_o) - 1$ pulls the true context closer, $\sigma(s_k)$ pushes
#   each negative away; rows used twice must get both updates.
# - After a few seconds of training, related words sit together in the embedding space: cosine
#   similarity finds them, vector arithmetic solves simple analogies, and averaging gives sentence
#   and document embeddings.
#
# These are **static embeddings**: a word gets one vector, the same whatever surrounds it. "bank"
# gets the same vector by a river and in a city. The next lessons build models whose vectors depend
# on the whole sentence, and the first thing they do with a token is still to look up its embedding
# row.
