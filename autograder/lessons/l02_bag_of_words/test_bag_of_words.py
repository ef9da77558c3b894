"""Hidden tests: bag_of_words."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import check, expect_close, graded
from .strategies import documents_and_vocabulary, words_of


def counts_with(corpus, vocabulary, count):
    """The count matrix where entry [i, vocabulary[w]] is count(document i, word w)."""
    matrix = np.zeros((len(corpus), len(vocabulary)), dtype=np.int64)
    for row, document in enumerate(corpus):
        for word, column in vocabulary.items():
            matrix[row, column] = count(document, word)
    return matrix


def known_mistakes(corpus, vocabulary):
    by_sorted_position = {word: position for position, word in enumerate(sorted(vocabulary))}
    return {
        "count every occurrence, not only whether the word occurs (0/1)":
            counts_with(corpus, vocabulary, lambda document, word: int(word in words_of(document))),
        "count whole words (tokenize_words), not substrings: str.count('a') also counts the a in 'ab'":
            counts_with(corpus, vocabulary, lambda document, word: document.lower().count(word)),
        "put word w in column vocabulary[w]: the vocabulary's indices, not the words' sorted positions":
            counts_with(corpus, by_sorted_position, lambda document, word: words_of(document).count(word)),
    }


def expect_counts(got, corpus, vocabulary, ref):
    check(not (isinstance(got, np.ndarray) and got.dtype.kind == "f"),
          f"counts are whole numbers: return an int array, got dtype {getattr(got, 'dtype', '')}",
          hint="np.zeros(shape) makes floats; np.zeros(shape, dtype=int) makes ints")
    expect_close(got, ref.bag_of_words(corpus, vocabulary), dtype_kind="i",
                 mistakes=known_mistakes(corpus, vocabulary))


@graded
@given(case=documents_and_vocabulary())
@example(case=(["The cat saw the cat.", "a dog, a DOG"], {"a": 0, "cat": 1, "saw": 2, "the": 3}))  # repeats, unknown "dog"
def test_counts_words_and_ignores_unknown_ones(student, ref, case):
    """Entry [i, vocabulary[w]] counts word w in document i (ints); words not in the vocabulary are ignored."""
    corpus, vocabulary = case
    expect_counts(student.bag_of_words(corpus, vocabulary), corpus, vocabulary, ref)


@graded
@given(case=documents_and_vocabulary(shuffle_indices=True))
def test_columns_follow_the_vocabulary_indices(student, ref, case):
    """The count of word w goes in column vocabulary[w], whatever order the vocabulary's indices are in."""
    corpus, vocabulary = case
    expect_counts(student.bag_of_words(corpus, vocabulary), corpus, vocabulary, ref)
