# %% [markdown]
# # Lesson 03 — Word embeddings: word2vec, skip-gram with negative sampling
#
# In the bag-of-words lesson every word was its own axis: "cat" and "dog" were as unrelated as
# "cat" and "democracy". A language model needs to know that some words behave alike. **Word
# embeddings** give each word a short dense vector (here 16 numbers instead of one axis per word)
# such that words used in similar ways get similar vectors.
#
# Where do those vectors come from? From the **distributional hypothesis**: *you shall know a word
# by the company it keeps* (J. R. Firth, 1957). "cat" and "dog" both turn up next to "sleeps",
# "runs" and "hungry"; "apple" and "bread" next to "tastes" and "eats". word2vec (Mikolov et al.,
# 2013) turns that observation into a training task: from a word, predict the words around it. The
# vectors that are good at this prediction are the embeddings.
#
# You will implement the pieces of **skip-gram with negative sampling** (SGNS), train it on a small
# corpus in a few seconds, and look at what it learned: nearest neighbours, analogies such as
# *man : king = woman : ?*, and sentence vectors made by averaging word vectors.
#
# Conventions: an embedding matrix is `(V, d)`, row `i` is the vector of word id `i`; everything is
# NumPy float64.

# %%
import numpy as np

# %% [markdown]
# ## 1. Training pairs: a word and the company it keeps
#
# Skip-gram slides a window over the text. Each position in turn is the **center** word; every word
# at most `window` positions to its left or right is a **context** (or *outside*) word, and each
# (center, context) pair is one training example: "given the center, the context word is likely".
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
assert skipgram_pairs([5, 6, 7], 1) == [(5, 6), (6, 5), (6, 7), (7, 6)]
pairs = skipgram_pairs([1, 2, 3, 4], 2)
assert pairs[:3] == [(1, 2), (1, 3), (2, 1)], pairs[:3]
assert len(pairs) == 10, "4 positions, each sees up to 2 words on each side: 2 + 3 + 3 + 2"
assert skipgram_pairs([4, 4], 3) == [(4, 4), (4, 4)], "same word at two positions: two pairs"
assert skipgram_pairs([9], 2) == []
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
# Each word has two vectors: `v_w` when it is the center and `u_w` when it is a context word (two
# matrices `W_center` and `W_outside`, both `(V, d)`). The model scores a pair by the dot product
# `u_o · v_c` and turns the score into the probability "o really occurs near c" with the logistic
# **sigmoid** σ(x) = 1 / (1 + e^(-x)).
#
# Written literally, `1 / (1 + np.exp(-x))` computes `exp(1000)` for x = -1000: it overflows to
# infinity (with a RuntimeWarning) and only lands on 0 by luck; the grader counts an overflow as a
# mistake. Other rewrites lose precision instead: `0.5 * (1 + np.tanh(x / 2))` gives 0 for
# σ(-40) ≈ 4.2e-18, and we are about to take `log σ(x)`, where that 0 becomes -inf. A tiny σ(x)
# must come out tiny *and of the right size*. The fix uses `exp(-|x|)`, which is always in (0, 1]:
#
# - for x ≥ 0: σ(x) = 1 / (1 + e^(-x)), and e^(-x) = e^(-|x|);
# - for x < 0: multiply top and bottom by e^x: σ(x) = e^x / (1 + e^x), and e^x = e^(-|x|).

# %% solution sigmoid

# %% tests sigmoid
assert np.isclose(sigmoid(0.0), 0.5)
assert np.isclose(sigmoid(1.0), 0.7310585786300049)
assert np.allclose(sigmoid(np.array([[-1.0, 2.0]])), [[0.2689414213699951, 0.8807970779778823]])
assert sigmoid(np.zeros((2, 3))).shape == (2, 3)
with np.errstate(over="raise"):  # an overflow inside sigmoid would raise here
    extremes = sigmoid(np.array([-1000.0, 1000.0]))
assert np.array_equal(extremes, [0.0, 1.0]), extremes
assert np.isclose(sigmoid(-40.0), 4.248354255291589e-18, rtol=1e-9, atol=0), "sigmoid(-40) must not be 0"
print("sigmoid: sanity checks passed")

# %% [markdown]
# ## 3. Negative sampling: the loss and its gradients
#
# Predicting the context word with a softmax over the whole vocabulary costs O(V) per pair.
# **Negative sampling** replaces it with a handful of yes/no questions: "is o a real context of c?"
# (yes) and, for K words u_1..u_K drawn at random from a noise distribution, "is u_k a real
# context of c?" (presumably no). With the scores s_o = u_o · v_c and s_k = u_k · v_c:
#
# loss = -log σ(s_o) - Σ_k log σ(-s_k)
#
# Minimising it pushes s_o up (the true pair gets a high probability) and every s_k down (note
# the minus: σ(-s_k) = 1 - σ(s_k) is the probability of "no").
#
# **Gradients.** Since σ'(x) = σ(x)(1 - σ(x)), the derivative of -log σ(s) with respect to s is
# σ(s) - 1, and that of -log σ(-s) is σ(s). The chain rule through s = u · v then gives
#
# - ∂loss/∂v_c = (σ(s_o) - 1) u_o + Σ_k σ(s_k) u_k
# - ∂loss/∂u_o = (σ(s_o) - 1) v_c
# - ∂loss/∂u_k = σ(s_k) v_c  (one row per negative)
#
# Read the signs: gradient *descent* moves u_o towards v_c (since σ(s_o) - 1 < 0) and every u_k
# away from it. The negatives arrive as a `(K, d)` matrix, one row per draw; the same word can be
# drawn twice, and then it is simply two rows: it counts twice in the loss and in ∂loss/∂v_c.
#
# Implement `negative_sampling_loss_and_gradients`. Compute -log σ(s) as `np.logaddexp(0, -s)`
# (= log(1 + e^(-s)), safe for any s), and the gradients with your `sigmoid`. The visible test
# also checks your gradients against **central differences**, (f(x + h) - f(x - h)) / 2h: the
# standard way to catch a wrong sign or a missing term in a hand-derived gradient.

# %% solution negative_sampling_loss_and_gradients

# %% tests negative_sampling_loss_and_gradients
v_c, u_o, u_neg = np.array([1.0, 0.0]), np.array([1.0, 1.0]), np.array([[0.0, 1.0], [-1.0, 0.0]])
loss, grad_center, grad_outside, grad_negatives = negative_sampling_loss_and_gradients(v_c, u_o, u_neg)
# s_o = 1, s_1 = 0, s_2 = -1: loss = -log σ(1) - log σ(0) - log σ(1)
assert np.isclose(loss, 1.319670555596391), loss
assert np.allclose(grad_center, [-0.5378828427399902, 0.2310585786300049]), grad_center
assert np.allclose(grad_outside, [-0.2689414213699951, 0.0]), grad_outside
assert grad_negatives.shape == (2, 2), "one gradient row per negative"
assert np.allclose(grad_negatives, [[0.5, 0.0], [0.2689414213699951, 0.0]]), grad_negatives


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
    lambda v: negative_sampling_loss_and_gradients(v, u_o, u_neg)[0], v_c), atol=1e-6)
assert np.allclose(grad_outside, numerical_gradient(
    lambda u: negative_sampling_loss_and_gradients(v_c, u, u_neg)[0], u_o), atol=1e-6)
assert np.allclose(grad_negatives, numerical_gradient(
    lambda n: negative_sampling_loss_and_gradients(v_c, u_o, n)[0], u_neg), atol=1e-6)
print("negative_sampling_loss_and_gradients: sanity checks passed")

# %% [markdown]
# ## 4. Which words make good negatives?
#
# Negatives are drawn from a **noise distribution** over the vocabulary. Drawing them uniformly
# would mostly ask about rare words the model hardly ever meets; drawing them by raw frequency
# would ask about "the" all the time. word2vec takes the middle road: the unigram counts raised to
# the power 3/4, then normalised,
#
# P(w) = count(w)^0.75 / Σ_v count(v)^0.75,
#
# which flattens the distribution a little: frequent words lose some share to rare ones.

# %% solution noise_distribution

# %% tests noise_distribution
assert np.allclose(noise_distribution(np.array([1, 0, 16]), power=0.5), [0.2, 0.0, 0.8])
p = noise_distribution(np.array([10.0, 100.0, 1000.0]))
assert p.shape == (3,) and np.isclose(p.sum(), 1.0)
assert np.allclose(p, np.array([10.0, 100.0, 1000.0]) ** 0.75 / np.sum(np.array([10.0, 100.0, 1000.0]) ** 0.75))
print("noise_distribution: sanity checks passed")

# %% figure
import matplotlib.pyplot as plt

# The raw text, frequent words included, shows the flattening best.
raw_counts = Counter(corpus_path.read_text(encoding="utf-8").split())
top_words = [word for word, _ in raw_counts.most_common(30)]
top_counts = np.array([raw_counts[word] for word in top_words], dtype=float)
all_counts = np.array(list(raw_counts.values()), dtype=float)
unigram = top_counts / all_counts.sum()
smoothed = top_counts ** 0.75 / np.sum(all_counts ** 0.75)  # noise_distribution, shown for the top 30
plt.figure(figsize=(10, 3.5))
plt.semilogy(unigram, "o-", label="unigram frequency")
plt.semilogy(smoothed, "o-", label="unigram ** 0.75, normalised")
plt.xticks(range(len(top_words)), top_words, rotation=90)
plt.ylabel("probability of being drawn")
plt.title("Raising counts to the power 0.75 takes share from frequent words and gives it to rare ones")
plt.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. One step of stochastic gradient descent
#
# Training visits the pairs one at a time. For a pair (c, o) with negatives n_1..n_K, it reads the
# rows `W_center[c]`, `W_outside[o]` and `W_outside[n_k]`, computes the loss gradients **at those
# current values**, and moves each row a small step `lr` against its gradient.
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
new_center, new_outside = sgd_step(W_center, W_outside, 0, 1, [2, 2], lr=0.5)
assert np.allclose(new_center, [[0.4034121321, -0.7310585786], [0.0, 1.0], [0.5, 0.5]]), new_center
# word 2 was drawn twice, so its row moves twice: 1 - 0.5 * 2 * 0.7310585786 = 0.2689414214
assert np.allclose(new_outside, [[0.0, 1.0], [1.1344707107, 0.0], [0.2689414214, 1.0]]), new_outside
assert np.array_equal(W_center, [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]), "W_center was modified"
assert np.array_equal(W_outside, [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), "W_outside was modified"
loss_before = negative_sampling_loss_and_gradients(W_center[0], W_outside[1], W_outside[[2, 2]])[0]
loss_after = negative_sampling_loss_and_gradients(new_center[0], new_outside[1], new_outside[[2, 2]])[0]
assert loss_after < loss_before, "a small step against the gradient lowers the loss"
print("sgd_step: sanity checks passed")

# %% [markdown]
# ## 6. Train it
#
# Everything is in place. The next cell trains skip-gram on the corpus: window 2, K = 5 negatives
# per pair, 16-dimensional vectors, two passes over the pairs in random order. As in word2vec,
# the center vectors start small and random and the outside vectors at zero. Negatives are drawn
# up front from your noise distribution with a seeded generator, so the run is reproducible.
# It takes a few seconds; the average loss should fall.

# %% figure
import time

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


print(f"{len(training_pairs)} pairs per epoch; average loss before training {monitored_loss():.3f}")
start = time.perf_counter()
for epoch in range(EPOCHS):
    order = rng.permutation(len(training_pairs))
    negative_draws = rng.choice(len(vocab), size=(len(training_pairs), NEGATIVES), p=noise)
    for step, pair_index in enumerate(order):
        center_id, outside_id = training_pairs[pair_index]
        W_center, W_outside = sgd_step(W_center, W_outside, center_id, outside_id,
                                       negative_draws[step], LEARNING_RATE)
    print(f"epoch {epoch + 1}: average loss {monitored_loss():.3f} ({time.perf_counter() - start:.1f} s)")
embeddings = W_center

# %% [markdown]
# ## 7. Similar words: nearest neighbours
#
# Similar words should now have vectors pointing in similar directions. The usual measure is the
# **cosine similarity** cos(x, y) = x · y / (‖x‖ ‖y‖), from -1 (opposite) to 1 (same direction);
# it ignores length, which in word2vec mostly reflects how frequent a word is.
#
# Implement the helper `cosine_similarities` (one word against all, in one matrix-vector product)
# and `nearest_neighbors`: the k most similar words, most similar first, **without the query
# itself** (its similarity to itself is 1, a useless answer). Break ties by the lower id: a stable
# sort such as `np.argsort(-similarities, kind="stable")` keeps equal values in id order, while
# reversing an ascending argsort puts the higher id first.

# %% solution nearest_neighbors cosine_similarities

# %% tests nearest_neighbors
E = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
assert np.allclose(cosine_similarities(E, np.array([2.0, 0.0])), [1.0, 0.99388373, 0.0, -1.0])
assert list(nearest_neighbors(E, 0, 2)) == [1, 2]
assert list(nearest_neighbors(E, 3, 3)) == [2, 1, 0]
twins = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
assert list(nearest_neighbors(twins, 1, 2)) == [0, 3], "the query is excluded, ties go to the lower id"
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
# word2vec became famous for arithmetic on meaning: v_king - v_man + v_woman lands near v_queen.
# The difference v_king - v_man captures "royal versus ordinary"; adding it to "woman" should give
# a royal woman. `analogy(E, a, b, c)` answers "a is to b as c is to ?" with the words whose
# vectors are closest (by cosine) to v_b - v_a + v_c. The target vector is usually closest to b
# or c themselves, so a, b and c are excluded from the answers. Use the vectors as given, and break
# ties by the lower id as before.

# %% solution analogy

# %% tests analogy
# dimensions: (is a person, is royal, is female)
toy = np.array([[1.0, 0.0, 0.0],    # 0 man
                [1.0, 0.0, 1.0],    # 1 woman
                [1.0, 1.0, 0.0],    # 2 king
                [1.0, 1.0, 1.0],    # 3 queen
                [0.0, 0.2, 0.0]])   # 4 crown
assert list(analogy(toy, 0, 2, 1)) == [3], "man : king = woman : queen"
assert list(analogy(toy, 2, 3, 0, k=2)) == [1, 4], "king : queen = man : woman, then crown"
assert list(analogy(toy, 0, 1, 0, k=2)) == [3, 2], "a, b and c are never answers"
print("analogy: sanity checks passed")

# %% figure
for a, b, c in [("man", "king", "woman"), ("boy", "girl", "prince"), ("king", "queen", "man")]:
    answers = analogy(embeddings, word_to_id[a], word_to_id[b], word_to_id[c], k=3)
    print(f"{a} : {b} = {c} : {', '.join(vocab[i] for i in answers)}")

# %% [markdown]
# ## 9. A picture of the embedding space
#
# Sixteen dimensions do not fit on a page. **Principal component analysis** finds the two
# directions along which the vectors spread the most: centre the matrix, take its singular value
# decomposition E - mean = U S Vᵀ, and project onto the first two right singular vectors. Words of
# one group should form one cloud.

# %% figure
GROUPS = {
    "royals": ["king", "queen", "prince", "princess"],
    "people": ["man", "woman", "boy", "girl"],
    "animals": ["cat", "dog", "horse", "cow", "sheep"],
    "food": ["apple", "bread", "cheese", "soup", "rice"],
    "colours": ["red", "green", "blue", "yellow", "white"],
    "things": ["car", "door", "hat", "ball", "boat"],
}
centered = embeddings - embeddings.mean(axis=0)
_, singular_values, right_vectors = np.linalg.svd(centered, full_matrices=False)
projected = centered @ right_vectors[:2].T
explained = singular_values[:2] ** 2 / np.sum(singular_values ** 2)
plt.figure(figsize=(7, 6))
for group, words in GROUPS.items():
    points = projected[[word_to_id[word] for word in words]]
    plt.scatter(points[:, 0], points[:, 1], label=group)
    for word, (x, y) in zip(words, points):
        plt.annotate(word, (x, y), textcoords="offset points", xytext=(3, 3), fontsize=8)
plt.xlabel(f"first principal component ({explained[0]:.0%} of the variance)")
plt.ylabel(f"second principal component ({explained[1]:.0%})")
plt.title("Trained skip-gram vectors, projected to 2-D with PCA")
plt.legend()
plt.show()

# %% [markdown]
# ## 10. From words to sentences: mean pooling
#
# The simplest vector for a whole sentence is the **mean of its word vectors**. It ignores word
# order, yet it is a strong baseline, and the same trick turns the contextual token vectors of a
# transformer into a sentence embedding (lesson 10 uses your `mean_pool` on a real model).
#
# Sentences of different lengths are stored as one padded batch `(B, T, d)` with a **mask**
# `(B, T)` that is True (or 1) for real tokens and False (or 0) for padding. The mean must only
# count the real tokens: divide by the number of kept tokens, not by T. A sequence with no kept
# token has no mean; return the zero vector for it rather than NaN.

# %% solution mean_pool

# %% tests mean_pool
tokens = np.array([[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]])
assert np.allclose(mean_pool(tokens), [104 / 3, 106 / 3])
assert np.allclose(mean_pool(tokens, np.array([True, True, False])), [2.0, 3.0]), "padding is ignored"
batch = np.stack([tokens, tokens])
pooled = mean_pool(batch, np.array([[1, 1, 0], [0, 0, 0]]))
assert pooled.shape == (2, 2)
assert np.allclose(pooled, [[2.0, 3.0], [0.0, 0.0]]), "a fully masked sequence gives zeros"
print("mean_pool: sanity checks passed")

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
plt.title("Sentences about similar things get similar mean vectors")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - Words are known by the company they keep: skip-gram turns every (center, context) pair into a
#   training example, and negative sampling turns prediction over the whole vocabulary into K + 1
#   cheap yes/no questions.
# - The gradients are short: (σ(s) - 1) pulls the true context closer, σ(s_k) pushes each negative
#   away; rows used twice must get both updates.
# - After a few seconds of training, cosine similarity finds related words, vector arithmetic
#   solves simple analogies, and averaging gives sentence vectors.
#
# One vector per word is also the limit of this approach: "bank" gets the same vector by a river and
# in a city. The next lessons build models whose vectors depend on the whole sentence, and the first
# thing they do with a token is still to look up its embedding row.
