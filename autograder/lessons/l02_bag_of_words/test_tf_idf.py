"""Hidden tests: tf_idf."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_close, graded
from .strategies import count_matrices


def weighted(counts, idf, norm_axis=1, ord=2):
    weights = counts * idf
    lengths = np.linalg.norm(weights, ord=ord, axis=norm_axis, keepdims=True)
    return weights / np.where(lengths > 0, lengths, 1.0)


L1_HINT = "normalise rows by their Euclidean (L2) length, not by their sum (L1)"
SMOOTHING_HINT = ("smooth the idf, ln((1 + n_docs) / (1 + df)) + 1: ln(n_docs / df) divides by 0 for a word in "
                  "no document")


def known_mistakes(counts):
    counts = counts.astype(float)
    n_docs = len(counts)
    df = np.count_nonzero(counts, axis=0)
    smooth_idf = np.log((1 + n_docs) / (1 + df)) + 1
    with np.errstate(all="ignore"):
        return {
            SMOOTHING_HINT: weighted(counts, np.log(n_docs / df) + 1),
            "add 1 to the idf (ln((1 + n_docs) / (1 + df)) + 1), so a word in every document keeps weight":
                weighted(counts, np.log((1 + n_docs) / (1 + df))),
            "use the natural logarithm (np.log), as scikit-learn does":
                weighted(counts, np.log10((1 + n_docs) / (1 + df)) + 1),
            "df counts the documents that contain the word, not its total count":
                weighted(counts, np.log((1 + n_docs) / (1 + counts.sum(axis=0))) + 1),
            "normalise each row (document), not each column (word)": weighted(counts, smooth_idf, norm_axis=0),
            L1_HINT: weighted(counts, smooth_idf, ord=1),
        }


# Documents with at least one word: empty ones have their own test, so that a NaN there gets
# that test's hint instead of another mistake's.
NONEMPTY_DOCUMENT_COUNTS = count_matrices().filter(lambda counts: counts.any(axis=1).all())


@graded
@given(counts=NONEMPTY_DOCUMENT_COUNTS)
def test_matches_scikit_learn_default(student, ref, counts):
    """tf_idf(counts) is scikit-learn's TfidfTransformer(): counts * (ln((1+n)/(1+df)) + 1), rows L2-normalised."""
    expect_close(student.tf_idf(counts), ref.tf_idf(counts), mistakes=known_mistakes(counts))


@st.composite
def counts_with_an_empty_document(draw):
    """Counts where every word occurs somewhere (as with a vocabulary built from the corpus), plus
    one document without words."""
    counts = draw(count_matrices(max_docs=4).filter(lambda counts: counts.any(axis=0).all()))
    empty_row = draw(st.integers(0, len(counts)))
    return np.insert(counts, empty_row, 0, axis=0)


@graded
@given(counts=counts_with_an_empty_document())
def test_rows_have_length_one_and_empty_rows_stay_zero(student, ref, counts):
    """Rows of tf_idf(counts) have L2 length 1, except documents without words: their rows stay 0 (not NaN)."""
    result = student.tf_idf(counts)
    check(isinstance(result, np.ndarray) and result.shape == counts.shape,
          f"tf_idf should return a NumPy array of shape {counts.shape}, got {result!r}")
    empty = ~counts.any(axis=1)
    nan_rows = np.isnan(result).any(axis=1)
    check(not nan_rows[~empty].any(), f"tf_idf returned NaN in a document that has words:\n{result!r}")
    check(not nan_rows[empty].any(), f"tf_idf returned NaN for a document with no words:\n{result!r}",
          hint="a row of zeros has length 0: leave it as it is instead of dividing by 0")
    expect_close(result[empty], np.zeros_like(result[empty], dtype=float), what="the rows of the empty documents")
    lengths = np.linalg.norm(result[~empty], axis=1)
    l1_lengths = np.linalg.norm(known_mistakes(counts)[L1_HINT][~empty], axis=1)
    expect_close(lengths, np.ones_like(lengths), what="the L2 lengths of the other rows",
                 mistakes={L1_HINT: l1_lengths})


@graded
@given(counts=NONEMPTY_DOCUMENT_COUNTS.map(lambda counts: counts.astype(np.float64)))
def test_leaves_float_counts_unchanged(student, ref, counts):
    """tf_idf(counts) returns a new array and leaves `counts` unchanged, also when counts are floats."""
    result, (counts_after,) = student.call_and_inputs("tf_idf", counts)
    expect_close(counts_after, counts, what="counts after the call (tf_idf must not modify its input)",
                 mistakes={"work on a copy: np.asarray(counts, dtype=float) does not copy an array that is "
                           "already float, so *= and /= change the caller's counts": ref.tf_idf(counts)})
    expect_close(result, ref.tf_idf(counts), mistakes=known_mistakes(counts))
