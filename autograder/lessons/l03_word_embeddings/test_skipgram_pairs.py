"""Hidden tests: skipgram_pairs."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import token_ids_and_window


def pairs_with(ids, low_offset, high_offset, skip=lambda offset, center, context: offset == 0):
    """Pairs for context offsets low_offset..high_offset, position order then context order."""
    return [(ids[i], ids[i + offset]) for i in range(len(ids)) for offset in range(low_offset, high_offset + 1)
            if 0 <= i + offset < len(ids) and not skip(offset, ids[i], ids[i + offset])]


def offset_major(ids, window):
    return [(ids[i], ids[i + offset]) for offset in [o for o in range(-window, window + 1) if o]
            for i in range(len(ids)) if 0 <= i + offset < len(ids)]


def wrapped_around(ids, window):
    """Context positions j < 0 read ids[j], from the end of the list (where such an index exists)."""
    return [(ids[i], ids[j]) for i in range(len(ids)) for j in range(i - window, i + window + 1)
            if j != i and -len(ids) <= j < len(ids)]


def known_mistakes(ids, window):
    return {
        "positions before the start do not exist: for j < 0, ids[j] wraps around to the end of the list":
            wrapped_around(ids, window),
        "a position is not its own context: skip offset 0, i.e. j == i":
            pairs_with(ids, -window, window, skip=lambda offset, center, context: False),
        "skip the position itself, not every context that has the same id as the center":
            pairs_with(ids, -window, window, skip=lambda offset, center, context: center == context),
        "the window includes position i + window: the end of range() is exclusive, use i + window + 1":
            pairs_with(ids, -window, window - 1),
        "the window reaches `window` positions on each side: range(i - window, i + window + 1)":
            pairs_with(ids, -window + 1, window - 1),
        "the window reaches exactly `window` positions on each side, not window + 1":
            pairs_with(ids, -window - 1, window + 1),
        "order the pairs by position first, then by context position from left to right":
            offset_major(ids, window),
    }


def received(value):
    """An (N, 2) integer array is accepted for the list of pairs."""
    return value.tolist() if isinstance(value, np.ndarray) else value


@graded
@given(example=token_ids_and_window(max_window=2))
def test_pairs_of_small_windows(student, ref, example):
    """skipgram_pairs(ids, window) lists (center, context) for every position, then every context position within `window` on each side, left to right, never the position itself."""
    ids, window = example
    expect_equal(received(student.skipgram_pairs(ids, window)), ref.skipgram_pairs(ids, window),
                 what="pairs", mistakes=known_mistakes(ids, window))


@graded
@given(example=token_ids_and_window(max_vocab=3, max_length=6, max_window=8))
def test_windows_wider_than_the_sentence(student, ref, example):
    """With a window wider than the sentence, every position pairs with every other position, including other positions holding the same word."""
    ids, window = example
    expect_equal(received(student.skipgram_pairs(ids, window)), ref.skipgram_pairs(ids, window),
                 what="pairs", mistakes=known_mistakes(ids, window))
