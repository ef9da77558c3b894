r"""Lesson 02: wrong implementations students write (each must lose points) and correct ones
written differently from the reference (each must get full marks).

Only the named exercise's cell is replaced; the other solution cells stay stubs. So a mistake
does its own tokenizing or cosine instead of calling tokenize_words or cosine_similarity, or it
would fail for the stub's sake instead of its own.
"""

MISTAKES = {
    "tokenize_words": {
        "str.split instead of the regex": '''
def tokenize_words(text):
    return text.lower().split()
''',
        "forgets to lowercase": r'''
def tokenize_words(text):
    return re.findall(r"\b\w+\b", text)
''',
        "ASCII-only letters": r'''
def tokenize_words(text):
    return re.findall(r"[a-zA-Z]+", text.lower())
''',
        "re.ASCII flag": r'''
def tokenize_words(text):
    return re.findall(r"\b\w+\b", text.lower(), flags=re.ASCII)
''',
        "re.split keeps empty strings": r'''
def tokenize_words(text):
    return re.split(r"\W+", text.lower())
''',
        "letters only, digits and underscore dropped": '''
def tokenize_words(text):
    words, current = [], ""
    for character in text.lower():
        if character.isalpha():
            current += character
        elif current:
            words.append(current)
            current = ""
    return words + [current] if current else words
''',
    },
    "build_vocabulary": {
        "first-seen order": r'''
def build_vocabulary(documents):
    vocabulary = {}
    for document in documents:
        for word in re.findall(r"\b\w+\b", document.lower()):
            if word not in vocabulary:
                vocabulary[word] = len(vocabulary)
    return vocabulary
''',
        "indices from 1": r'''
def build_vocabulary(documents):
    words = sorted({w for d in documents for w in re.findall(r"\b\w+\b", d.lower())})
    return {word: index + 1 for index, word in enumerate(words)}
''',
        "duplicates leave gaps": r'''
def build_vocabulary(documents):
    words = sorted(w for d in documents for w in re.findall(r"\b\w+\b", d.lower()))
    return {word: index for index, word in enumerate(words)}
''',
        "most frequent first": r'''
from collections import Counter


def build_vocabulary(documents):
    counts = Counter(w for d in documents for w in re.findall(r"\b\w+\b", d.lower()))
    return {word: index for index, (word, _) in enumerate(counts.most_common())}
''',
    },
    "bag_of_words": {
        "presence 0/1 instead of counts": r'''
def bag_of_words(documents, vocabulary):
    counts = np.zeros((len(documents), len(vocabulary)), dtype=int)
    for row, document in enumerate(documents):
        for word in set(re.findall(r"\b\w+\b", document.lower())):
            if word in vocabulary:
                counts[row, vocabulary[word]] = 1
    return counts
''',
        "float counts (np.zeros without dtype)": r'''
def bag_of_words(documents, vocabulary):
    counts = np.zeros((len(documents), len(vocabulary)))
    for row, document in enumerate(documents):
        for word in re.findall(r"\b\w+\b", document.lower()):
            if word in vocabulary:
                counts[row, vocabulary[word]] += 1
    return counts
''',
        "out-of-vocabulary word raises KeyError": r'''
def bag_of_words(documents, vocabulary):
    counts = np.zeros((len(documents), len(vocabulary)), dtype=int)
    for row, document in enumerate(documents):
        for word in re.findall(r"\b\w+\b", document.lower()):
            counts[row, vocabulary[word]] += 1
    return counts
''',
        "substring counting with str.count": '''
def bag_of_words(documents, vocabulary):
    counts = np.zeros((len(documents), len(vocabulary)), dtype=int)
    for row, document in enumerate(documents):
        for word, column in vocabulary.items():
            counts[row, column] = document.lower().count(word)
    return counts
''',
        "columns in sorted word order, ignoring the indices": r'''
def bag_of_words(documents, vocabulary):
    words = sorted(vocabulary)
    return np.array([[re.findall(r"\b\w+\b", d.lower()).count(w) for w in words] for d in documents],
                    dtype=int).reshape(len(documents), len(words))
''',
    },
    "tf_idf": {
        "idf without smoothing ln(n/df) + 1": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = counts * (np.log(len(counts) / df) + 1)
    lengths = np.linalg.norm(weights, axis=1, keepdims=True)
    return weights / np.where(lengths > 0, lengths, 1)
''',
        "idf without +1": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    weights = counts * np.log((1 + len(counts)) / (1 + df))
    lengths = np.linalg.norm(weights, axis=1, keepdims=True)
    return weights / np.where(lengths > 0, lengths, 1)
''',
        "df as total count of the word": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = counts.sum(axis=0)
    weights = counts * (np.log((1 + len(counts)) / (1 + df)) + 1)
    lengths = np.linalg.norm(weights, axis=1, keepdims=True)
    return weights / np.where(lengths > 0, lengths, 1)
''',
        "normalises columns": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    weights = counts * (np.log((1 + len(counts)) / (1 + df)) + 1)
    lengths = np.linalg.norm(weights, axis=0, keepdims=True)
    return weights / np.where(lengths > 0, lengths, 1)
''',
        "L1 instead of L2": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    weights = counts * (np.log((1 + len(counts)) / (1 + df)) + 1)
    lengths = weights.sum(axis=1, keepdims=True)
    return weights / np.where(lengths > 0, lengths, 1)
''',
        "NaN on all-zero rows": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    weights = counts * (np.log((1 + len(counts)) / (1 + df)) + 1)
    with np.errstate(invalid="ignore"):
        return weights / np.linalg.norm(weights, axis=1, keepdims=True)
''',
        "modifies float input in place": '''
def tf_idf(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    counts *= np.log((1 + len(counts)) / (1 + df)) + 1
    lengths = np.linalg.norm(counts, axis=1, keepdims=True)
    counts /= np.where(lengths > 0, lengths, 1)
    return counts
''',
    },
    "cosine_similarity": {
        "NaN on a zero vector": '''
def cosine_similarity(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
''',
        "dot product without normalising": '''
def cosine_similarity(a, b):
    return float(np.dot(a, b))
''',
        "divides by squared lengths": '''
def cosine_similarity(a, b):
    denominator = np.dot(a, a) * np.dot(b, b)
    return float(np.dot(a, b) / denominator) if denominator else 0.0
''',
        "cosine distance (scipy's cosine)": '''
def cosine_similarity(a, b):
    lengths = np.linalg.norm(a) * np.linalg.norm(b)
    return float(1 - np.dot(a, b) / lengths) if lengths else 0.0
''',
    },
    "rank_documents": {
        "ascending order": '''
def rank_documents(query_vector, doc_matrix):
    lengths = np.linalg.norm(doc_matrix, axis=1) * np.linalg.norm(query_vector)
    scores = np.divide(doc_matrix @ query_vector, lengths, out=np.zeros(len(doc_matrix)), where=lengths > 0)
    return np.argsort(scores, kind="stable")
''',
        "reversed ascending argsort: ties by higher index": '''
def rank_documents(query_vector, doc_matrix):
    lengths = np.linalg.norm(doc_matrix, axis=1) * np.linalg.norm(query_vector)
    scores = np.divide(doc_matrix @ query_vector, lengths, out=np.zeros(len(doc_matrix)), where=lengths > 0)
    return np.argsort(scores, kind="stable")[::-1]
''',
        "ranks by raw dot product": '''
def rank_documents(query_vector, doc_matrix):
    return np.argsort(-(doc_matrix @ query_vector), kind="stable")
''',
        "sorted (score, index) pairs in reverse: ties by higher index": '''
def rank_documents(query_vector, doc_matrix):
    lengths = np.linalg.norm(doc_matrix, axis=1) * np.linalg.norm(query_vector)
    scores = np.divide(doc_matrix @ query_vector, lengths, out=np.zeros(len(doc_matrix)), where=lengths > 0)
    return np.array([index for _, index in sorted(zip(scores, range(len(scores))), reverse=True)])
''',
        "leaves out documents with similarity 0": '''
def rank_documents(query_vector, doc_matrix):
    lengths = np.linalg.norm(doc_matrix, axis=1) * np.linalg.norm(query_vector)
    scores = np.divide(doc_matrix @ query_vector, lengths, out=np.zeros(len(doc_matrix)), where=lengths > 0)
    order = np.argsort(-scores, kind="stable")
    return order[scores[order] > 0]
''',
    },
}

ALTERNATIVES = {
    # A scan over the characters: str.isalnum() and "_" are exactly what \w matches.
    "tokenize_words": '''
def tokenize_words(text):
    words, current = [], []
    for character in text.lower():
        if character.isalnum() or character == "_":
            current.append(character)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words
''',
    # np.unique sorts by code point, as Python does; its items are np.str_, converted back to str.
    "build_vocabulary": '''
def build_vocabulary(documents):
    tokens = [word for document in documents for word in tokenize_words(document)]
    return {str(word): int(index) for index, word in enumerate(np.unique(np.array(tokens, dtype=str)))}
''',
    "bag_of_words": '''
from collections import Counter


def bag_of_words(documents, vocabulary):
    rows = []
    for document in documents:
        row = [0] * len(vocabulary)
        for word, count in Counter(tokenize_words(document)).items():
            column = vocabulary.get(word)
            if column is not None:
                row[column] = count
        rows.append(row)
    return np.array(rows, dtype=np.int32).reshape(len(documents), len(vocabulary))
''',
    # Column by column and row by row with math, no NumPy broadcasting.
    "tf_idf": '''
import math


def tf_idf(counts):
    n_docs, n_words = np.shape(counts)
    result = np.zeros((n_docs, n_words))
    for j in range(n_words):
        df = sum(1 for i in range(n_docs) if counts[i][j] > 0)
        idf = math.log((1 + n_docs) / (1 + df)) + 1
        for i in range(n_docs):
            result[i, j] = counts[i][j] * idf
    for i in range(n_docs):
        length = math.sqrt(sum(value * value for value in result[i]))
        if length > 0:
            result[i] /= length
    return result
''',
    "cosine_similarity": '''
import math


def cosine_similarity(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    length_a = math.sqrt(sum(x * x for x in a))
    length_b = math.sqrt(sum(y * y for y in b))
    if length_a == 0 or length_b == 0:
        return 0.0
    return dot / (length_a * length_b)
''',
    # All similarities at once from unit vectors, then a sort keyed on (-similarity, index).
    "rank_documents": '''
def rank_documents(query_vector, doc_matrix):
    def unit(vectors):
        lengths = np.linalg.norm(vectors, axis=-1, keepdims=True)
        return vectors / np.where(lengths > 0, lengths, 1.0)

    similarities = unit(doc_matrix) @ unit(query_vector)
    order = sorted(range(len(similarities)), key=lambda i: (-similarities[i], i))
    return np.array(order, dtype=np.int64)
''',
}
