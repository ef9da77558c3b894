"""Hidden tests: nearest_neighbors."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import as_id_list, embedding_matrices, embeddings_with_duplicates, expect_same_ranking


def cosines(embeddings, query_id):
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    return unit @ unit[query_id]


def known_mistakes(embeddings, query_id, k):
    similarities = cosines(embeddings, query_id)
    descending = [int(i) for i in np.argsort(-similarities, kind="stable")]
    dots = embeddings @ embeddings[query_id]
    return {
        "leave the query itself out: it is always its own nearest neighbour": descending[:k],
        "rank by cosine similarity (divide by both norms), not by the raw dot product":
            [int(i) for i in np.argsort(-np.where(np.arange(len(dots)) == query_id, -np.inf, dots),
                                        kind="stable")[:k]],
        "most similar first: sort by decreasing similarity": [i for i in np.argsort(similarities, kind="stable")
                                                             if i != query_id][:k],
        "equal similarities go to the lower id first; reversing an ascending argsort puts the higher id first":
            [int(i) for i in np.argsort(similarities, kind="stable")[::-1] if i != query_id][:k],
        "remove the query by its id, not by dropping the first result (another word can tie with it)":
            descending[1:k + 1],
    }


@graded
@given(embeddings=embedding_matrices(), data=st.data())
def test_top_k_by_cosine_similarity(student, ref, embeddings, data):
    """nearest_neighbors(E, q, k) lists the k ids of highest cosine similarity to row q, most similar first, never q itself."""
    query_id = data.draw(st.integers(0, len(embeddings) - 1), label="query_id")
    k = data.draw(st.integers(1, len(embeddings) - 1), label="k")
    mistakes = known_mistakes(embeddings, query_id, k)
    expect_same_ranking(student.nearest_neighbors(embeddings, query_id, k), ref.nearest_neighbors(embeddings, query_id, k),
                        cosines(embeddings, query_id), excluded={query_id}, mistakes=mistakes)


@graded
@given(embeddings=embeddings_with_duplicates(), data=st.data())
def test_ties_go_to_the_lower_id(student, ref, embeddings, data):
    """Words with equal similarity come in increasing id order, and the query is left out even when other words have the very same vector."""
    query_id = data.draw(st.integers(0, len(embeddings) - 1), label="query_id")
    k = data.draw(st.integers(1, len(embeddings) - 1), label="k")
    # Only copies of one vector tie: different vectors with (nearly) equal cosines would make the
    # order depend on rounding.
    vectors = np.unique(embeddings, axis=0)
    unit = embeddings[query_id] / np.linalg.norm(embeddings[query_id])
    assume(np.all(np.diff(np.sort(vectors @ unit / np.linalg.norm(vectors, axis=1))) > 1e-9))
    mistakes = known_mistakes(embeddings, query_id, k)
    expect_equal(as_id_list(student.nearest_neighbors(embeddings, query_id, k)),
                 ref.nearest_neighbors(embeddings, query_id, k), what="ids", mistakes=mistakes)
