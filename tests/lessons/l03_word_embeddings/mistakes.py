"""Lesson 03: wrong implementations students really write (each must lose points) and correct ones
written differently from the reference (each must get full marks).

Each entry replaces one solution cell of the released notebook, where the other exercises are
still stubs: code here must not call another exercise's function (sgd_step computes its own
gradients, the loss its own sigmoid), or it would fail for the wrong reason.
"""

SIGMOID_HELPER = """
def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
"""

# negative_sampling_loss_and_gradients with its formulas as parameters, to write its mistakes short
LOSS_TEMPLATE = SIGMOID_HELPER + """

def negative_sampling_loss_and_gradients(center_vec, outside_vec, negative_vecs):
    v_c, u_o, u_k = center_vec, outside_vec, negative_vecs
    s_o, s_k = u_o @ v_c, u_k @ v_c
    loss = {loss}
    grad_center = {grad_center}
    grad_outside = {grad_outside}
    grad_negatives = {grad_negatives}
    return loss, grad_center, grad_outside, grad_negatives
"""
CORRECT_LOSS = {
    "loss": "-np.log(_sigmoid(s_o)) - np.sum(np.log(_sigmoid(-s_k)))",
    "grad_center": "(_sigmoid(s_o) - 1) * u_o + _sigmoid(s_k) @ u_k",
    "grad_outside": "(_sigmoid(s_o) - 1) * v_c",
    "grad_negatives": "np.outer(_sigmoid(s_k), v_c)",
}


def loss_with(**changes):
    return LOSS_TEMPLATE.format(**{**CORRECT_LOSS, **changes})


# sgd_step with its own gradients; {copy} and {update} are the parts the mistakes change
SGD_TEMPLATE = SIGMOID_HELPER + """

def sgd_step(W_center, W_outside, center_id, outside_id, negative_ids, lr):
    negative_ids = np.asarray(negative_ids)
    v_c, u_o, u_k = W_center[center_id], W_outside[outside_id], W_outside[negative_ids]
    sig_o, sig_k = _sigmoid(u_o @ v_c), _sigmoid(u_k @ v_c)
    grad_center = (sig_o - 1) * u_o + sig_k @ u_k
    grad_outside = (sig_o - 1) * v_c
    grad_negatives = np.outer(sig_k, v_c)
    {copy}
    {update}
    return new_center, new_outside
"""
COPY = "new_center, new_outside = W_center.copy(), W_outside.copy()"
UPDATE = """new_center[center_id] -= lr * grad_center
    new_outside[outside_id] -= lr * grad_outside
    np.add.at(new_outside, negative_ids, -lr * grad_negatives)"""


def sgd_with(copy=COPY, update=UPDATE):
    return SGD_TEMPLATE.format(copy=copy, update=update)


RANKING_TEMPLATE = """
def cosine_similarities(embeddings, vector):
    norms = np.linalg.norm(embeddings, axis=1) * np.linalg.norm(vector)
    return embeddings @ vector / norms


def nearest_neighbors(embeddings, query_id, k):
    {body}
"""

ANALOGY_TEMPLATE = """
def analogy(embeddings, a, b, c, k=1):
    target = {target}
    similarities = embeddings @ target / (np.linalg.norm(embeddings, axis=1) * np.linalg.norm(target))
    {body}
"""
EXCLUDE_AND_SORT = """similarities[[a, b, c]] = -np.inf
    return list(np.argsort(-similarities, kind="stable")[:k])"""

MEAN_POOL_TEMPLATE = """
def mean_pool(token_vectors, mask=None):
    if mask is None:
        return token_vectors.mean(axis=-2)
    {body}
"""

MISTAKES = {
    "skipgram_pairs": {
        "pairs a position with itself": """
def skipgram_pairs(token_ids, window):
    pairs = []
    for i in range(len(token_ids)):
        for j in range(max(0, i - window), min(len(token_ids), i + window + 1)):
            pairs.append((token_ids[i], token_ids[j]))
    return pairs
""",
        "window one short on the right (range end exclusive)": """
def skipgram_pairs(token_ids, window):
    pairs = []
    for i in range(len(token_ids)):
        for j in range(max(0, i - window), min(len(token_ids), i + window)):
            if j != i:
                pairs.append((token_ids[i], token_ids[j]))
    return pairs
""",
        "skips contexts equal to the center word instead of the center position": """
def skipgram_pairs(token_ids, window):
    pairs = []
    for i, center in enumerate(token_ids):
        for j in range(max(0, i - window), min(len(token_ids), i + window + 1)):
            if token_ids[j] != center:
                pairs.append((center, token_ids[j]))
    return pairs
""",
        "negative positions wrap around to the end of the sentence": """
def skipgram_pairs(token_ids, window):
    pairs = []
    for i in range(len(token_ids)):
        for j in range(i - window, i + window + 1):
            if j != i and j < len(token_ids):
                pairs.append((token_ids[i], token_ids[j]))
    return pairs
""",
        "pairs ordered by offset instead of by position": """
def skipgram_pairs(token_ids, window):
    pairs = []
    for offset in range(-window, window + 1):
        if offset == 0:
            continue
        for i in range(len(token_ids)):
            if 0 <= i + offset < len(token_ids):
                pairs.append((token_ids[i], token_ids[i + offset]))
    return pairs
""",
    },
    "sigmoid": {
        "1 / (1 + exp(-x)): overflow, 0 instead of a tiny value": """
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
""",
        "exp(x) / (1 + exp(x)): NaN for large x": """
def sigmoid(x):
    e = np.exp(np.asarray(x, dtype=float))
    return e / (1.0 + e)
""",
        "clips x to +-500 to avoid the overflow": """
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))
""",
        "tanh form loses relative precision": """
def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(np.asarray(x, dtype=float) / 2))
""",
    },
    "negative_sampling_loss_and_gradients": {
        "grad_outside with the wrong sign": loss_with(grad_outside="(1 - _sigmoid(s_o)) * v_c"),
        "grad_negatives transposed, (d, K)": loss_with(grad_negatives="np.outer(v_c, _sigmoid(s_k))"),
        "loss averages the negatives": loss_with(
            loss="-np.log(_sigmoid(s_o)) - np.mean(np.log(_sigmoid(-s_k)))"),
        "grad_center forgets the negatives": loss_with(grad_center="(_sigmoid(s_o) - 1) * u_o"),
        "negatives' term without the minus inside sigmoid": loss_with(
            loss="-np.log(_sigmoid(s_o)) - np.sum(np.log(_sigmoid(s_k)))",
            grad_center="(_sigmoid(s_o) - 1) * u_o - (1 - _sigmoid(s_k)) @ u_k",
            grad_negatives="-np.outer(1 - _sigmoid(s_k), v_c)"),
        "grad_negatives with 1 - sigmoid": loss_with(grad_negatives="np.outer(1 - _sigmoid(s_k), v_c)"),
        "repeated negatives dropped with np.unique": loss_with(
            loss="-np.log(_sigmoid(s_o)) - np.sum(np.log(_sigmoid(-(np.unique(u_k, axis=0) @ v_c))))"),
    },
    "noise_distribution": {
        "not normalised": """
def noise_distribution(counts, power=0.75):
    return np.asarray(counts, dtype=float) ** power
""",
        "ignores the power argument": """
def noise_distribution(counts, power=0.75):
    weights = np.asarray(counts, dtype=float) ** 0.75
    return weights / weights.sum()
""",
        "normalises first, then raises to the power": """
def noise_distribution(counts, power=0.75):
    probabilities = np.asarray(counts, dtype=float) / np.sum(counts)
    return probabilities ** power
""",
        "multiplies by the power": """
def noise_distribution(counts, power=0.75):
    weights = np.asarray(counts, dtype=float) * power
    return weights / weights.sum()
""",
    },
    "sgd_step": {
        "fancy-index assignment: repeated negatives not accumulated": sgd_with(update="""new_center[center_id] -= lr * grad_center
    new_outside[outside_id] -= lr * grad_outside
    new_outside[negative_ids] -= lr * grad_negatives"""),
        "updates the input arrays in place": sgd_with(copy="new_center, new_outside = W_center, W_outside"),
        "gradient ascent": sgd_with(update="""new_center[center_id] += lr * grad_center
    new_outside[outside_id] += lr * grad_outside
    np.add.at(new_outside, negative_ids, lr * grad_negatives)"""),
        "outside gradients computed with the already-updated center vector": sgd_with(update="""new_center[center_id] -= lr * grad_center
    v_new = new_center[center_id]
    new_outside[outside_id] -= lr * (_sigmoid(u_o @ v_new) - 1) * v_new
    np.add.at(new_outside, negative_ids, -lr * np.outer(_sigmoid(u_k @ v_new), v_new))"""),
        "negative rows applied to W_center": sgd_with(update="""new_center[center_id] -= lr * grad_center
    new_outside[outside_id] -= lr * grad_outside
    np.add.at(new_center, negative_ids, -lr * grad_negatives)"""),
    },
    "nearest_neighbors": {
        "includes the query itself": RANKING_TEMPLATE.format(body="""similarities = cosine_similarities(embeddings, embeddings[query_id])
    return list(np.argsort(-similarities, kind="stable")[:k])"""),
        "ranks by dot product": RANKING_TEMPLATE.format(body="""similarities = embeddings @ embeddings[query_id]
    similarities[query_id] = -np.inf
    return list(np.argsort(-similarities, kind="stable")[:k])"""),
        "reversed ascending argsort: ties to the higher id": RANKING_TEMPLATE.format(body="""similarities = cosine_similarities(embeddings, embeddings[query_id])
    order = [int(i) for i in np.argsort(similarities)[::-1] if i != query_id]
    return order[:k]"""),
        "drops the first result assuming it is the query": RANKING_TEMPLATE.format(body="""similarities = cosine_similarities(embeddings, embeddings[query_id])
    return list(np.argsort(-similarities, kind="stable")[1:k + 1])"""),
    },
    "analogy": {
        "returns the input words": ANALOGY_TEMPLATE.format(
            target="embeddings[b] - embeddings[a] + embeddings[c]",
            body='return list(np.argsort(-similarities, kind="stable")[:k])'),
        "normalises the vectors first": ANALOGY_TEMPLATE.format(
            target="(lambda unit: unit[b] - unit[a] + unit[c])(embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True))",
            body=EXCLUDE_AND_SORT),
        "target in the wrong direction, v_a - v_b + v_c": ANALOGY_TEMPLATE.format(
            target="embeddings[a] - embeddings[b] + embeddings[c]", body=EXCLUDE_AND_SORT),
        "reversed ascending argsort: ties to the higher id": ANALOGY_TEMPLATE.format(
            target="embeddings[b] - embeddings[a] + embeddings[c]",
            body="""order = [int(i) for i in np.argsort(similarities)[::-1] if i not in (a, b, c)]
    return order[:k]"""),
    },
    "mean_pool": {
        "divides by T instead of the number of kept tokens": MEAN_POOL_TEMPLATE.format(
            body="return (token_vectors * mask[..., None]).sum(axis=-2) / token_vectors.shape[-2]"),
        "ignores the mask": MEAN_POOL_TEMPLATE.format(body="return token_vectors.mean(axis=-2)"),
        "NaN for a fully masked sequence": MEAN_POOL_TEMPLATE.format(
            body="return (token_vectors * mask[..., None]).sum(axis=-2) / mask.sum(axis=-1)[..., None]"),
        "boolean indexing flattens the batch": MEAN_POOL_TEMPLATE.format(
            body="return token_vectors[mask.astype(bool)].mean(axis=0)"),
    },
}

ALTERNATIVES = {
    "skipgram_pairs": """
def skipgram_pairs(token_ids, window):
    ids = [int(t) for t in token_ids]
    return [(ids[i], ids[j]) for i in range(len(ids))
            for j in range(i - window, i + window + 1) if j != i and 0 <= j < len(ids)]
""",
    "sigmoid": """
def sigmoid(x):
    # sigma(x) = exp(-log(1 + exp(-x))), with log(1 + exp(-x)) from logaddexp
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
""",
    "negative_sampling_loss_and_gradients": """
import math


def negative_sampling_loss_and_gradients(center_vec, outside_vec, negative_vecs):
    def log_sigmoid(s):
        return -math.log1p(math.exp(-s)) if s >= 0 else s - math.log1p(math.exp(s))

    def sig(s):
        return math.exp(log_sigmoid(s))

    s_o = float(np.dot(outside_vec, center_vec))
    loss = -log_sigmoid(s_o)
    grad_center = (sig(s_o) - 1.0) * np.array(outside_vec, dtype=float)
    grad_negatives = np.zeros((len(negative_vecs), len(center_vec)))
    for k, u_k in enumerate(negative_vecs):
        s_k = float(np.dot(u_k, center_vec))
        loss -= log_sigmoid(-s_k)
        grad_center = grad_center + sig(s_k) * u_k
        grad_negatives[k] = sig(s_k) * center_vec
    return loss, grad_center, (sig(s_o) - 1.0) * np.array(center_vec, dtype=float), grad_negatives
""",
    "noise_distribution": """
def noise_distribution(counts, power=0.75):
    weights = np.power(np.asarray(counts, dtype=float), power)
    return weights / np.sum(weights)
""",
    "sgd_step": SIGMOID_HELPER + """

def sgd_step(W_center, W_outside, center_id, outside_id, negative_ids, lr):
    v_c = W_center[center_id].copy()
    u_o = W_outside[outside_id].copy()
    new_center, new_outside = np.array(W_center), np.array(W_outside)
    new_center[center_id] -= lr * ((_sigmoid(u_o @ v_c) - 1) * u_o
                                   + sum(_sigmoid(W_outside[n] @ v_c) * W_outside[n] for n in negative_ids))
    new_outside[outside_id] -= lr * (_sigmoid(u_o @ v_c) - 1) * v_c
    for n in negative_ids:  # one update per draw, each from the old values: repeats add up
        new_outside[n] -= lr * _sigmoid(W_outside[n] @ v_c) * v_c
    return new_center, new_outside
""",
    "nearest_neighbors": """
def cosine_similarities(embeddings, vector):
    unit_rows = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    return unit_rows @ (vector / np.linalg.norm(vector))


def nearest_neighbors(embeddings, query_id, k):
    similarities = cosine_similarities(embeddings, embeddings[query_id])
    candidates = [i for i in range(len(embeddings)) if i != query_id]
    return np.array(sorted(candidates, key=lambda i: (-similarities[i], i))[:k])
""",
    "analogy": """
def analogy(embeddings, a, b, c, k=1):
    target = embeddings[b] - embeddings[a] + embeddings[c]
    scored = []
    for i, row in enumerate(embeddings):
        if i not in (a, b, c):
            scored.append((-(row @ target) / (np.linalg.norm(row) * np.linalg.norm(target)), i))
    return [i for _, i in sorted(scored)[:k]]
""",
    "mean_pool": """
def mean_pool(token_vectors, mask=None):
    if mask is None:
        mask = np.ones(token_vectors.shape[:-1])
    weights = np.asarray(mask, dtype=float)
    counts = weights.sum(axis=-1, keepdims=True)
    sums = np.einsum("...t,...td->...d", weights, token_vectors)
    return np.where(counts > 0, sums / np.where(counts > 0, counts, 1.0), 0.0)
""",
}
