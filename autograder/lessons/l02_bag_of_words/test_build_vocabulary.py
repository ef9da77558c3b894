"""Hidden tests: build_vocabulary."""

from collections import Counter

from hypothesis import given

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import documents, words_of


def numbered(words, start=0):
    return {word: index for index, word in enumerate(words, start)}


@graded
@given(corpus=documents())
def test_sorted_distinct_words_numbered_from_zero(student, ref, corpus):
    """build_vocabulary(documents) numbers the distinct words 0, 1, 2, ... in sorted order."""
    every_word = [word for document in corpus for word in words_of(document)]
    expect_equal(student.build_vocabulary(corpus), ref.build_vocabulary(corpus), mistakes={
        "number the words in sorted order (sorted(words)), not in the order they first appear":
            numbered(dict.fromkeys(every_word)),
        "number each distinct word once: indices must be 0 .. V-1 without gaps":
            numbered(sorted(every_word)),
        "indices start at 0: they are column numbers of the count matrix": numbered(sorted(set(every_word)), 1),
        "number the words in sorted order, not by how often they occur":
            numbered(word for word, _ in Counter(every_word).most_common()),
    })
