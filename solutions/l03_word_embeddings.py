"""Lesson 03: word embeddings (word2vec, skip-gram with negative sampling).

Embedding matrices are (V, d): row i is the d-dimensional vector of word id i. Skip-gram keeps two
of them: W_center (the vectors v of words in the middle of a window) and W_outside (the vectors u
of the words around it).
"""

import numpy as np


def skipgram_pairs(token_ids, window):
    """Every (center, context) training pair of skip-gram.

    token_ids: sequence of T int word ids. window: int >= 0, how many positions to look on each side.
    Returns a list of (center_id, context_id) tuples of ints: for each position i in order, and for
    each context position j from i - window to i + window in increasing order, skipping j == i and
    positions outside the sequence. A position is never paired with itself, but two different
    positions holding the same id do make a pair.
    Example: skipgram_pairs([5, 6, 7], 1) == [(5, 6), (6, 5), (6, 7), (7, 6)].
    """
    ### BEGIN SOLUTION
    ids = [int(token) for token in token_ids]
    pairs = []
    for i, center in enumerate(ids):
        for j in range(max(0, i - window), min(len(ids), i + window + 1)):
            if j != i:
                pairs.append((center, ids[j]))
    return pairs
    ### END SOLUTION


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise, accurate for every x.

    x: a number or an array of any shape. Returns the same shape. It must not overflow (no
    RuntimeWarning) for large |x| (x = -1000 gives 0.0, x = 1000 gives 1.0), and it must keep its
    relative precision where sigmoid(x) is tiny: sigmoid(-40) is about 4.2e-18, not 0.
    Hint: exp(-|x|) never overflows.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    small = np.exp(-np.abs(x))  # in (0, 1]
    result = np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    return result[()]  # a NumPy float for a number, an array for an array
    ### END SOLUTION


def negative_sampling_loss_and_gradients(center_vec, outside_vec, negative_vecs):
    """Skip-gram negative-sampling loss of one (center, outside) pair, and its gradients.

    center_vec: (d,) the center word's vector v_c. outside_vec: (d,) the true context word's vector
    u_o. negative_vecs: (K, d), row k the vector u_k of the k-th sampled negative word.
        loss = -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)
    Returns (loss, grad_center, grad_outside, grad_negatives): a float, (d,), (d,), (K, d), the
    partial derivatives of the loss with respect to v_c, u_o and each row u_k. A word drawn twice as
    a negative is two rows: it counts twice in the loss and in grad_center, and each row gets its
    own gradient row.
    """
    ### BEGIN SOLUTION
    v_c = np.asarray(center_vec, dtype=float)
    u_o = np.asarray(outside_vec, dtype=float)
    u_k = np.asarray(negative_vecs, dtype=float)
    outside_score = u_o @ v_c
    negative_scores = u_k @ v_c
    # -log sigmoid(s) = log(1 + exp(-s)) = logaddexp(0, -s), which never overflows; the
    # negatives' terms are -log sigmoid(-s_k) = logaddexp(0, s_k)
    loss = np.logaddexp(0.0, -outside_score) + np.sum(np.logaddexp(0.0, negative_scores))
    outside_error = sigmoid(outside_score) - 1.0  # d loss / d (u_o . v_c)
    negative_weights = sigmoid(negative_scores)  # d loss / d (u_k . v_c), one per row
    grad_center = outside_error * u_o + negative_weights @ u_k
    grad_outside = outside_error * v_c
    grad_negatives = np.outer(negative_weights, v_c)
    return float(loss), grad_center, grad_outside, grad_negatives
    ### END SOLUTION


def noise_distribution(counts, power=0.75):
    """The distribution negatives are drawn from: unigram counts raised to `power`, normalised.

    counts: (V,) non-negative word counts, at least one positive. power: float > 0.
    Returns a (V,) float array P with P[w] = counts[w]**power / sum_v counts[v]**power (sums to 1;
    a word never seen gets probability 0).
    """
    ### BEGIN SOLUTION
    weights = np.asarray(counts, dtype=float) ** power
    return weights / weights.sum()
    ### END SOLUTION


def sgd_step(W_center, W_outside, center_id, outside_id, negative_ids, lr):
    """One step of stochastic gradient descent on the loss of one (center, outside) pair.

    W_center, W_outside: (V, d) embedding matrices (row i is word i's vector). center_id,
    outside_id: ints. negative_ids: sequence of K ints (repeats allowed). lr: learning rate.
    Computes all gradients at the current values (negative_sampling_loss_and_gradients on
    W_center[center_id], W_outside[outside_id], W_outside[negative_ids]), then moves each of these
    rows by -lr times its gradient. A row used several times (a negative drawn twice, or the outside
    word also drawn as a negative) moves by the sum of its gradients.
    Returns (new_W_center, new_W_outside): updated copies; the input arrays are not modified.
    """
    ### BEGIN SOLUTION
    negative_ids = np.asarray(negative_ids, dtype=int)
    center_vec, outside_vec = W_center[center_id], W_outside[outside_id]
    _, grad_center, grad_outside, grad_negatives = negative_sampling_loss_and_gradients(
        center_vec, outside_vec, W_outside[negative_ids])
    new_center = np.array(W_center, dtype=float)
    new_outside = np.array(W_outside, dtype=float)
    new_center[center_id] -= lr * grad_center
    new_outside[outside_id] -= lr * grad_outside
    # np.add.at adds once per occurrence; new_outside[ids] -= ... would keep only one of the repeats
    np.add.at(new_outside, negative_ids, -lr * grad_negatives)
    return new_center, new_outside
    ### END SOLUTION


def cosine_similarities(embeddings, vector):
    """Helper for nearest_neighbors and analogy: the cosine similarity of every row with `vector`.

    embeddings: (V, d). vector: (d,). Returns (V,) floats in [-1, 1]; 0.0 where the row or the
    vector is all zeros (the cosine is undefined there, and 0 means "unrelated").
    """
    ### BEGIN SOLUTION
    embeddings = np.asarray(embeddings, dtype=float)
    vector = np.asarray(vector, dtype=float)
    norms = np.linalg.norm(embeddings, axis=1) * np.linalg.norm(vector)
    dots = embeddings @ vector
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    ### END SOLUTION


def nearest_neighbors(embeddings, query_id, k):
    """The k words most similar to word `query_id`, by cosine similarity.

    embeddings: (V, d), row i the vector of word i. query_id: int. k: int, 1 <= k <= V - 1.
    Returns a list of k int ids, most similar first; the query itself is never included (even when
    another word has the very same vector). Equal similarities: the lower id comes first. A zero
    vector has similarity 0 with everything.
    """
    ### BEGIN SOLUTION
    similarities = cosine_similarities(embeddings, np.asarray(embeddings, dtype=float)[query_id])
    similarities[query_id] = -np.inf
    order = np.argsort(-similarities, kind="stable")  # stable: equal similarities keep the lower id first
    return [int(i) for i in order[:k]]
    ### END SOLUTION


def analogy(embeddings, a, b, c, k=1):
    """Solve "a is to b as c is to ?": the words closest to v_b - v_a + v_c.

    embeddings: (V, d), row i the vector of word i, used as given (not normalised first).
    a, b, c: int ids. k: how many answers, at most V minus the number of distinct ids in {a, b, c}.
    Returns a list of k int ids by decreasing cosine similarity to v_b - v_a + v_c, never a, b or c
    (the target is usually closest to b or c themselves). Equal similarities: the lower id first.
    Example: "man is to king as woman is to ?" is analogy(E, man, king, woman), hopefully [queen].
    """
    ### BEGIN SOLUTION
    embeddings = np.asarray(embeddings, dtype=float)
    similarities = cosine_similarities(embeddings, embeddings[b] - embeddings[a] + embeddings[c])
    similarities[[a, b, c]] = -np.inf
    order = np.argsort(-similarities, kind="stable")
    return [int(i) for i in order[:k]]
    ### END SOLUTION


def mean_pool(token_vectors, mask=None):
    """A sentence vector: the mean of its token vectors, over the tokens the mask keeps.

    token_vectors: (..., T, d). mask: None (keep every token) or (..., T) of bools or 0/1 ints,
    True/1 for a real token, False/0 for padding. Returns (..., d): for each sequence, the sum of
    its kept token vectors divided by how many tokens it keeps. A sequence with no kept token gets
    the zero vector (not NaN).
    """
    ### BEGIN SOLUTION
    token_vectors = np.asarray(token_vectors, dtype=float)
    if mask is None:
        return token_vectors.mean(axis=-2)
    weights = np.asarray(mask, dtype=float)[..., None]  # (..., T, 1)
    totals = (token_vectors * weights).sum(axis=-2)
    kept = weights.sum(axis=-2)
    return totals / np.maximum(kept, 1.0)
    ### END SOLUTION
