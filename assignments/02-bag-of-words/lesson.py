# %% [markdown]
# # Lesson 02 — Bag-of-Words
#
# Raw text has no structure a computer can use directly: it cannot compare texts, but it can
# compare vectors. Much of the history of Language AI is the search for a better numeric
# **representation** of language, for tasks such as classification, search and text generation.
# The figure below is the course's **recent history of Language AI**: first came models without
# Transformers (bag-of-words, word2vec, recurrent networks), then, after the Transformer of 2017,
# **encoder-only** models that are good at turning language into numbers (BERT and its
# descendants), **decoder-only** models that are **generative** (the GPT family), and
# **encoder-decoder** models that try to combine the two (T5 and its descendants).
#
# Lessons 02 to 05 walk along it. This lesson's **bag-of-words** turns a text into a large
# **sparse vector** that only records which words appear, and how often. Word2vec (lesson 03) gives
# each word a short dense vector that carries some meaning, learned from its neighbours. Transformers
# (lesson 05) give dense vectors whose meaning depends on the whole sentence.
#
# The bag-of-words is also the first, and still a strong, baseline: forget the order of the
# words, keep how often each one occurs. Many search engines still shortlist documents this way, and
# its pieces (a tokenizer, a vocabulary, one vector per text, similarity as an angle) are the same
# pieces a Transformer starts from.
#
# In this notebook you build a tiny search engine, one function per step:
#
# 1. `tokenize_words`: text → a list of words;
# 2. `build_vocabulary`: the words of a corpus → column numbers;
# 3. `bag_of_words`: documents → a matrix of word counts;
# 4. `tf_idf`: counts → weights that favour the words that tell documents apart;
# 5. `cosine_similarity`: how close two document vectors point;
# 6. `rank_documents`: given a query, the documents from most to least similar.
#
# **How to work.** Each exercise is a function with a docstring that pins down its inputs,
# outputs and conventions. Replace `raise NotImplementedError()` with your code, then run the
# tests cell below it: those visible tests are quick sanity checks. Your grade comes from hidden
# tests that try many more inputs (`llmcourse check 02-bag-of-words.ipynb`); they check exactly
# what the docstrings say. Use Python's `re` and NumPy only.

# %%
import re

import numpy as np

# A small corpus to look at: eight one-line documents about cats, dogs, mats and cafés.
CORPUS = [
    "The cat sat on the mat.",
    "The dog sat on the log.",
    "Cats and dogs: the cat chases the dog.",
    "The café serves coffee and crème brûlée.",
    "A cat sleeps in the café.",
    "The dog barks at the cat.",
    "The mat is on the floor.",
    "Paris has a café on every street.",
]

# %% figure
import matplotlib.pyplot as plt

families = {  # model family: (colour, [(model, year it was published, label above or below)])
    "non-transformer": ("tab:gray", [("bag-of-words", 2011.5, 1), ("word2vec", 2013.1, 1),
                                      ("RNN + attention", 2014.7, -1)]),
    "encoder-only": ("tab:blue", [("BERT", 2018.8, 1), ("RoBERTa", 2019.5, -1), ("DistilBERT", 2019.8, 1)]),
    "decoder-only": ("tab:orange", [("GPT-1", 2018.45, 1), ("GPT-2", 2019.15, -1), ("GPT-3", 2020.4, 1),
                                    ("ChatGPT", 2022.9, -1)]),
    "encoder-decoder": ("tab:green", [("T5", 2019.8, 1), ("Switch", 2021.05, -1), ("Flan-T5", 2022.8, 1)]),
}
figure, axes = plt.subplots(figsize=(10, 3.8))
for row, (family, (color, models)) in enumerate(families.items()):
    row = len(families) - 1 - row
    axes.axhline(row, color=color, alpha=0.25, linewidth=6)
    for model, year, side in models:
        axes.plot(year, row, "o", color=color, markersize=9)
        axes.text(year, row + 0.28 * side, model, ha="center", va="center", fontsize=9)
axes.axvline(2017.45, color="black", linestyle="--", linewidth=1)
axes.text(2017.5, len(families) - 0.45, " the Transformer (2017):\n Attention Is All You Need", fontsize=9, va="center")
axes.set_yticks(range(len(families)), list(families)[::-1])
years = [2013, 2015, 2017, 2019, 2021, 2023]
axes.set_xticks([2011.5, *years], ["earlier", *map(str, years)])
axes.set(xlim=(2010.7, 2023.6), ylim=(-0.6, len(families) - 0.1), xlabel="year published", ylabel="model family",
         title="A recent history of Language AI")
plt.show()

# %% [markdown]
# ## 1. Text becomes words
#
# The first step, **tokenization**, cuts a text into **tokens**. Here a token is a word, and two
# decisions define what a word is:
#
# - **Case does not matter**: "The" at the start of a sentence is the same word as "the". So
#   lowercase the whole text first.
# - **A word is a run of word characters**: the regular expression `\b\w+\b` matches maximal runs
#   of letters, digits and underscores. Everything else (spaces, punctuation, apostrophes,
#   hyphens) separates words, so `"Don't"` gives `don` and `t`. In Python 3, `\w` knows every
#   script: `é`, `ß` and `ω` are letters, so `"CAFÉ"` becomes `café`, not `caf`.
#
# Why not `text.split()`? It splits on spaces only, so `"mat."` and `"mat"` would be different
# words. `re.findall(pattern, text)` returns every match of the pattern, in order.
#
# Lesson 06 replaces words with sub-word tokens, so that a model never meets an unknown word. For
# counting words, whole words are what we want.

# %% solution tokenize_words

# %% tests tokenize_words
words = tokenize_words("Don't panic, CAFÉ! The café opens at 9_30.")
assert isinstance(words, list), f"return a list of words, got {type(words).__name__}"
expected = ["don", "t", "panic", "café", "the", "café", "opens", "at", "9_30"]
assert words == expected, f"expected {expected}, got {words}"
words = tokenize_words("Ωmega-Über")
assert words == ["ωmega", "über"], (
    f"\\w is Unicode aware (ω and ü are letters): expected ['ωmega', 'über'], got {words}")
assert tokenize_words(" ... !") == [], "a text with no word characters has no tokens: expected []"
print("tokenize_words: sanity checks passed")

# %% [markdown]
# ## 2. A vocabulary: one column per word
#
# To make vectors, every distinct word of the corpus needs a fixed position, its **index**. The
# **vocabulary** is a dict from word to index: the set of unique tokens across all the documents.
# Any numbering would do, as long as everybody uses the same one; we pin one down so that the same
# corpus always gives the same columns: **sort the distinct words** (Python's own string order, as
# `sorted` gives) and number them from 0. The **vocabulary size** $V$ is the number of distinct
# words, and it fixes the length of every vector to come.

# %% solution build_vocabulary

# %% tests build_vocabulary
vocabulary = build_vocabulary(["The cat sat.", "the dog sat"])
assert isinstance(vocabulary, dict), f"return a dict word -> index, got {type(vocabulary).__name__}"
assert vocabulary == {"cat": 0, "dog": 1, "sat": 2, "the": 3}, (
    "the sorted distinct words, numbered from 0: expected {'cat': 0, 'dog': 1, 'sat': 2, 'the': 3}, "
    f"got {vocabulary}")
assert build_vocabulary([]) == {}, "an empty corpus has an empty vocabulary: expected {}"
corpus_vocabulary = build_vocabulary(CORPUS)
indices = sorted(corpus_vocabulary.values())
assert indices == list(range(len(corpus_vocabulary))), f"the indices are 0 .. V-1, each once, got {indices}"
print(f"build_vocabulary: sanity checks passed (the corpus has V = {len(corpus_vocabulary)} words)")

# %% [markdown]
# ## 3. The bag of words: a count vector per document
#
# Now each **document** becomes a **count vector**, a row of $V$ numbers: entry `[i, vocabulary[w]]`
# counts how often the word `w` occurs in document `i`. Stacked, the rows form the **document-term
# matrix**, of shape `(n_docs, V)`, made of integers. A document uses few of the vocabulary's words,
# so its row is mostly zeros: a **sparse vector**. With a real vocabulary of 50,000 words, a
# sentence's vector has 50,000 entries and a dozen of them are not zero.
#
# The name says what is lost: the words are thrown in a bag, so their order is gone. "dog bites
# man" and "man bites dog" get the same vector. What is kept is often enough to tell what a
# document is *about*.
#
# A vocabulary is built once, from a collection of documents; new text (a search query, say) may
# contain words it does not have. Such **out-of-vocabulary** words have no column: ignore them.

# %% solution bag_of_words

# %% tests bag_of_words
vocabulary = {"cat": 0, "dog": 1, "sat": 2, "the": 3}
counts = bag_of_words(["The cat sat.", "the dog sat", "The cat saw the bird!"], vocabulary)
assert isinstance(counts, np.ndarray) and counts.shape == (3, 4), (
    f"3 documents, 4 words: a (3, 4) array, got {counts!r}")
assert counts.dtype.kind == "i", f"your bag_of_words returns {counts.dtype}: counts are an int array"
# "saw" and "bird" are not in the vocabulary: they are ignored
assert np.array_equal(counts, [[1, 0, 1, 1], [0, 1, 1, 1], [1, 0, 0, 2]]), (
    f"expected [[1, 0, 1, 1], [0, 1, 1, 1], [1, 0, 0, 2]], got\n{counts}")
print("bag_of_words: sanity checks passed")

# %% [markdown]
# The course's picture of "language as a bag-of-words": two short sentences are tokenized, the
# union of their tokens is the vocabulary, and each sentence becomes one row of counts under the
# vocabulary's columns. Shuffle the words of a sentence and its row does not change.

# %% figure
sentences = ["That is a cute dog", "My cat is cute"]
for sentence in sentences:
    print(f"{sentence!r:22} -> tokens {tokenize_words(sentence)}")
toy_vocabulary = build_vocabulary(sentences)
toy_words = sorted(toy_vocabulary, key=toy_vocabulary.get)
toy_counts = bag_of_words(sentences, toy_vocabulary)
figure, axes = plt.subplots(figsize=(8, 2.2))
axes.imshow(toy_counts, cmap="Blues", vmin=0, vmax=2)
for (row, column), count in np.ndenumerate(toy_counts):
    axes.text(column, row, count, ha="center", va="center", fontsize=12)
axes.set_xticks(range(len(toy_words)), toy_words)
axes.set_yticks(range(len(sentences)), sentences)
axes.set_xlabel(f"vocabulary: the sorted union of the tokens (vocabulary size {len(toy_words)})")
axes.set_ylabel("sentence")
axes.set_title("Language as a bag-of-words: one count vector per sentence")
plt.show()

# %% [markdown]
# ## 4. tf-idf: not every word is worth the same
#
# Look at the counts of our corpus in the figure below: the largest number in most rows is
# "the". Counts over-weight the **common words**, and a word that occurs in every document says
# nothing about what any of them is about. A word that occurs in few documents ("brûlée", "log")
# tells them apart.
#
# **tf-idf** (term frequency × inverse document frequency) scales each column by how rare its
# word is. With $n$ documents, let $\mathrm{df}_j$ be the number of documents that contain word $j$
# (how many rows have a count above 0 in column $j$, not the total count). scikit-learn's default,
# which we follow exactly, is
#
# $$\mathrm{idf}_j = \ln\frac{1 + n}{1 + \mathrm{df}_j} + 1, \qquad
# w_{ij} = \mathrm{counts}_{ij} \cdot \mathrm{idf}_j .$$
#
# - The **+1 inside** the fraction acts as if one extra document contained every word once: no
#   division by zero when a word is in no document ($\mathrm{df} = 0$).
# - The **+1 outside** keeps words that occur in every document in the game, at the lowest weight
#   1, instead of deleting them.
#
# Finally each row is divided by its Euclidean (L2) length $\sqrt{\sum_j w_{ij}^2}$, so that a long
# document does not win just by having more words: every row gets length 1. A document with no
# words at all has an all-zero row, of length 0: leave it at zero (dividing would give NaN).
#
# **Worked example** (from scikit-learn's documentation): 6 documents, 3 words, the first row is
# `[3, 0, 1]`. Word 0 is in all 6 documents: $\mathrm{idf}_0 = \ln(7/7) + 1 = 1$. Word 2 is in 2:
# $\mathrm{idf}_2 = \ln(7/3) + 1 = 1.8473$. The first row weighs $[3, 0, 1.8473]$, of length
# $3.5231$, and becomes $[0.8515, 0, 0.5243]$.

# %% solution tf_idf

# %% tests tf_idf
counts = np.array([[3, 0, 1], [2, 0, 0], [3, 0, 0], [4, 0, 0], [3, 2, 0], [3, 0, 2]])
weights = tf_idf(counts)
assert isinstance(weights, np.ndarray) and weights.shape == (6, 3), (
    f"6 documents, 3 words: a (6, 3) array, got {weights!r}")
assert weights.dtype == np.float64, f"your tf_idf returns {weights.dtype}: the course works in float64"
# scikit-learn's documented result for the first row (the worked example above)
assert np.allclose(weights[0], [0.85151335, 0.0, 0.52433293]), f"row 0 should be [0.8515, 0, 0.5243], got {weights[0]}"
assert np.allclose(weights[4], [0.55422893, 0.83236428, 0.0]), f"row 4 should be [0.5542, 0.8324, 0], got {weights[4]}"
lengths = np.linalg.norm(weights, axis=1)
assert np.allclose(lengths, 1.0), f"every row has L2 length 1 after normalising, got lengths {lengths}"
zero_row = tf_idf(np.array([[0, 0], [1, 2]]))[0]
assert np.array_equal(zero_row, [0.0, 0.0]), f"an all-zero row stays [0, 0] (not NaN), got {zero_row}"
print("tf_idf: sanity checks passed")

# %% [markdown]
# The corpus as counts and as tf-idf weights (one row per document, one column per word). Most of
# both matrices is white: each document is a sparse vector. In the counts, "the" is the largest
# entry of most rows, twice any other word. It is in 7 of the 8
# documents, so its idf is the lowest, $\ln(9/8) + 1 = 1.12$, while a word of a single document
# gets $\ln(9/2) + 1 = 2.50$: after tf-idf, "the", counted twice, weighs about as much as a
# single rare word such as "log" or "floor", where in the counts it weighed twice as much, and the
# words that say what a document is about ("barks", "sleeps", "coffee") stand out.

# %% figure
corpus_vocabulary = build_vocabulary(CORPUS)
corpus_words = sorted(corpus_vocabulary, key=corpus_vocabulary.get)
corpus_counts = bag_of_words(CORPUS, corpus_vocabulary)
zeros = np.mean(corpus_counts == 0)
figure, axes = plt.subplots(2, 1, figsize=(12, 7), sharex=True)
for ax, matrix, title in zip(axes, (corpus_counts, tf_idf(corpus_counts)), ("word counts", "tf-idf weights")):
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    ax.set_yticks(range(len(CORPUS)), CORPUS, fontsize=9)
    ax.set_ylabel("document")
    ax.set_title(title)
    figure.colorbar(image, ax=ax, label=title)
axes[-1].set_xticks(range(len(corpus_words)), corpus_words, rotation=90)
axes[-1].set_xlabel(f"vocabulary ({len(corpus_words)} words)")
figure.suptitle(f"The corpus as bags of words: {zeros:.0%} of the counts are 0 (sparse vectors)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Documents as vectors: cosine similarity
#
# Each row is now a point (an arrow) in a $V$-dimensional space. Two documents that use the same
# words in the same proportions point in the **same direction**, whatever their length; documents
# with no word in common are at right angles. So measure the angle, through its cosine:
#
# $$\cos(a, b) = \frac{a \cdot b}{\lVert a \rVert \, \lVert b \rVert}$$
#
# It is 1 for the same direction, 0 for no shared word, and (for vectors with negative entries,
# which counts never have) -1 for opposite directions. A document repeated twice has twice the
# counts but the same cosine with everything. The dot product alone would grow with length, which
# is why we divide.
#
# An all-zero vector (a query whose words are all unknown) has no direction: the formula divides
# 0 by 0. We define its similarity to anything as 0.0, "nothing in common", so it never
# produces NaN. (Rows of `tf_idf` already have length 1, so there the cosine is just the dot
# product; `cosine_similarity` works for any vectors.)

# %% solution cosine_similarity

# %% tests cosine_similarity
similarity = cosine_similarity(np.array([1.0, 0.0]), np.array([1.0, 1.0]))
assert isinstance(similarity, float), f"return a float (float(...)), got {type(similarity).__name__}"
assert np.isclose(similarity, 1 / np.sqrt(2)), f"[1, 0] and [1, 1] are 45 degrees apart: cos = 0.7071, got {similarity}"
similarity = cosine_similarity(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
assert np.isclose(similarity, 1.0), f"same direction, twice as long: cos = 1, got {similarity}"
similarity = cosine_similarity(np.array([1.0, 0.0]), np.array([0.0, 3.0]))
assert np.isclose(similarity, 0.0), f"no word in common (right angle): cos = 0, got {similarity}"
similarity = cosine_similarity(np.zeros(3), np.array([1.0, 2.0, 3.0]))
assert similarity == 0.0, f"an all-zero vector has similarity 0.0 (not NaN), got {similarity}"
print("cosine_similarity: sanity checks passed")

# %% [markdown]
# ## 6. Retrieval: ranking documents for a query
#
# A search engine built on these pieces: turn the query into a vector with the **same
# vocabulary**, then sort the documents by their cosine similarity to it, most similar first.
# `np.argsort` sorts in increasing order, so sort the negated similarities. When two documents are
# equally similar (the same text twice, or two documents sharing no word with the query) the
# lower index comes first. `np.argsort`'s default algorithm does not promise to keep equal items
# in their order (on many machines it does not); `kind="stable"` does.
#
# Return all the indices, including documents with similarity 0: the caller decides how many to
# show.

# %% solution rank_documents

# %% tests rank_documents
query = np.array([1.0, 0.0])
documents = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [2.0, 2.0], [3.0, 0.0]])
order = rank_documents(query, documents)
assert isinstance(order, np.ndarray) and order.dtype.kind == "i", f"return an int NumPy array, got {order!r}"
# doc 4 points along the query; docs 1 and 3 point the same way (a tie: lower index first);
# docs 0 and 2 share nothing with the query (similarity 0, another tie).
assert list(order) == [4, 1, 3, 0, 2], f"expected [4, 1, 3, 0, 2] (ties: lower index first), got {list(order)}"
order = rank_documents(np.zeros(2), documents)
assert list(order) == [0, 1, 2, 3, 4], (
    f"an all-zero query ties every document: expected [0, 1, 2, 3, 4], got {list(order)}")
print("rank_documents: sanity checks passed")

# %% [markdown]
# The search engine at work. The query is weighted together with the documents (`tf_idf` of the
# corpus plus the query as one more row), so that it shares their idf; the bars show each
# document's cosine similarity to the query, in ranked order. "The mat is on the floor" comes
# second without any cat, and "The dog sat on the log" beats "The dog barks at the cat": shared
# small words count, and "Cats" is not "cat". A bag of words knows spellings, not meanings.

# %% figure
query_text = "cat on the mat"
weights = tf_idf(bag_of_words(CORPUS + [query_text], corpus_vocabulary))
query_vector, document_vectors = weights[-1], weights[:-1]
ranking = rank_documents(query_vector, document_vectors)
scores = [cosine_similarity(query_vector, document_vectors[i]) for i in ranking]
figure, axes = plt.subplots(figsize=(9, 3.5))
axes.barh([CORPUS[i] for i in ranking][::-1], scores[::-1], color="tab:blue")
axes.set_xlabel(f"cosine similarity to {query_text!r}")
axes.set_ylabel("document, best first")
axes.set_title(f"Searching the corpus for {query_text!r}")
axes.set_xlim(0, 1)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What you built
#
# Text → words → a vocabulary → count vectors → tf-idf weights → cosine similarity → a ranking:
# a complete, classic search engine. It has two blind spots. Word **order** is gone, and
# **semantic meaning** is missing: the bag-of-words treats language as a literal bag of words.
# "cat" and "cats", or "car" and "automobile", are different columns, so documents that share no
# spelling have similarity 0 however related they are. Every word is its own axis, at right angles
# to every other word, and each document is a long, sparse count vector.
#
# The next lesson fixes the second blind spot: **word embeddings** (word2vec) give each word a
# short, dense vector learned from the words around it, so that related words point in similar
# directions, and the cosine similarity you wrote here becomes a measure of meaning. On the timeline
# at the top, that is the step from bag-of-words to word2vec.
