"""Hidden tests: rank_documents."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, graded
from .strategies import small_vectors, small_vectors_or_zeros

# Different documents whose similarities are this close could be ordered either way by rounding.
SEPARATION = 1e-9


def similarities(ref, query, doc_matrix):
    return np.array([ref.cosine_similarity(query, row) for row in doc_matrix])


def well_separated(ref, query, doc_matrix):
    """True when documents with close similarities are identical (an exact, pinned tie)."""
    scores = similarities(ref, query, doc_matrix)
    return all(abs(scores[i] - scores[j]) > SEPARATION or np.array_equal(doc_matrix[i], doc_matrix[j])
               for i in range(len(scores)) for j in range(i))


def known_mistakes(ref, query, doc_matrix):
    scores = similarities(ref, query, doc_matrix)
    return {
        "rank by cosine similarity: the raw dot product favours long documents":
            np.argsort(-(doc_matrix @ query), kind="stable"),
        "sort by decreasing similarity: the most similar document comes first":
            np.argsort(scores, kind="stable"),
        "equal similarities keep the lower index first; reversing an ascending sort puts the higher first":
            np.argsort(scores, kind="stable")[::-1],
        "equal similarities keep the lower index first: np.argsort's default sort may reorder equal "
        "values; pass kind=\"stable\"": np.argsort(-scores),
        "rank by cosine similarity, not by (Euclidean) distance to the query":
            np.argsort(np.linalg.norm(doc_matrix - query, axis=1), kind="stable"),
    }


@st.composite
def query_and_documents(draw):
    """(query (V,), doc_matrix (n_docs, V)) of counts-like vectors, no two documents alike."""
    size = draw(st.integers(1, 4))
    query = draw(small_vectors(size, low=0))
    rows = draw(st.lists(small_vectors(size, low=0), min_size=1, max_size=6, unique_by=tuple))
    return query, np.array(rows)


@st.composite
def query_and_documents_with_ties(draw):
    """(query, doc_matrix) whose documents repeat a few distinct rows and all-zero rows (exact ties);
    the query may be all zeros too (then every document ties)."""
    size = draw(st.integers(1, 4))
    query = draw(small_vectors_or_zeros(size, low=0))
    distinct = draw(st.lists(small_vectors(size, low=0), min_size=1, max_size=3, unique_by=tuple))
    choices = draw(st.lists(st.integers(0, len(distinct)), min_size=2, max_size=10))
    rows = [distinct[choice] if choice < len(distinct) else np.zeros(size) for choice in choices]
    return query, np.array(rows)


@graded
@given(case=query_and_documents())
def test_most_similar_first(student, ref, case):
    """rank_documents lists every row index (an int array), by decreasing cosine similarity to the query."""
    query, doc_matrix = case
    assume(well_separated(ref, query, doc_matrix))
    expect_close(student.rank_documents(query, doc_matrix), ref.rank_documents(query, doc_matrix),
                 dtype_kind="i", mistakes=known_mistakes(ref, query, doc_matrix))


@graded
@given(case=query_and_documents_with_ties())
def test_ties_keep_the_lower_index_first(student, ref, case):
    """Documents with equal cosine similarity (repeated or empty ones) are ranked lower index first."""
    query, doc_matrix = case
    assume(well_separated(ref, query, doc_matrix))
    expect_close(student.rank_documents(query, doc_matrix), ref.rank_documents(query, doc_matrix),
                 dtype_kind="i", mistakes=known_mistakes(ref, query, doc_matrix))
