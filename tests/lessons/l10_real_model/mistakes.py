"""Lesson 10: wrong implementations students really write (each must lose points of its exercise)
and correct implementations written differently from the reference (each must get full marks).
Each string replaces the exercise's solution cell of the source notebook; bert_embed's cell also
holds the helper layer_norm, so its strings define both. The bert_encoder_layer strings normalise
with a LayerNorm of their own: the mistakes are graded in batches (one per exercise in a notebook),
and a bert_embed mistake in layer_norm must not reach the encoder layer graded beside it."""

# A correct layer_norm, for the bert_embed strings whose mistake lies elsewhere.
LAYER_NORM = '''
def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return weight * (x - mean) / np.sqrt(var + eps) + bias
'''

# bert_encoder_layer with one line marked for each mistake below to replace.
ENCODER_LAYER = '''
def bert_encoder_layer(h, layer_weights, attention_mask, n_heads=12, eps=1e-12):
    w = layer_weights
    def layer_norm(x, weight, bias, eps):
        centred = x - x.mean(axis=-1, keepdims=True)
        return weight * centred / np.sqrt((centred ** 2).mean(axis=-1, keepdims=True) + eps) + bias
    T, d = h.shape[-2], h.shape[-1]
    head_dim = d // n_heads
    q = h @ w["attention.self.query.weight"].T + w["attention.self.query.bias"]
    k = h @ w["attention.self.key.weight"].T + w["attention.self.key.bias"]
    v = h @ w["attention.self.value.weight"].T + w["attention.self.value.bias"]
    q = q.reshape(h.shape[:-1] + (n_heads, head_dim)).swapaxes(-2, -3)
    k = k.reshape(h.shape[:-1] + (n_heads, head_dim)).swapaxes(-2, -3)
    v = v.reshape(h.shape[:-1] + (n_heads, head_dim)).swapaxes(-2, -3)
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(head_dim)
    mask = np.asarray(attention_mask)[..., None, None, :]
    scores = np.where(mask == 1, scores, -np.inf)  # MASK
    probs = softmax(scores, axis=-1)
    context = (probs @ v).swapaxes(-2, -3).reshape(h.shape)
    attn = context @ w["attention.output.dense.weight"].T + w["attention.output.dense.bias"]
    h1 = layer_norm(h + attn, w["attention.output.LayerNorm.weight"], w["attention.output.LayerNorm.bias"], eps)
    inter = h1 @ w["intermediate.dense.weight"].T + w["intermediate.dense.bias"]
    inter = 0.5 * inter * (1 + erf(inter / np.sqrt(2)))  # GELU
    out = inter @ w["output.dense.weight"].T + w["output.dense.bias"]
    return layer_norm(h1 + out, w["output.LayerNorm.weight"], w["output.LayerNorm.bias"], eps)
'''


def encoder_layer_with(old, new):
    assert ENCODER_LAYER.count(old) == 1, old
    return ENCODER_LAYER.replace(old, new)


MISTAKES = {
    "count_parameters": {
        "BERT's pooler forgotten": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        return embeddings + L * layer
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = config.get("head_dim") or d // H
    layer = (H + 2 * KV) * hd * d + H * hd * d + 3 * I * d + 2 * d
    head = 0 if config.get("tie_word_embeddings", False) else V * d
    return V * d + L * layer + d + head
''',
        "tie_word_embeddings ignored (LM head always counted)": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        return embeddings + L * layer + d * d + d
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = config.get("head_dim") or d // H
    layer = (H + 2 * KV) * hd * d + H * hd * d + 3 * I * d + 2 * d
    return 2 * V * d + L * layer + d
''',
        "head_dim always hidden_size // num_attention_heads": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        return embeddings + L * layer + d * d + d
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = d // H
    layer = (H + 2 * KV) * hd * d + H * hd * d + 3 * I * d + 2 * d
    head = 0 if config.get("tie_word_embeddings", False) else V * d
    return V * d + L * layer + d + head
''',
        "key/value heads ignored (qkv_proj taken as 3 d x d)": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        return embeddings + L * layer + d * d + d
    layer = 4 * d * d + 3 * I * d + 2 * d
    head = 0 if config.get("tie_word_embeddings", False) else V * d
    return V * d + L * layer + d + head
''',
        "BERT's biases forgotten": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * d * d + 2 * I * d + 4 * d
        return embeddings + L * layer + d * d
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = config.get("head_dim") or d // H
    layer = (H + 2 * KV) * hd * d + H * hd * d + 3 * I * d + 2 * d
    head = 0 if config.get("tie_word_embeddings", False) else V * d
    return V * d + L * layer + d + head
''',
        "gate_up_proj counted as intermediate_size rows": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        return embeddings + L * layer + d * d + d
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = config.get("head_dim") or d // H
    layer = (H + 2 * KV) * hd * d + H * hd * d + 2 * I * d + 2 * d
    head = 0 if config.get("tie_word_embeddings", False) else V * d
    return V * d + L * layer + d + head
''',
        "a float (billions computed with /)": '''
def count_parameters(config):
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        return (embeddings + L * layer + d * d + d) / 1.0
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = config.get("head_dim") or d // H
    layer = (H + 2 * KV) * hd * d + H * hd * d + 3 * I * d + 2 * d
    head = 0 if config.get("tie_word_embeddings", False) else V * d
    return (V * d + L * layer + d + head) / 1.0
''',
    },
    "split_fused_qkv": {
        "equal thirds (np.split into 3)": '''
def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    W_q, W_k, W_v = np.split(W_qkv, 3, axis=0)
    return W_q, W_k, W_v
''',
        "keys and values sized with n_heads": '''
def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    size = n_heads * head_dim
    return W_qkv[:size], W_qkv[size:2 * size], W_qkv[2 * size:3 * size]
''',
        "split along the columns (as if (in, out))": '''
def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    q, kv = n_heads * head_dim, n_kv_heads * head_dim
    return W_qkv[:, :q], W_qkv[:, q:q + kv], W_qkv[:, q + kv:]
''',
        "parts returned transposed": '''
def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    q, kv = n_heads * head_dim, n_kv_heads * head_dim
    W = W_qkv.T
    return W[:, :q], W[:, q:q + kv], W[:, q + kv:]
''',
        "K and V swapped": '''
def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    q, kv = n_heads * head_dim, n_kv_heads * head_dim
    return W_qkv[:q], W_qkv[q + kv:], W_qkv[q:q + kv]
''',
    },
    "split_gate_up": {
        "up and gate swapped": '''
def split_gate_up(W_gate_up):
    up, gate = np.split(W_gate_up, 2)
    return gate, up
''',
        "rows interleaved (gate, up, gate, up...)": '''
def split_gate_up(W_gate_up):
    return W_gate_up[0::2], W_gate_up[1::2]
''',
        "split along the columns": '''
def split_gate_up(W_gate_up):
    return tuple(np.split(W_gate_up, 2, axis=1))
''',
        "halves returned transposed": '''
def split_gate_up(W_gate_up):
    I = len(W_gate_up) // 2
    return W_gate_up[:I].T, W_gate_up[I:].T
''',
    },
    "bert_embed": {
        "token type embedding forgotten": '''
def bert_embed(token_ids, weights):
    T = np.shape(token_ids)[-1]
    x = weights["embeddings.word_embeddings.weight"][token_ids] + weights["embeddings.position_embeddings.weight"][:T]
    return layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
''' + LAYER_NORM,
        "positions counted from 1": '''
def bert_embed(token_ids, weights):
    T = np.shape(token_ids)[-1]
    x = (weights["embeddings.word_embeddings.weight"][token_ids]
         + weights["embeddings.position_embeddings.weight"][1:T + 1]
         + weights["embeddings.token_type_embeddings.weight"][0])
    return layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
''' + LAYER_NORM,
        "unbiased variance (ddof=1) in layer_norm": '''
def bert_embed(token_ids, weights):
    T = np.shape(token_ids)[-1]
    x = (weights["embeddings.word_embeddings.weight"][token_ids]
         + weights["embeddings.position_embeddings.weight"][:T]
         + weights["embeddings.token_type_embeddings.weight"][0])
    return layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])


def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(axis=-1, keepdims=True)
    std = x.std(axis=-1, ddof=1, keepdims=True)
    return weight * (x - mean) / np.sqrt(std ** 2 + eps) + bias
''',
        "eps outside the square root": '''
def bert_embed(token_ids, weights):
    T = np.shape(token_ids)[-1]
    x = (weights["embeddings.word_embeddings.weight"][token_ids]
         + weights["embeddings.position_embeddings.weight"][:T]
         + weights["embeddings.token_type_embeddings.weight"][0])
    return layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])


def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(axis=-1, keepdims=True)
    return weight * (x - mean) / (x.std(axis=-1, keepdims=True) + eps) + bias
''',
        "positions from len(token_ids) (the batch size for a batch)": '''
def bert_embed(token_ids, weights):
    positions = np.arange(len(token_ids))
    x = (weights["embeddings.word_embeddings.weight"][token_ids]
         + weights["embeddings.position_embeddings.weight"][positions]
         + weights["embeddings.token_type_embeddings.weight"][0])
    return layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
''' + LAYER_NORM,
        "no LayerNorm": '''
def bert_embed(token_ids, weights):
    T = np.shape(token_ids)[-1]
    return (weights["embeddings.word_embeddings.weight"][token_ids]
            + weights["embeddings.position_embeddings.weight"][:T]
            + weights["embeddings.token_type_embeddings.weight"][0])
''' + LAYER_NORM,
    },
    "bert_encoder_layer": {
        "pre-LN (normalise before each sublayer, as Phi-3)": '''
def bert_encoder_layer(h, layer_weights, attention_mask, n_heads=12, eps=1e-12):
    w = layer_weights
    def linear(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]
    def attention(x):
        d = x.shape[-1]
        hd = d // n_heads
        split = lambda y: y.reshape(y.shape[:-1] + (n_heads, hd)).swapaxes(-2, -3)
        q, k, v = (split(linear(x, "attention.self." + p)) for p in ("query", "key", "value"))
        scores = q @ k.swapaxes(-1, -2) / np.sqrt(hd)
        scores = np.where(np.asarray(attention_mask)[..., None, None, :] == 1, scores, -np.inf)
        context = (softmax(scores) @ v).swapaxes(-2, -3).reshape(x.shape)
        return linear(context, "attention.output.dense")
    def gelu(x):
        return 0.5 * x * (1 + erf(x / np.sqrt(2)))
    def layer_norm(x, weight, bias, eps):
        return weight * (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) + bias
    a = h + attention(layer_norm(h, w["attention.output.LayerNorm.weight"], w["attention.output.LayerNorm.bias"], eps))
    normed = layer_norm(a, w["output.LayerNorm.weight"], w["output.LayerNorm.bias"], eps)
    return a + linear(gelu(linear(normed, "intermediate.dense")), "output.dense")
''',
        "tanh GELU": encoder_layer_with(
            "inter = 0.5 * inter * (1 + erf(inter / np.sqrt(2)))  # GELU",
            "inter = 0.5 * inter * (1 + np.tanh(np.sqrt(2 / np.pi) * (inter + 0.044715 * inter ** 3)))"),
        "attention weights not transposed (x @ W)": encoder_layer_with(
            '''    q = h @ w["attention.self.query.weight"].T + w["attention.self.query.bias"]
    k = h @ w["attention.self.key.weight"].T + w["attention.self.key.bias"]
    v = h @ w["attention.self.value.weight"].T + w["attention.self.value.bias"]''',
            '''    q = h @ w["attention.self.query.weight"] + w["attention.self.query.bias"]
    k = h @ w["attention.self.key.weight"] + w["attention.self.key.bias"]
    v = h @ w["attention.self.value.weight"] + w["attention.self.value.bias"]'''),
        "padding not masked": encoder_layer_with(
            "    scores = np.where(mask == 1, scores, -np.inf)  # MASK\n", ""),
        "mask added to the scores": encoder_layer_with(
            "scores = np.where(mask == 1, scores, -np.inf)  # MASK", "scores = scores + mask"),
        "heads interleaved (reshape (T, head_dim, n_heads))": '''
def bert_encoder_layer(h, layer_weights, attention_mask, n_heads=12, eps=1e-12):
    w = layer_weights
    *batch, T, d = h.shape
    hd = d // n_heads
    def linear(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]
    def heads(x):
        return np.moveaxis(x.reshape(*batch, T, hd, n_heads), -1, -3)
    def layer_norm(x, weight, bias, eps):
        return weight * (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) + bias
    q, k, v = (heads(linear(h, "attention.self." + p)) for p in ("query", "key", "value"))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(hd)
    scores = np.where(np.asarray(attention_mask, dtype=bool)[..., None, None, :], scores, -np.inf)
    context = np.moveaxis(softmax(scores) @ v, -3, -1).reshape(*batch, T, d)
    a = layer_norm(h + linear(context, "attention.output.dense"), w["attention.output.LayerNorm.weight"],
                   w["attention.output.LayerNorm.bias"], eps)
    inner = linear(a, "intermediate.dense")
    out = linear(0.5 * inner * (1 + erf(inner / np.sqrt(2))), "output.dense")
    return layer_norm(a + out, w["output.LayerNorm.weight"], w["output.LayerNorm.bias"], eps)
''',
        "attention residual missing": encoder_layer_with(
            "h1 = layer_norm(h + attn,", "h1 = layer_norm(attn,"),
        "scores scaled by sqrt(d)": encoder_layer_with(
            "scores = q @ k.swapaxes(-1, -2) / np.sqrt(head_dim)", "scores = q @ k.swapaxes(-1, -2) / np.sqrt(d)"),
    },
    "next_token_from_hidden": {
        "first position scored": '''
def next_token_from_hidden(hidden, lm_head_weight):
    scores = hidden[..., 0, :] @ lm_head_weight.T
    ids = np.argmax(scores, axis=-1)
    return int(ids) if np.ndim(ids) == 0 else ids
''',
        "lm_head weight not transposed": '''
def next_token_from_hidden(hidden, lm_head_weight):
    scores = hidden[..., -1, :] @ lm_head_weight
    ids = np.argmax(scores, axis=-1)
    return int(ids) if np.ndim(ids) == 0 else ids
''',
        "highest ID on a tie (argsort)": '''
def next_token_from_hidden(hidden, lm_head_weight):
    scores = hidden[..., -1, :] @ lm_head_weight.T
    ids = np.argsort(scores, axis=-1, kind="stable")[..., -1]
    return int(ids) if np.ndim(ids) == 0 else ids
''',
        "argmax over every position's scores": '''
def next_token_from_hidden(hidden, lm_head_weight):
    logits = hidden @ lm_head_weight.T
    return int(np.argmax(logits))
''',
        "hidden[-1] (the last prompt of a batch)": '''
def next_token_from_hidden(hidden, lm_head_weight):
    scores = hidden[-1] @ lm_head_weight.T
    ids = np.argmax(scores, axis=-1)
    return int(ids) if np.ndim(ids) == 0 else ids
''',
    },
}

ALTERNATIVES = {
    "count_parameters": '''
def count_parameters(config):
    # one line per tensor, as a module tree lists them
    c = {key: value for key, value in config.items() if value is not None}
    V, d, I, L = c["vocab_size"], c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
    if c["model_type"] == "phi3":
        H = c["num_attention_heads"]
        KV = c.get("num_key_value_heads", H)
        hd = c.get("head_dim", d // H)
        per_layer = [("qkv_proj", (H * hd + 2 * KV * hd) * d), ("o_proj", d * H * hd),
                     ("gate_up_proj", 2 * I * d), ("down_proj", d * I), ("input_layernorm", d),
                     ("post_attention_layernorm", d)]
        tensors = [("embed_tokens", V * d), ("norm", d)] + [(name, n) for _ in range(L) for name, n in per_layer]
        if not c.get("tie_word_embeddings", False):
            tensors.append(("lm_head", V * d))
    elif c["model_type"] == "bert":
        linear = lambda n_in, n_out: n_in * n_out + n_out
        per_layer = [linear(d, d)] * 4 + [2 * d, linear(d, I), linear(I, d), 2 * d]
        tensors = [("embeddings", (V + c["max_position_embeddings"] + c["type_vocab_size"] + 2) * d),
                   ("pooler", linear(d, d))] + [("layer", n) for _ in range(L) for n in per_layer]
    else:
        raise ValueError(c["model_type"])
    return sum(n for _, n in tensors)
''',
    "split_fused_qkv": '''
def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    sizes = np.cumsum([n_heads * head_dim, n_kv_heads * head_dim])
    W_q, W_k, W_v = np.split(W_qkv, sizes, axis=0)
    return W_q, W_k, W_v
''',
    "split_gate_up": '''
def split_gate_up(W_gate_up):
    W_gate, W_up = np.split(W_gate_up, 2, axis=0)
    return W_gate, W_up
''',
    "bert_embed": '''
def bert_embed(token_ids, weights):
    token_ids = np.asarray(token_ids)
    position_ids = np.arange(token_ids.shape[-1])
    type_ids = np.zeros_like(token_ids)
    x = (np.take(weights["embeddings.word_embeddings.weight"], token_ids, axis=0)
         + np.take(weights["embeddings.position_embeddings.weight"], position_ids, axis=0)
         + np.take(weights["embeddings.token_type_embeddings.weight"], type_ids, axis=0))
    return layer_norm(x, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])


def layer_norm(x, weight, bias, eps=1e-12):
    d = x.shape[-1]
    mean = np.einsum("...d->...", x)[..., None] / d
    var = np.einsum("...d,...d->...", x - mean, x - mean)[..., None] / d
    return (x - mean) * (weight / np.sqrt(var + eps)) + bias
''',
    "bert_encoder_layer": '''
def bert_encoder_layer(h, layer_weights, attention_mask, n_heads=12, eps=1e-12):
    # one head at a time, with explicit loops over the heads, einsum for the products
    w = layer_weights
    d = h.shape[-1]
    size = d // n_heads
    def dense(x, name):
        return np.einsum("...i,oi->...o", x, w[name + ".weight"]) + w[name + ".bias"]
    q, k, v = (dense(h, "attention.self." + part) for part in ("query", "key", "value"))
    padding = np.asarray(attention_mask) == 0
    outputs = []
    for j in range(n_heads):
        cols = slice(j * size, (j + 1) * size)
        scores = np.einsum("...td,...sd->...ts", q[..., cols], k[..., cols]) / math.sqrt(size)
        scores = np.where(padding[..., None, :], np.finfo(float).min, scores)
        scores = scores - scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        outputs.append(np.einsum("...ts,...sd->...td", weights, v[..., cols]))
    attended = dense(np.concatenate(outputs, axis=-1), "attention.output.dense")
    a = layer_norm(attended + h, w["attention.output.LayerNorm.weight"], w["attention.output.LayerNorm.bias"], eps)
    inner = dense(a, "intermediate.dense")
    gelu = inner * 0.5 * (1.0 + erf(inner / math.sqrt(2.0)))
    return layer_norm(dense(gelu, "output.dense") + a, w["output.LayerNorm.weight"], w["output.LayerNorm.bias"], eps)
''',
    "next_token_from_hidden": '''
def next_token_from_hidden(hidden, lm_head_weight):
    hidden = np.asarray(hidden)
    if hidden.ndim == 3:
        return np.array([next_token_from_hidden(prompt, lm_head_weight) for prompt in hidden])
    scores = lm_head_weight @ hidden[-1]
    best = max(scores)
    return int(min(i for i, score in enumerate(scores) if score == best))
''',
}
