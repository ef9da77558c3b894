"""Hidden tests: analogy."""

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import as_id_list, embedding_matrices, embeddings_with_duplicates, expect_same_ranking

# "man : king = woman : ?" where the frequent word "man" has a long vector: the answer is word 3,
# the direction of v_king - v_man + v_woman itself; normalising the vectors first gives word 4,
# and the reversed target v_man - v_king + v_woman gives word 5.
LONG_VECTOR_QUESTION = (np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 1.0], [-1.0, 2.0], [-0.2, 1.0], [1.0, 0.1]]),
                        0, 1, 2, 1)


def cosines(embeddings, target):
    with np.errstate(all="ignore"):  # a mistaken target can be the zero vector
        return embeddings @ target / (np.linalg.norm(embeddings, axis=1) * np.linalg.norm(target))


def ranked(similarities, excluded, k):
    return [int(i) for i in np.argsort(-similarities, kind="stable") if int(i) not in excluded][:k]


def known_mistakes(embeddings, a, b, c, k):
    similarities = cosines(embeddings, embeddings[b] - embeddings[a] + embeddings[c])
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    distances = np.linalg.norm(embeddings - (embeddings[b] - embeddings[a] + embeddings[c]), axis=1)
    return {
        "leave a, b and c out of the answers: the target v_b - v_a + v_c is usually closest to b or c":
            ranked(similarities, set(), k),
        "leave all three of a, b and c out of the answers": ranked(similarities, {c}, k),
        "the target is v_b - v_a + v_c (a is to b as c is to ?)":
            ranked(cosines(embeddings, embeddings[a] - embeddings[b] + embeddings[c]), {a, b, c}, k),
        "use the vectors as given: do not normalise them before forming v_b - v_a + v_c":
            ranked(cosines(embeddings, unit[b] - unit[a] + unit[c]), {a, b, c}, k),
        "rank by cosine similarity, not by Euclidean distance": ranked(-distances, {a, b, c}, k),
        "equal similarities go to the lower id first; reversing an ascending argsort puts the higher id first":
            [int(i) for i in np.argsort(similarities, kind="stable")[::-1] if int(i) not in {a, b, c}][:k],
    }


@st.composite
def analogy_questions(draw, embeddings):
    """(E, a, b, c, k) with a nonzero target v_b - v_a + v_c."""
    matrix = draw(embeddings)
    a, b, c = (draw(st.integers(0, len(matrix) - 1)) for _ in "abc")
    assume(np.linalg.norm(matrix[b] - matrix[a] + matrix[c]) > 1e-6)
    return matrix, a, b, c, draw(st.integers(1, len(matrix) - len({a, b, c})))


@graded
@given(question=analogy_questions(embedding_matrices(min_words=4)))
@example(question=LONG_VECTOR_QUESTION)
def test_closest_to_the_target(student, ref, question):
    """analogy(E, a, b, c, k) lists the k ids of highest cosine similarity to v_b - v_a + v_c (vectors used as given), most similar first, never a, b or c."""
    embeddings, a, b, c, k = question
    similarities = cosines(embeddings, embeddings[b] - embeddings[a] + embeddings[c])
    expect_same_ranking(student.analogy(embeddings, a, b, c, k), ref.analogy(embeddings, a, b, c, k),
                        similarities, excluded={a, b, c}, mistakes=known_mistakes(*question))


@graded
@given(question=analogy_questions(embeddings_with_duplicates(min_words=4)))
def test_ties_go_to_the_lower_id(student, ref, question):
    """Words with equal similarity to v_b - v_a + v_c come in increasing id order; only the ids a, b, c are left out, not other words with the same vectors."""
    embeddings, a, b, c, k = question
    # Only copies of one vector tie: different vectors with (nearly) equal cosines would make the
    # order depend on rounding.
    vectors = np.unique(embeddings, axis=0)
    assume(np.all(np.diff(np.sort(cosines(vectors, embeddings[b] - embeddings[a] + embeddings[c]))) > 1e-9))
    expect_equal(as_id_list(student.analogy(embeddings, a, b, c, k)), ref.analogy(embeddings, a, b, c, k),
                 what="ids", mistakes=known_mistakes(*question))
