# %% [markdown]
# # Lesson 02 — Bag-of-Words
#
# A computer cannot compare texts; it can compare vectors. Before neural networks, the standard
# way to turn a document into a vector was the **bag of words**: forget the order of the words,
# keep how often each one occurs. It is still how many search engines shortlist documents, and
# its pieces (a tokenizer, a vocabulary, one vector per text, similarity as an angle) are the
# same pieces a Transformer starts from.
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

# %% [markdown]
# ## 1. Text becomes words
#
# The first step cuts a text into **tokens**. Here a token is a word, and two decisions define
# what a word is:
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
assert words == ["don", "t", "panic", "café", "the", "café", "opens", "at", "9_30"], words
assert tokenize_words("Ωmega-Über") == ["ωmega", "über"], "\\w is Unicode aware: ω and ü are letters"
assert tokenize_words(" ... !") == [], "no words, no tokens"
print("tokenize_words: sanity checks passed")

# %% [markdown]
# ## 2. A vocabulary: one column per word
#
# To make vectors, every distinct word of the corpus needs a fixed position, its **index**. The
# **vocabulary** is a dict from word to index. Any numbering would do, as long as everybody uses
# the same one; we pin one down so that the same corpus always gives the same columns: **sort the
# distinct words** (Python's own string order, as `sorted` gives) and number them from 0. The
# vocabulary size $V$ is the number of distinct words.

# %% solution build_vocabulary

# %% tests build_vocabulary
vocabulary = build_vocabulary(["The cat sat.", "the dog sat"])
assert vocabulary == {"cat": 0, "dog": 1, "sat": 2, "the": 3}, vocabulary
assert build_vocabulary([]) == {}, "an empty corpus has an empty vocabulary"
corpus_vocabulary = build_vocabulary(CORPUS)
assert sorted(corpus_vocabulary.values()) == list(range(len(corpus_vocabulary))), "indices 0 .. V-1, each once"
print(f"build_vocabulary: sanity checks passed (the corpus has V = {len(corpus_vocabulary)} words)")

# %% [markdown]
# ## 3. The bag of words: a count vector per document
#
# Now each document becomes a row of $V$ numbers: entry `[i, vocabulary[w]]` counts how often the
# word `w` occurs in document `i`. Stacked, the rows form the **document-term matrix**, of shape
# `(n_docs, V)`, made of integers.
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
assert isinstance(counts, np.ndarray) and counts.shape == (3, 4), counts
assert counts.dtype.kind == "i", f"counts are integers, got dtype {counts.dtype}"
assert np.array_equal(counts, [[1, 0, 1, 1], [0, 1, 1, 1], [1, 0, 0, 2]]), counts  # "saw", "bird": not in the vocabulary
print("bag_of_words: sanity checks passed")

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
assert weights.shape == (6, 3), weights.shape
assert np.allclose(weights[0], [0.85151335, 0.0, 0.52433293]), weights  # scikit-learn's documented result
assert np.allclose(weights[4], [0.55422893, 0.83236428, 0.0]), weights
assert np.allclose(np.linalg.norm(weights, axis=1), 1.0), "every row has L2 length 1"
assert np.array_equal(tf_idf(np.array([[0, 0], [1, 2]]))[0], [0.0, 0.0]), "an all-zero row stays zero (not NaN)"
print("tf_idf: sanity checks passed")

# %% [markdown]
# The corpus as counts and as tf-idf weights (one row per document, one column per word). In the
# counts, "the" is the largest entry of most rows, twice any other word. It is in 7 of the 8
# documents, so its idf is the lowest, $\ln(9/8) + 1 = 1.12$, while a word of a single document
# gets $\ln(9/2) + 1 = 2.50$: after tf-idf, "the" weighs about as much as one rare word, and
# the heaviest entries of each row are the words that say what the document is about.

# %% figure
import matplotlib.pyplot as plt

corpus_vocabulary = build_vocabulary(CORPUS)
corpus_words = sorted(corpus_vocabulary, key=corpus_vocabulary.get)
corpus_counts = bag_of_words(CORPUS, corpus_vocabulary)
figure, axes = plt.subplots(2, 1, figsize=(12, 6.5), sharex=True)
for ax, matrix, title in zip(axes, (corpus_counts, tf_idf(corpus_counts)), ("counts", "tf-idf weights")):
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    ax.set_yticks(range(len(CORPUS)), [f"doc {i}" for i in range(len(CORPUS))])
    ax.set_title(title)
    figure.colorbar(image, ax=ax)
axes[-1].set_xticks(range(len(corpus_words)), corpus_words, rotation=90)
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
assert np.isclose(cosine_similarity(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 1 / np.sqrt(2))  # 45 degrees
assert np.isclose(cosine_similarity(np.array([1.0, 2.0]), np.array([2.0, 4.0])), 1.0), "same direction, twice as long"
assert np.isclose(cosine_similarity(np.array([1.0, 0.0]), np.array([0.0, 3.0])), 0.0), "no word in common"
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
assert list(order) == [4, 1, 3, 0, 2], order
assert list(rank_documents(np.zeros(2), documents)) == [0, 1, 2, 3, 4], "an all-zero query ties every document"
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
axes.set_xlim(0, 1)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What you built
#
# Text → words → a vocabulary → count vectors → tf-idf weights → cosine similarity → a ranking:
# a complete, classic search engine. It has two blind spots. Word **order** is gone, and
# **meaning** is missing: "cat" and "cats", or "car" and "automobile", are different columns, so
# documents that share no spelling have similarity 0 however related they are. Every word is its
# own axis, at right angles to every other word.
#
# The next lesson fixes the second blind spot: **word embeddings** give each word a short, dense
# vector learned from the contexts it appears in, so that related words point in similar
# directions, and the cosine similarity you wrote here becomes a measure of meaning.
