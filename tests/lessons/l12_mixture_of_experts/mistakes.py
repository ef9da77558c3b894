"""Lesson 12 (Mixture of Experts): wrong implementations students really write (each must lose points
of its exercise) and correct ones written differently from the reference (each must get full marks).
Each string replaces the exercise's solution cell of the source notebook, where `softmax` and
`swiglu` are provided and every other function is the reference."""

MISTAKES = {
    "router_probabilities": {
        "softmax over the tokens (axis 0)": '''
def router_probabilities(x, W_router):
    return softmax(x @ W_router, axis=0)
''',
        "the logits, no softmax": '''
def router_probabilities(x, W_router):
    return x @ W_router
''',
        "a sigmoid per expert (probabilities that do not share 1)": '''
def router_probabilities(x, W_router):
    return 1 / (1 + np.exp(-(x @ W_router)))
''',
        "exp without subtracting the maximum (overflows on confident routers)": '''
def router_probabilities(x, W_router):
    scores = np.exp(x @ W_router)
    return scores / scores.sum(axis=-1, keepdims=True)
''',
    },
    "top_k_route": {
        "all experts' softmax, not renormalised over the k chosen": '''
def top_k_route(router_logits, k):
    probabilities = softmax(router_logits, axis=-1)
    expert_ids = np.argsort(-router_logits, axis=-1, kind="stable")[:, :k]
    return np.take_along_axis(probabilities, expert_ids, axis=-1), expert_ids
''',
        "ties to the higher id (ascending sort reversed)": '''
def top_k_route(router_logits, k):
    expert_ids = np.argsort(router_logits, axis=-1)[:, ::-1][:, :k]
    chosen = np.take_along_axis(router_logits, expert_ids, axis=-1)
    return softmax(chosen, axis=-1), expert_ids
''',
        "probabilities over the wrong axis (the tokens)": '''
def top_k_route(router_logits, k):
    probabilities = softmax(router_logits, axis=0)
    expert_ids = np.argsort(-probabilities, axis=-1, kind="stable")[:, :k]
    chosen = np.take_along_axis(probabilities, expert_ids, axis=-1)
    return chosen / chosen.sum(axis=-1, keepdims=True), expert_ids
''',
        "argpartition: the chosen experts in no particular order": '''
def top_k_route(router_logits, k):
    expert_ids = np.sort(np.argpartition(-router_logits, k - 1, axis=-1)[:, :k], axis=-1)
    chosen = np.take_along_axis(router_logits, expert_ids, axis=-1)
    return softmax(chosen, axis=-1), expert_ids
''',
        "equal weights 1/k": '''
def top_k_route(router_logits, k):
    expert_ids = np.argsort(-router_logits, axis=-1, kind="stable")[:, :k]
    return np.full(expert_ids.shape, 1.0 / k), expert_ids
''',
    },
    "moe_layer": {
        "experts applied to all tokens, weight j given to expert j": '''
def moe_layer(x, W_router, experts, k):
    weights, expert_ids = top_k_route(x @ W_router, k)
    outputs = [swiglu(x, *expert) for expert in experts]
    return sum(weights[:, j, None] * outputs[j] for j in range(k))
''',
        "router probabilities as weights, not renormalised": '''
def moe_layer(x, W_router, experts, k):
    probabilities = router_probabilities(x, W_router)
    _, expert_ids = top_k_route(x @ W_router, k)
    output = np.zeros_like(x)
    for t in range(len(x)):
        for e in expert_ids[t]:
            output[t] += probabilities[t, e] * swiglu(x[t], *experts[e])
    return output
''',
        "top_k_route given the probabilities instead of the logits": '''
def moe_layer(x, W_router, experts, k):
    weights, expert_ids = top_k_route(router_probabilities(x, W_router), k)
    output = np.zeros_like(x)
    for t in range(len(x)):
        for j in range(k):
            output[t] += weights[t, j] * swiglu(x[t], *experts[expert_ids[t, j]])
    return output
''',
        "scatter by assignment (=): the last expert overwrites the others": '''
def moe_layer(x, W_router, experts, k):
    weights, expert_ids = top_k_route(x @ W_router, k)
    output = np.zeros_like(x)
    for e, expert in enumerate(experts):
        tokens, slots = np.nonzero(expert_ids == e)
        output[tokens] = weights[tokens, slots, None] * swiglu(x[tokens], *expert)
    return output
''',
        "a dense soft mixture of all experts": '''
def moe_layer(x, W_router, experts, k):
    probabilities = router_probabilities(x, W_router)
    return sum(probabilities[:, e, None] * swiglu(x, *expert) for e, expert in enumerate(experts))
''',
    },
    "load_balancing_loss": {
        "without the factor E": '''
def load_balancing_loss(router_logits, k):
    probabilities = softmax(router_logits, axis=-1)
    _, expert_ids = top_k_route(router_logits, k)
    T, E = router_logits.shape
    fraction = np.bincount(expert_ids.ravel(), minlength=E) / T
    return float(np.sum(fraction * probabilities.mean(axis=0)))
''',
        "probabilities of the selected experts only": '''
def load_balancing_loss(router_logits, k):
    probabilities = softmax(router_logits, axis=-1)
    _, expert_ids = top_k_route(router_logits, k)
    T, E = router_logits.shape
    chosen = np.zeros((T, E))
    np.put_along_axis(chosen, expert_ids, 1.0, axis=-1)
    fraction = chosen.mean(axis=0)
    return float(E * np.sum(fraction * (probabilities * chosen).mean(axis=0)))
''',
        "the fraction of the T * k choices (balanced routing gives 1)": '''
def load_balancing_loss(router_logits, k):
    probabilities = softmax(router_logits, axis=-1)
    _, expert_ids = top_k_route(router_logits, k)
    E = router_logits.shape[1]
    fraction = np.bincount(expert_ids.ravel(), minlength=E) / expert_ids.size
    return float(E * np.sum(fraction * probabilities.mean(axis=0)))
''',
        "only each token's favourite expert counted": '''
def load_balancing_loss(router_logits, k):
    probabilities = softmax(router_logits, axis=-1)
    T, E = router_logits.shape
    fraction = np.bincount(np.argmax(router_logits, axis=-1), minlength=E) / T
    return float(E * np.sum(fraction * probabilities.mean(axis=0)))
''',
    },
    "moe_parameter_counts": {
        "all experts counted as active": '''
def moe_parameter_counts(config):
    d, V, L = config["hidden_size"], config["vocab_size"], config["num_hidden_layers"]
    H, KV = config["num_attention_heads"], config["num_key_value_heads"]
    hd = config.get("head_dim") or d // H
    E = config["num_local_experts"]
    per_layer = 2 * d * H * hd + 2 * d * KV * hd + d * E + E * 3 * d * config["intermediate_size"] + 2 * d
    total = V * d + L * per_layer + d + (0 if config.get("tie_word_embeddings") else V * d)
    return total, total
''',
        "routers forgotten": '''
def moe_parameter_counts(config):
    d, V, L = config["hidden_size"], config["vocab_size"], config["num_hidden_layers"]
    H, KV = config["num_attention_heads"], config["num_key_value_heads"]
    hd = config.get("head_dim") or d // H
    expert = 3 * d * config["intermediate_size"]
    shared = V * d + L * (2 * d * H * hd + 2 * d * KV * hd + 2 * d) + d
    shared += 0 if config.get("tie_word_embeddings") else V * d
    return (shared + L * config["num_local_experts"] * expert,
            shared + L * config["num_experts_per_tok"] * expert)
''',
        "experts as two matrices (a ReLU FFN), not SwiGLU's three": '''
def moe_parameter_counts(config):
    d, V, L = config["hidden_size"], config["vocab_size"], config["num_hidden_layers"]
    H, KV = config["num_attention_heads"], config["num_key_value_heads"]
    hd = config.get("head_dim") or d // H
    expert = 2 * d * config["intermediate_size"]
    shared = V * d + L * (2 * d * H * hd + 2 * d * KV * hd + d * config["num_local_experts"] + 2 * d) + d
    shared += 0 if config.get("tie_word_embeddings") else V * d
    return (shared + L * config["num_local_experts"] * expert,
            shared + L * config["num_experts_per_tok"] * expert)
''',
        "LM head always counted (tie_word_embeddings ignored)": '''
def moe_parameter_counts(config):
    d, V, L = config["hidden_size"], config["vocab_size"], config["num_hidden_layers"]
    H, KV = config["num_attention_heads"], config["num_key_value_heads"]
    hd = config.get("head_dim") or d // H
    expert = 3 * d * config["intermediate_size"]
    shared = 2 * V * d + L * (2 * d * H * hd + 2 * d * KV * hd + d * config["num_local_experts"] + 2 * d) + d
    return (shared + L * config["num_local_experts"] * expert,
            shared + L * config["num_experts_per_tok"] * expert)
''',
        "active counts the chosen experts only": '''
def moe_parameter_counts(config):
    d, V, L = config["hidden_size"], config["vocab_size"], config["num_hidden_layers"]
    H, KV = config["num_attention_heads"], config["num_key_value_heads"]
    hd = config.get("head_dim") or d // H
    expert = 3 * d * config["intermediate_size"]
    shared = V * d + L * (2 * d * H * hd + 2 * d * KV * hd + d * config["num_local_experts"] + 2 * d) + d
    shared += 0 if config.get("tie_word_embeddings") else V * d
    return shared + L * config["num_local_experts"] * expert, L * config["num_experts_per_tok"] * expert
''',
    },
}

ALTERNATIVES = {
    "router_probabilities": '''
def router_probabilities(x, W_router):
    logits = np.einsum("...d,de->...e", x, W_router)
    log_normalizer = np.logaddexp.reduce(logits, axis=-1, keepdims=True)
    return np.exp(logits - log_normalizer)
''',
    "top_k_route": '''
def top_k_route(router_logits, k):
    weights, expert_ids = [], []
    for row in router_logits:
        # sorted() is stable: equal logits keep their increasing id order
        ids = sorted(range(len(row)), key=lambda e: -row[e])[:k]
        exps = np.exp(row[ids] - row[ids[0]])  # ids[0] holds the largest logit
        weights.append(exps / exps.sum())
        expert_ids.append(ids)
    return np.array(weights, dtype=float), np.array(expert_ids, dtype=int)
''',
    "moe_layer": '''
def moe_layer(x, W_router, experts, k):
    weights, expert_ids = top_k_route(x @ W_router, k)
    every_expert = np.stack([swiglu(x, W_gate, W_up, W_down) for W_gate, W_up, W_down in experts])
    gate = np.zeros((len(x), len(experts)))
    np.put_along_axis(gate, expert_ids, weights, axis=-1)
    return np.einsum("te,etd->td", gate, every_expert)
''',
    "load_balancing_loss": '''
def load_balancing_loss(router_logits, k):
    T, E = router_logits.shape
    _, expert_ids = top_k_route(router_logits, k)
    one_hot = np.eye(E)[expert_ids]             # (T, k, E)
    tokens_per_expert = one_hot.mean(axis=0)    # (k, E), as Hugging Face keeps it
    router_prob_per_expert = router_probabilities(router_logits, np.eye(E)).mean(axis=0)
    return float(np.sum(tokens_per_expert * router_prob_per_expert) * E)
''',
    "moe_parameter_counts": '''
def moe_parameter_counts(config):
    d = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_dim = config["head_dim"] if config.get("head_dim") else d // heads
    layer = {
        "q_proj": d * heads * head_dim, "k_proj": d * config["num_key_value_heads"] * head_dim,
        "v_proj": d * config["num_key_value_heads"] * head_dim, "o_proj": heads * head_dim * d,
        "router": d * config["num_local_experts"], "norms": 2 * d,
    }
    expert = d * config["intermediate_size"] * 3
    embeddings = config["vocab_size"] * d * (1 if config.get("tie_word_embeddings") else 2)
    shared = embeddings + d + config["num_hidden_layers"] * sum(layer.values())
    per_token = config["num_experts_per_tok"] * expert * config["num_hidden_layers"]
    all_experts = config["num_local_experts"] * expert * config["num_hidden_layers"]
    return shared + all_experts, shared + per_token
''',
}
