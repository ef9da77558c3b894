"""Lesson 11: wrong implementations students really write (each must lose points of its exercise)
and correct implementations written differently from the reference (each must get full marks).
Each string replaces the exercise's solution cell of the source notebook."""


def changed(code, old, new):
    """`code` with `old` replaced by `new`; `old` must occur, so that a mistake never silently
    equals the correct code."""
    assert code.count(old) == 1, old
    return code.replace(old, new)


RMS_NORM = '''
def rms_norm(x, weight, eps=1e-5):
    mean_square = np.mean(x ** 2, axis=-1, keepdims=True)
    return x / np.sqrt(mean_square + eps) * weight
'''

ROPE_FREQUENCIES = '''
def rope_frequencies(head_dim, base=10000.0):
    return 1.0 / base ** (np.arange(0, head_dim, 2) / head_dim)
'''

APPLY_ROPE = '''
def apply_rope(x, positions, base=10000.0):
    half = x.shape[-1] // 2
    angles = np.outer(positions, rope_frequencies(x.shape[-1], base))
    cos = np.concatenate([np.cos(angles), np.cos(angles)], axis=-1)
    sin = np.concatenate([np.sin(angles), np.sin(angles)], axis=-1)
    rotated_half = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated_half * sin
'''

SWIGLU = '''
def swiglu(x, W_gate, W_up, W_down):
    gate = x @ W_gate
    up = x @ W_up
    silu = gate / (1 + np.exp(-gate))
    return (silu * up) @ W_down
'''

DOCUMENT_CAUSAL_MASK = '''
def document_causal_mask(doc_ids):
    T = len(doc_ids)
    causal = np.tril(np.ones((T, T), dtype=bool))
    same_document = doc_ids[:, None] == doc_ids[None, :]
    return causal & same_document
'''

LLAMA_PARAMETER_COUNT = '''
def llama_parameter_count(config):
    V, d = config["vocab_size"], config["hidden_size"]
    H = config["num_attention_heads"]
    KV = config.get("num_key_value_heads") or H
    hd = config.get("head_dim") or d // H
    attention = d * H * hd + d * KV * hd + d * KV * hd + H * hd * d
    mlp = 3 * d * config["intermediate_size"]
    norms = 2 * d
    total = V * d + config["num_hidden_layers"] * (attention + mlp + norms) + d
    if not config.get("tie_word_embeddings", False):
        total += V * d
    return total
'''

LLAMA_BLOCK = '''
def llama_block(x, params, positions, n_heads, n_kv_heads, eps=1e-5, base=10000.0):
    T, d = x.shape[-2], x.shape[-1]
    hd = params["self_attn.q_proj.weight"].shape[0] // n_heads
    h = rms_norm(x, params["input_layernorm.weight"], eps)
    q = h @ params["self_attn.q_proj.weight"].T
    k = h @ params["self_attn.k_proj.weight"].T
    v = h @ params["self_attn.v_proj.weight"].T
    q = np.swapaxes(q.reshape(x.shape[:-1] + (n_heads, hd)), -2, -3)
    k = np.swapaxes(k.reshape(x.shape[:-1] + (n_kv_heads, hd)), -2, -3)
    v = np.swapaxes(v.reshape(x.shape[:-1] + (n_kv_heads, hd)), -2, -3)
    q = apply_rope(q, positions, base)
    k = apply_rope(k, positions, base)
    k = np.repeat(k, n_heads // n_kv_heads, axis=-3)
    v = np.repeat(v, n_heads // n_kv_heads, axis=-3)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(hd)
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    out = softmax(scores, axis=-1) @ v
    out = np.swapaxes(out, -2, -3).reshape(x.shape[:-1] + (n_heads * hd,))
    attn = out @ params["self_attn.o_proj.weight"].T
    h = x + attn
    m = rms_norm(h, params["post_attention_layernorm.weight"], eps)
    mlp = swiglu(m, params["mlp.gate_proj.weight"].T, params["mlp.up_proj.weight"].T, params["mlp.down_proj.weight"].T)
    return h + mlp
'''

MISTAKES = {
    "rms_norm": {
        "subtracts the mean (LayerNorm without its bias)": '''
def rms_norm(x, weight, eps=1e-5):
    centred = x - x.mean(axis=-1, keepdims=True)
    return centred / np.sqrt(np.mean(centred ** 2, axis=-1, keepdims=True) + eps) * weight
''',
        "eps outside the square root": changed(RMS_NORM, "np.sqrt(mean_square + eps)", "(np.sqrt(mean_square) + eps)"),
        "mean over the whole array instead of each vector": changed(
            RMS_NORM, "np.mean(x ** 2, axis=-1, keepdims=True)", "np.mean(x ** 2)"),
        "Hugging Face's class default eps 1e-6": changed(RMS_NORM, "eps=1e-5", "eps=1e-6"),
        "no gain": changed(RMS_NORM, " * weight", ""),
        "divides by the L2 norm": '''
def rms_norm(x, weight, eps=1e-5):
    return x / np.sqrt(np.sum(x ** 2, axis=-1, keepdims=True) + eps) * weight
''',
    },
    "rope_frequencies": {
        "exponent i / head_dim": changed(ROPE_FREQUENCIES, "np.arange(0, head_dim, 2)", "np.arange(head_dim // 2)"),
        "not inverted": changed(ROPE_FREQUENCIES, "1.0 / base ** (", "base ** ("),
        "linspace down to exactly 1 / base": '''
def rope_frequencies(head_dim, base=10000.0):
    return base ** -np.linspace(0, 1, head_dim // 2)
''',
        "base ignored": changed(ROPE_FREQUENCIES, "1.0 / base **", "1.0 / 10000 **"),
        "integer division in the exponent": changed(
            ROPE_FREQUENCIES, "(np.arange(0, head_dim, 2) / head_dim)", "(np.arange(0, head_dim, 2) // head_dim)"),
        "both halves' angles returned (head_dim values)": '''
def rope_frequencies(head_dim, base=10000.0):
    inv_freq = 1.0 / base ** (np.arange(0, head_dim, 2) / head_dim)
    return np.concatenate([inv_freq, inv_freq])
''',
    },
    "apply_rope": {
        "interleaved pairs (GPT-J / RoPE paper layout)": '''
def apply_rope(x, positions, base=10000.0):
    angles = np.outer(positions, rope_frequencies(x.shape[-1], base))
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * np.cos(angles) - odd * np.sin(angles)
    out[..., 1::2] = odd * np.cos(angles) + even * np.sin(angles)
    return out
''',
        "positions ignored (0 .. T-1)": changed(APPLY_ROPE, "np.outer(positions,", "np.outer(np.arange(x.shape[-2]),"),
        "rotates the other way": changed(APPLY_ROPE, "[-x[..., half:], x[..., :half]]",
                                         "[x[..., half:], -x[..., :half]]"),
        "angles repeated with np.repeat": '''
def apply_rope(x, positions, base=10000.0):
    half = x.shape[-1] // 2
    angles = np.repeat(np.outer(positions, rope_frequencies(x.shape[-1], base)), 2, axis=-1)
    rotated_half = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * np.cos(angles) + rotated_half * np.sin(angles)
''',
        "base not passed on": changed(APPLY_ROPE, "rope_frequencies(x.shape[-1], base)",
                                      "rope_frequencies(x.shape[-1])"),
        "modifies x in place": '''
def apply_rope(x, positions, base=10000.0):
    half = x.shape[-1] // 2
    angles = np.outer(positions, rope_frequencies(x.shape[-1], base))
    a, b = x[..., :half].copy(), x[..., half:].copy()
    x[..., :half] = a * np.cos(angles) - b * np.sin(angles)
    x[..., half:] = b * np.cos(angles) + a * np.sin(angles)
    return x
''',
    },
    "swiglu": {
        "sigmoid instead of silu": changed(SWIGLU, "gate / (1 + np.exp(-gate))", "1 / (1 + np.exp(-gate))"),
        "gate and up swapped": changed(SWIGLU, "gate = x @ W_gate\n    up = x @ W_up",
                                       "gate = x @ W_up\n    up = x @ W_gate"),
        "ReLU gate": changed(SWIGLU, "gate / (1 + np.exp(-gate))", "np.maximum(gate, 0)"),
        "silu on both paths": changed(SWIGLU, "(silu * up)", "(silu * up / (1 + np.exp(-up)))"),
    },
    "document_causal_mask": {
        "not causal: whole documents (block-diagonal)": changed(
            DOCUMENT_CAUSAL_MASK, "return causal & same_document", "return same_document"),
        "leaks across documents (plain causal mask)": changed(
            DOCUMENT_CAUSAL_MASK, "return causal & same_document", "return causal"),
        "diagonal excluded": changed(DOCUMENT_CAUSAL_MASK, "np.tril(np.ones((T, T), dtype=bool))",
                                     "np.tril(np.ones((T, T), dtype=bool), k=-1)"),
        "upper triangle (query and key axes swapped)": changed(DOCUMENT_CAUSAL_MASK, "np.tril(", "np.triu("),
        "floats instead of booleans": '''
def document_causal_mask(doc_ids):
    T = len(doc_ids)
    return np.tril(np.ones((T, T))) * (doc_ids[:, None] == doc_ids[None, :])
''',
        "documents compared by order, as if ids grew along the row": changed(
            DOCUMENT_CAUSAL_MASK, "doc_ids[:, None] == doc_ids[None, :]", "doc_ids[:, None] <= doc_ids[None, :]"),
    },
    "llama_parameter_count": {
        "LM head forgotten": changed(LLAMA_PARAMETER_COUNT, "    if not config.get(\"tie_word_embeddings\", False):\n"
                                     "        total += V * d\n", ""),
        "tied LM head counted twice": changed(
            LLAMA_PARAMETER_COUNT, "if not config.get(\"tie_word_embeddings\", False):", "if True:"),
        "RMSNorm weights forgotten": changed(
            changed(LLAMA_PARAMETER_COUNT, "norms = 2 * d", "norms = 0"),
            "(attention + mlp + norms) + d", "(attention + mlp)"),
        "keys and values counted per query head": changed(LLAMA_PARAMETER_COUNT, "d * KV * hd + d * KV * hd",
                                                          "d * H * hd + d * H * hd"),
        "head_dim taken as d // H always": changed(
            LLAMA_PARAMETER_COUNT, "config.get(\"head_dim\") or d // H", "d // H"),
        "config.get with a default returns None for a key set to None": changed(
            LLAMA_PARAMETER_COUNT, "config.get(\"num_key_value_heads\") or H",
            "config.get(\"num_key_value_heads\", H)"),
    },
    "llama_block": {
        "query head i uses key/value head i % n_kv_heads (np.tile)": changed(
            changed(LLAMA_BLOCK, "k = np.repeat(k, n_heads // n_kv_heads, axis=-3)",
                    "k = np.concatenate([k] * (n_heads // n_kv_heads), axis=-3)"),
            "v = np.repeat(v, n_heads // n_kv_heads, axis=-3)",
            "v = np.concatenate([v] * (n_heads // n_kv_heads), axis=-3)"),
        "RoPE applied to the values too": changed(LLAMA_BLOCK, "    k = apply_rope(k, positions, base)\n",
                                                  "    k = apply_rope(k, positions, base)\n"
                                                  "    v = apply_rope(v, positions, base)\n"),
        "no residual around attention": changed(LLAMA_BLOCK, "h = x + attn", "h = attn"),
        "positions ignored (0 .. T-1)": changed(
            changed(LLAMA_BLOCK, "q = apply_rope(q, positions, base)", "q = apply_rope(q, np.arange(T), base)"),
            "k = apply_rope(k, positions, base)", "k = apply_rope(k, np.arange(T), base)"),
        "no causal mask": changed(
            LLAMA_BLOCK, "    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)\n", ""),
        "scores scaled by sqrt(d)": changed(LLAMA_BLOCK, "/ np.sqrt(hd)", "/ np.sqrt(d)"),
        "post-norm (2017 order)": '''
def llama_block(x, params, positions, n_heads, n_kv_heads, eps=1e-5, base=10000.0):
    T = x.shape[-2]
    hd = params["self_attn.q_proj.weight"].shape[0] // n_heads
    def heads(m, count):
        return np.swapaxes(m.reshape(x.shape[:-1] + (count, hd)), -2, -3)
    q = apply_rope(heads(x @ params["self_attn.q_proj.weight"].T, n_heads), positions, base)
    k = apply_rope(heads(x @ params["self_attn.k_proj.weight"].T, n_kv_heads), positions, base)
    v = heads(x @ params["self_attn.v_proj.weight"].T, n_kv_heads)
    k, v = np.repeat(k, n_heads // n_kv_heads, axis=-3), np.repeat(v, n_heads // n_kv_heads, axis=-3)
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), q @ np.swapaxes(k, -1, -2) / np.sqrt(hd), -np.inf)
    out = np.swapaxes(softmax(scores) @ v, -2, -3).reshape(x.shape[:-1] + (-1,))
    h = rms_norm(x + out @ params["self_attn.o_proj.weight"].T, params["input_layernorm.weight"], eps)
    mlp = swiglu(h, params["mlp.gate_proj.weight"].T, params["mlp.up_proj.weight"].T, params["mlp.down_proj.weight"].T)
    return rms_norm(h + mlp, params["post_attention_layernorm.weight"], eps)
''',
        "residual added into x in place": changed(LLAMA_BLOCK, "    h = x + attn\n", "    h = x\n    h += attn\n"),
        "head width taken as d // n_heads": changed(
            LLAMA_BLOCK, "hd = params[\"self_attn.q_proj.weight\"].shape[0] // n_heads", "hd = d // n_heads"),
    },
}

ALTERNATIVES = {
    "rms_norm": '''
def rms_norm(x, weight, eps=1e-5):
    d = x.shape[-1]
    inverse_rms = 1.0 / np.sqrt(np.einsum("...i,...i->...", x, x) / d + eps)
    return weight * (x * inverse_rms[..., None])
''',
    "rope_frequencies": '''
def rope_frequencies(head_dim, base=10000.0):
    # exp/log form, as many implementations write it
    return np.exp(-np.log(base) * np.arange(head_dim // 2) * 2.0 / head_dim)
''',
    "apply_rope": '''
def apply_rope(x, positions, base=10000.0):
    # one 2 x 2 rotation per pair (i, i + head_dim/2), as a complex multiplication
    half = x.shape[-1] // 2
    turn = np.exp(1j * np.multiply.outer(np.asarray(positions, dtype=float), rope_frequencies(2 * half, base)))
    turned = (x[..., :half] + 1j * x[..., half:]) * turn
    return np.concatenate([turned.real, turned.imag], axis=-1)
''',
    "swiglu": '''
def swiglu(x, W_gate, W_up, W_down):
    z = np.einsum("...d,df->...f", x, W_gate)
    sigmoid = 0.5 * (1.0 + np.tanh(z / 2))
    return np.einsum("...f,fo->...o", z * sigmoid * np.einsum("...d,df->...f", x, W_up), W_down)
''',
    "document_causal_mask": '''
def document_causal_mask(doc_ids):
    # documents are runs of equal ids: number the runs, then keep the lower triangle of each block
    starts = np.concatenate([[True], doc_ids[1:] != doc_ids[:-1]])
    run = np.cumsum(starts)
    return np.tril(run[:, None] == run[None, :])
''',
    "llama_parameter_count": '''
def llama_parameter_count(config):
    d, f, V = config["hidden_size"], config["intermediate_size"], config["vocab_size"]
    H = config["num_attention_heads"]
    KV = H if config.get("num_key_value_heads") is None else config["num_key_value_heads"]
    hd = d // H if config.get("head_dim") is None else config["head_dim"]
    layer_shapes = [(d,), (H * hd, d), (KV * hd, d), (KV * hd, d), (d, H * hd), (d,), (f, d), (f, d), (d, f)]
    model_shapes = [(V, d)] + layer_shapes * config["num_hidden_layers"] + [(d,)]
    if not config.get("tie_word_embeddings"):
        model_shapes.append((V, d))
    return sum(int(np.prod(shape)) for shape in model_shapes)
''',
    "llama_block": '''
def llama_block(x, params, positions, n_heads, n_kv_heads, eps=1e-5, base=10000.0):
    # Hugging Face's order of operations: (B, heads, T, hd), repeat_kv by indexing, additive mask
    squeeze = x.ndim == 2
    hidden = x[None] if squeeze else x
    B, T, d = hidden.shape
    q_w, k_w = params["self_attn.q_proj.weight"], params["self_attn.k_proj.weight"]
    hd = q_w.shape[0] // n_heads
    normed = rms_norm(hidden, params["input_layernorm.weight"], eps)
    q = np.einsum("btd,od->bto", normed, q_w).reshape(B, T, n_heads, hd).transpose(0, 2, 1, 3)
    k = np.einsum("btd,od->bto", normed, k_w).reshape(B, T, n_kv_heads, hd).transpose(0, 2, 1, 3)
    v = np.einsum("btd,od->bto", normed, params["self_attn.v_proj.weight"]).reshape(B, T, n_kv_heads, hd)
    v = v.transpose(0, 2, 1, 3)
    q, k = apply_rope(q, positions, base), apply_rope(k, positions, base)
    kv_of_head = np.arange(n_heads) // (n_heads // n_kv_heads)
    k, v = k[:, kv_of_head], v[:, kv_of_head]
    future = np.triu(np.full((T, T), -np.inf), k=1)
    weights = softmax(np.einsum("bhqe,bhke->bhqk", q, k) * hd ** -0.5 + future, axis=-1)
    attended = np.einsum("bhqk,bhke->bqhe", weights, v).reshape(B, T, n_heads * hd)
    h = hidden + np.einsum("bti,oi->bto", attended, params["self_attn.o_proj.weight"])
    mlp_in = rms_norm(h, params["post_attention_layernorm.weight"], eps)
    out = h + swiglu(mlp_in, params["mlp.gate_proj.weight"].T, params["mlp.up_proj.weight"].T,
                     params["mlp.down_proj.weight"].T)
    return out[0] if squeeze else out
''',
}
