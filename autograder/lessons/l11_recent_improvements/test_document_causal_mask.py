"""Hidden tests: document_causal_mask."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import check, expect_equal, graded, show
from .strategies import packed_doc_ids

# A single document of T tokens; T = 1 comes last, where several mistakes look alike.
LENGTHS = (2, 3, 4, 5, 6, 1)


def known_mistakes(doc_ids):
    positions = np.arange(len(doc_ids))
    earlier_or_same = positions[None, :] <= positions[:, None]
    same_document = doc_ids[None, :] == doc_ids[:, None]
    return {
        "never across documents: a key of another document is masked even when it comes earlier":
            earlier_or_same,
        "causal too: inside its document, query i sees keys j <= i only, not the document's future":
            same_document,
        "a token attends to itself: j <= i, not j < i": (positions[None, :] < positions[:, None]) & same_document,
        "row i is the query, column j the key: keep j <= i (the lower triangle), not j >= i":
            (positions[None, :] >= positions[:, None]) & same_document,
        "True means may attend: mark the keys query i can see, not the ones it must not":
            ~(earlier_or_same & same_document),
        "doc_ids are labels, in any order: two tokens share a document when their ids are equal (==), "
        "not when one id is smaller": earlier_or_same & (doc_ids[:, None] <= doc_ids[None, :]),
        "doc_ids are labels, in any order: two tokens share a document when their ids are equal (==), "
        "not when one id is larger": earlier_or_same & (doc_ids[:, None] >= doc_ids[None, :]),
    }


def expect_mask(got, doc_ids, ref):
    T = len(doc_ids)
    if not (isinstance(got, np.ndarray) and got.shape == (T, T)):
        check(False, f"document_causal_mask of {T} tokens should be a NumPy array of shape ({T}, {T}), got {show(got)}")
    check(got.dtype == np.bool_, f"the mask should hold booleans (dtype bool), got dtype {got.dtype}",
          hint="compare positions and document ids (==, <=, &) to get booleans, or add .astype(bool)")
    expect_equal(got, ref.document_causal_mask(doc_ids), what="mask", mistakes=known_mistakes(doc_ids))


@graded
def test_one_document_is_the_causal_mask(student, ref):
    """With a single document (every doc_id equal), the mask is a bool (T, T) array with mask[i, j] True
    exactly when j <= i.
    """
    for T in LENGTHS:
        for label in (0, 4):
            doc_ids = np.full(T, label, dtype=np.int64)
            expect_mask(student.document_causal_mask(doc_ids), doc_ids, ref)


@graded
@given(doc_ids=packed_doc_ids())
@example(doc_ids=np.array([0, 0, 0, 1, 1, 2]))
@example(doc_ids=np.array([7, 7, 3, 3, 3, 9]))
def test_never_across_documents(student, ref, doc_ids):
    """For a packed row, mask[i, j] is True exactly when j <= i and doc_ids[j] == doc_ids[i]: causal inside each
    document, nothing across documents.
    """
    expect_mask(student.document_causal_mask(doc_ids), doc_ids, ref)
