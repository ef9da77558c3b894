"""Strategies for lesson 02 (bag-of-words): short texts over a tiny alphabet, so that words repeat,
mix cases and scripts, and failures shrink to something like ["A 1"].

Vectors are small whole numbers stored as floats: cosines of such vectors are exact enough that
equal similarities come out equal, and readable in feedback."""

import functools
import re

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Upper and lower case (É/é, Ω/ω), letters beyond ASCII (é, ß, ω), a digit and the underscore:
# everything r"\w" counts as part of a word.
WORD_CHARACTERS = "aAbéÉßΩω1_"
# What goes between words: spaces, a newline, punctuation, apostrophe and hyphen, alone or in runs.
GAPS = (" ", ", ", ".", "!", "'", "-", "\n", ". ", " - ", ",\n")

# One st.text alphabet only, and separators drawn whole from a list (also cheaper than character by
# character): with two st.text alphabets in one test, hypothesis 6.155's shrinker tries a character
# of one in a string of the other and crashes ("ValueError: 223 is not in list").
WORDS = st.text(WORD_CHARACTERS, min_size=1, max_size=3)
BETWEEN_WORDS = st.sampled_from(GAPS)
AROUND_WORDS = st.sampled_from(("",) + GAPS)


@st.composite
def texts(draw, max_words=6):
    """A str of up to `max_words` words with separators between them, and maybe before and after."""
    text = draw(AROUND_WORDS)
    for position, word in enumerate(draw(st.lists(WORDS, max_size=max_words))):
        if position > 0:
            text += draw(BETWEEN_WORDS)
        text += word
    return text + draw(AROUND_WORDS)


def documents(min_size=1, max_size=3, max_words=5):
    """A list of texts (a corpus)."""
    return st.lists(texts(max_words), min_size=min_size, max_size=max_size)


def words_of(document):
    """The words of a document as the lesson defines them (the suite's own, not the student's)."""
    return re.findall(r"\b\w+\b", document.lower())


@st.composite
def documents_and_vocabulary(draw, shuffle_indices=False):
    """(documents, vocabulary): the vocabulary holds some words of the documents and some words
    that are not in them, so documents also hold out-of-vocabulary words. Indices are 0 .. V-1, in
    sorted word order unless `shuffle_indices`."""
    corpus = draw(documents())
    corpus_words = sorted({word for document in corpus for word in words_of(document)})
    keep = draw(st.lists(st.booleans(), min_size=len(corpus_words), max_size=len(corpus_words)))
    kept = {word for word, chosen in zip(corpus_words, keep) if chosen}
    unused = draw(st.lists(WORDS.map(str.lower), max_size=2))
    vocabulary_words = sorted(kept | set(unused))
    indices = tuple(range(len(vocabulary_words)))
    if shuffle_indices:
        indices = draw(st.permutations(indices))
    return corpus, dict(zip(vocabulary_words, indices))


def count_matrices(max_docs=5, max_words=5, min_docs=1):
    """(n_docs, V) int64 count matrices with small counts (many zeros, so df varies)."""
    shape = st.tuples(st.integers(min_docs, max_docs), st.integers(1, max_words))
    return hnp.arrays(np.int64, shape, elements=st.integers(0, 3))


@functools.lru_cache(maxsize=None)
def small_vectors(size, low=-3, high=3):
    """float64 vectors of `size` whole numbers in [low, high]."""
    return hnp.arrays(np.float64, size, elements=st.integers(low, high).map(float))


@functools.lru_cache(maxsize=None)
def small_vectors_or_zeros(size, low=-3, high=3):
    """small_vectors, or sometimes the all-zero vector of that size."""
    return st.one_of(small_vectors(size, low, high), st.just(np.zeros(size)))
