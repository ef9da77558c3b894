"""Lesson 02: bag-of-words, tf-idf and retrieval by cosine similarity."""

import re

import numpy as np


def tokenize_words(text):
    r"""Split a text into lowercase words.

    text: a str. Returns a list of str, in the order the words appear: first lowercase the whole
    text, then take every match of the regular expression r"\b\w+\b". In Python 3, \w is
    Unicode aware: a word is a run of letters (of any script: é, ß, ω...), digits and underscores;
    everything else (spaces, punctuation, apostrophes, hyphens) separates words.
    tokenize_words("Don't panic, CAFÉ!") == ["don", "t", "panic", "café"]
    """
    ### BEGIN SOLUTION
    return re.findall(r"\b\w+\b", text.lower())
    ### END SOLUTION


def build_vocabulary(documents):
    """Give every distinct word of a corpus a column index.

    documents: a list of str, tokenized with tokenize_words. Returns a dict word -> index whose
    words are all the distinct words of the corpus, numbered 0, 1, 2, ... in sorted order (Python's
    string order, i.e. `sorted(words)`), so the same corpus always gives the same vocabulary.
    build_vocabulary(["the cat", "The dog"]) == {"cat": 0, "dog": 1, "the": 2}
    """
    ### BEGIN SOLUTION
    words = {word for document in documents for word in tokenize_words(document)}
    return {word: index for index, word in enumerate(sorted(words))}
    ### END SOLUTION


def bag_of_words(documents, vocabulary):
    """Count how often each vocabulary word occurs in each document.

    documents: a list of n_docs str, tokenized with tokenize_words. vocabulary: a dict word -> column
    index in 0 .. V-1, where V = len(vocabulary). Returns an int NumPy array of shape (n_docs, V)
    whose entry [i, vocabulary[w]] is the number of times word w occurs in documents[i]. Words that
    are not in the vocabulary are ignored (they are not an error).
    """
    ### BEGIN SOLUTION
    counts = np.zeros((len(documents), len(vocabulary)), dtype=np.int64)
    for row, document in enumerate(documents):
        for word in tokenize_words(document):
            if word in vocabulary:
                counts[row, vocabulary[word]] += 1
    return counts
    ### END SOLUTION


def tf_idf(counts):
    """Reweight a count matrix so that words found in every document count less.

    counts: (n_docs, V) array of non-negative counts (int or float); it is not modified. Returns a
    new float array of shape (n_docs, V), as scikit-learn's TfidfTransformer() with its defaults:
      df[j]  = number of documents (rows) in which word j occurs (count > 0)
      idf[j] = ln((1 + n_docs) / (1 + df[j])) + 1        (smoothed, natural log, never 0)
      row i  = counts[i] * idf, then divided by its Euclidean (L2) length,
    so every row has length 1, except an all-zero row, which stays all zeros (never NaN).
    """
    ### BEGIN SOLUTION
    counts = np.asarray(counts, dtype=float)
    n_docs = counts.shape[0]
    document_frequency = np.count_nonzero(counts > 0, axis=0)
    idf = np.log((1 + n_docs) / (1 + document_frequency)) + 1
    weighted = counts * idf
    lengths = np.linalg.norm(weighted, axis=1, keepdims=True)
    return weighted / np.where(lengths > 0, lengths, 1.0)
    ### END SOLUTION


def cosine_similarity(a, b):
    """The cosine of the angle between two vectors.

    a, b: 1-d arrays of the same shape (V,). Returns a float: a·b / (|a| |b|), between -1 and 1
    (1: same direction). When either vector is all zeros the angle is undefined: return 0.0
    (never NaN).
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not a.any() or not b.any():
        return 0.0
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    ### END SOLUTION


def rank_documents(query_vector, doc_matrix):
    """Rank documents by how similar they are to a query.

    query_vector: (V,) array. doc_matrix: (n_docs, V) array, one document per row. Returns an int
    NumPy array of shape (n_docs,): all document (row) indices, the one most cosine-similar to the
    query first, by decreasing cosine_similarity. Documents with equal similarity keep their
    order: the lower index comes first (an all-zero query ties everything: 0, 1, 2, ...).
    """
    ### BEGIN SOLUTION
    similarities = np.array([cosine_similarity(query_vector, row) for row in doc_matrix], dtype=float)
    # A stable sort keeps tied documents in index order; NumPy's default sort does not promise that.
    return np.argsort(-similarities, kind="stable")
    ### END SOLUTION
