"""Lesson 01's shared test material: toy language models for `generate`."""

import math
import numbers

import numpy as np
from hypothesis import strategies as st


class PrefixModel:
    """A toy next-token model built from a table of logits (K rows of V entries).

    For the ids so far it returns row `(len(ids) + sum(ids)) % K`: its answer depends on the whole
    sequence, so a loop that passes only the last token, or forgets to append, sees other logits.
    It records every sequence it is called with, to check the calling pattern afterwards.
    """

    def __init__(self, table):
        self.table = table
        self.calls = []

    def __call__(self, ids):
        ids = ids_list(ids)
        self.calls.append(ids)
        return np.array(self.table[(len(ids) + sum(ids)) % len(self.table)], dtype=float)

    def fresh(self):
        """The same model with no calls recorded."""
        return PrefixModel(self.table)

    def __repr__(self):  # what a student reads in the failing call
        return f"<a model whose logits for ids are row (len(ids) + sum(ids)) % {len(self.table)} of {self.table}>"


def ids_list(ids):
    """The student's argument as a list of ints; any 1-D sequence of integers is accepted."""
    if isinstance(ids, np.ndarray) and ids.ndim == 1 and ids.dtype.kind in "iu":
        return [int(i) for i in ids]
    if isinstance(ids, (list, tuple)) and all(isinstance(i, numbers.Integral) and not isinstance(i, bool)
                                              for i in ids):
        return [int(i) for i in ids]
    raise TypeError(f"next_token_logits takes the list of all token ids so far, got {ids!r}")


@st.composite
def models_without_ties(draw, max_vocab=6, max_rows=4):
    """A PrefixModel with 2 or more different rows, each a permutation of 0..V-1: every argmax is
    unique, and which row the model reads changes its answer."""
    vocab = draw(st.integers(2, max_vocab))
    rows = draw(st.lists(st.permutations(range(vocab)).map(tuple), min_size=2,
                         max_size=min(max_rows, math.factorial(vocab)), unique=True))
    return PrefixModel([[float(v) for v in row] for row in rows])


@st.composite
def models_with_ties(draw, max_vocab=6, max_rows=4):
    """A PrefixModel of small integer logits whose maximum is shared by two or more ids in every
    row, so every step is a tie."""
    vocab = draw(st.integers(2, max_vocab))
    rows = draw(st.integers(2, max_rows))
    table = []
    for _ in range(rows):
        row = draw(st.lists(st.integers(0, 2), min_size=vocab, max_size=vocab))
        tied = draw(st.lists(st.integers(0, vocab - 1), min_size=2, max_size=vocab, unique=True))
        top = max(row) + 1
        table.append([float(top if i in tied else v) for i, v in enumerate(row)])
    return PrefixModel(table)


def prompts(vocab, max_size=4):
    return st.lists(st.integers(0, vocab - 1), min_size=1, max_size=max_size)
