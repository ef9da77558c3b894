r"""The lesson 02 reference solutions against scikit-learn, which pins the same conventions: its
CountVectorizer with token_pattern r"(?u)\b\w+\b" lowercases then takes the regex's matches and
numbers the sorted vocabulary from 0; TfidfTransformer() is the tf-idf the syllabus names."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics.pairwise import cosine_similarity as sklearn_cosine_similarity

from autograder.lessons.l02_bag_of_words.strategies import documents, documents_and_vocabulary, texts
from solutions import l02_bag_of_words as ref

TOKEN_PATTERN = r"(?u)\b\w+\b"


@given(text=texts(max_words=12))
def test_tokenize_words_is_count_vectorizers_analyzer(text):
    analyzer = CountVectorizer(token_pattern=TOKEN_PATTERN).build_analyzer()
    assert ref.tokenize_words(text) == analyzer(text)


def test_tokenize_words_example_from_the_docstring():
    assert ref.tokenize_words("Don't panic, CAFÉ!") == ["don", "t", "panic", "café"]


@given(corpus=documents(max_size=6))
def test_vocabulary_and_counts_match_count_vectorizer(corpus):
    vocabulary = ref.build_vocabulary(corpus)
    if not vocabulary:  # CountVectorizer refuses to fit a corpus without words
        return
    vectorizer = CountVectorizer(token_pattern=TOKEN_PATTERN)
    expected = vectorizer.fit_transform(corpus).toarray()
    assert vocabulary == {word: int(index) for word, index in vectorizer.vocabulary_.items()}
    counts = ref.bag_of_words(corpus, vocabulary)
    assert counts.dtype.kind == "i"
    np.testing.assert_array_equal(counts, expected)


@given(case=documents_and_vocabulary(shuffle_indices=True))
def test_counts_with_a_given_vocabulary_match_count_vectorizer(case):
    corpus, vocabulary = case
    if not vocabulary:
        return
    expected = CountVectorizer(token_pattern=TOKEN_PATTERN, vocabulary=vocabulary).transform(corpus).toarray()
    np.testing.assert_array_equal(ref.bag_of_words(corpus, vocabulary), expected)


@pytest.mark.parametrize("seed", range(60))
def test_tf_idf_matches_tfidf_transformer_on_random_counts(seed):
    rng = np.random.default_rng(seed)
    n_docs, n_words = rng.integers(1, 9, size=2)
    counts = rng.integers(0, 4, size=(n_docs, n_words)) * (rng.random((n_docs, n_words)) < 0.6)
    counts[rng.random(n_docs) < 0.2] = 0  # some documents without words
    expected = TfidfTransformer().fit_transform(counts).toarray()
    result = ref.tf_idf(counts)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ref.tf_idf(counts.astype(float)), expected, rtol=1e-12, atol=1e-15)


def test_tf_idf_golden_values_from_scikit_learns_documentation():
    counts = np.array([[3, 0, 1], [2, 0, 0], [3, 0, 0], [4, 0, 0], [3, 2, 0], [3, 0, 2]])
    np.testing.assert_allclose(ref.tf_idf(counts), [
        [0.85151335, 0.0, 0.52433293], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0],
        [0.55422893, 0.83236428, 0.0], [0.63035731, 0.0, 0.77630514]], atol=1e-8)


def test_tf_idf_keeps_an_empty_document_at_zero_and_its_input_unchanged():
    counts = np.array([[0.0, 0.0], [1.0, 2.0]])
    result = ref.tf_idf(counts)
    np.testing.assert_array_equal(result[0], [0.0, 0.0])
    np.testing.assert_array_equal(counts, [[0.0, 0.0], [1.0, 2.0]])


vectors = st.integers(1, 6).flatmap(lambda size: st.tuples(
    *[st.lists(st.integers(-3, 3).map(float), min_size=size, max_size=size)] * 2))


@given(pair=vectors)
def test_cosine_similarity_matches_scikit_learn_also_for_zero_vectors(pair):
    a, b = (np.array(vector) for vector in pair)
    result = ref.cosine_similarity(a, b)
    assert isinstance(result, float) and not np.isnan(result)
    assert result == pytest.approx(sklearn_cosine_similarity(a[None], b[None])[0, 0], abs=1e-12)


@settings(max_examples=200)
@given(data=st.data(), size=st.integers(1, 4), n_docs=st.integers(1, 8))
def test_rank_documents_sorts_scikit_learn_similarities_stably(data, size, n_docs):
    element = st.integers(0, 3).map(float)
    query = np.array(data.draw(st.lists(element, min_size=size, max_size=size)))
    rows = data.draw(st.lists(st.lists(element, min_size=size, max_size=size), min_size=n_docs, max_size=n_docs))
    doc_matrix = np.array(rows)
    scores = sklearn_cosine_similarity(query[None], doc_matrix)[0]
    order = ref.rank_documents(query, doc_matrix)
    assert order.dtype.kind == "i" and sorted(order) == list(range(n_docs))
    for first, second in zip(order, order[1:]):
        # Decreasing similarity; documents the same up to rounding keep the lower index first.
        assert scores[first] >= scores[second] - 1e-12
        if abs(scores[first] - scores[second]) <= 1e-12 and np.array_equal(doc_matrix[first], doc_matrix[second]):
            assert first < second


def test_rank_documents_example_ties_and_zero_query():
    query = np.array([1.0, 0.0])
    documents = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [2.0, 2.0], [3.0, 0.0]])
    assert list(ref.rank_documents(query, documents)) == [4, 1, 3, 0, 2]
    assert list(ref.rank_documents(np.zeros(2), documents)) == [0, 1, 2, 3, 4]
