"""Hidden tests: bigram_probabilities."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, graded, token_sequences


def pair_counts(ids, vocab):
    counts = np.zeros((vocab, vocab))
    for current, following in zip(ids, ids[1:]):
        counts[current, following] += 1
    return counts


def normalise_rows(counts):
    with np.errstate(all="ignore"):
        return counts / counts.sum(axis=1, keepdims=True)


def uniform_if_empty(counts):
    """Rows without any count become uniform, as pinned: each hint below differs in one mistake only."""
    counts = counts.copy()
    counts[counts.sum(axis=1) == 0] = 1.0
    return counts


def known_mistakes(ids, vocab, alpha):
    counts = pair_counts(ids, vocab)
    smoothed = counts + alpha
    once_per_pair = np.zeros((vocab, vocab))
    if len(ids) > 1:
        once_per_pair[np.array(ids[:-1]), np.array(ids[1:])] = 1.0
    filled = uniform_if_empty(smoothed)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        return {
            "a token never followed by anything (and alpha = 0) gets the uniform row 1/V, not zeros":
                np.nan_to_num(normalise_rows(smoothed)),
            "a row with no counts is 0 / 0 = nan: give it the uniform row 1/V":
                normalise_rows(smoothed),
            "divide each ROW by its sum (axis=1): row a is the distribution of the token after a":
                filled / filled.sum(axis=0, keepdims=True),
            "P[a, b] counts b FOLLOWING a: index the matrix [current, next], not [next, current]":
                normalise_rows(uniform_if_empty(smoothed.T)),
            "a pair that occurs several times must count several times: `counts[rows, cols] += 1` "
            "adds 1 only once per distinct pair, use np.add.at or a loop":
                normalise_rows(uniform_if_empty(once_per_pair + alpha)),
            "add alpha to EVERY count, the zeros included (unseen pairs are what smoothing is for)":
                normalise_rows(uniform_if_empty(np.where(counts > 0, counts + alpha, 0.0))),
            "the denominator is count(a, .) + alpha * V: alpha is added to each of the V entries of the row":
                np.where(totals > 0, smoothed / (totals + alpha), 1.0 / vocab),
            "smooth the counts, then normalise: (count + alpha) / (row total + alpha * V)":
                (normalise_rows(uniform_if_empty(counts)) + alpha) / (1 + alpha * vocab),
        }


@graded
@given(ids_vocab=token_sequences(max_vocab=6, max_size=12))
def test_counts_adjacent_pairs(student, ref, ids_vocab):
    """Row a holds count(a, b) / count(a, .) for every next token b; a row with no counts is uniform (1/V)."""
    ids, vocab = ids_vocab
    expect_close(student.bigram_probabilities(ids, vocab), ref.bigram_probabilities(ids, vocab),
                 mistakes=known_mistakes(ids, vocab, 0.0))


@graded
@given(ids_vocab=token_sequences(max_vocab=6, max_size=12), alpha=st.floats(0.1, 3.0))
def test_add_alpha_smoothing(student, ref, ids_vocab, alpha):
    """With alpha > 0, P[a, b] = (count(a, b) + alpha) / (count(a, .) + alpha * V); rows sum to 1."""
    ids, vocab = ids_vocab
    expect_close(student.bigram_probabilities(ids, vocab, alpha), ref.bigram_probabilities(ids, vocab, alpha),
                 mistakes=known_mistakes(ids, vocab, alpha))
