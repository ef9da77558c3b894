"""Lesson 11: Recent improvements (a Llama-style decoder)."""

import numpy as np


def rms_norm(x, weight, eps=1e-5):
    """RMSNorm, the normalization of Llama's blocks: each vector divided by its root mean square.

    x: float array (..., d), one d-vector per token (any leading axes); weight: (d,), the learned
    gain; eps: a small float added to the mean square, INSIDE the square root (Llama 3 uses 1e-5,
    the default here).
    Returns a float array shaped like x, over the last axis:
        rms_norm(x)[..., k] = x[..., k] / sqrt(mean of x[..., :]**2 + eps) * weight[k]
    Unlike lesson 08's layer_norm there is no mean subtracted and no bias: every vector is only
    rescaled, by one number, then multiplied element-wise by `weight`.

    Example: rms_norm(np.array([1.0, 7.0]), np.array([1.0, 2.0]), eps=0.0): the mean square is
    (1 + 49) / 2 = 25, its root 5, so the result is [1/5, 7/5 * 2] = [0.2, 2.8].
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    root_mean_square = np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True) + eps)
    return x / root_mean_square * weight
    ### END SOLUTION


def rope_frequencies(head_dim, base=10000.0):
    """RoPE's rotation speeds: how many radians each pair of dimensions turns per position.

    head_dim: even int, the width of one attention head; base: float, RoPE's θ (10,000 in the RoPE
    paper and Llama 2, 500,000 in Llama 3).
    Returns a float array of shape (head_dim // 2,), one frequency per pair i = 0 .. head_dim/2 - 1:
        frequencies[i] = 1 / base^(2i / head_dim)
    from 1 (pair 0 turns one radian per position) down to nearly 1/base (the last pair turns
    slowest). Hugging Face calls this array `inv_freq`.

    Example: rope_frequencies(4, base=100.0) -> [1.0, 0.1] (100^(0/4) = 1 and 100^(2/4) = 10).
    """
    ### BEGIN SOLUTION
    pair_starts = np.arange(0, head_dim, 2, dtype=float)  # 2i for i = 0 .. head_dim/2 - 1
    return 1.0 / base ** (pair_starts / head_dim)
    ### END SOLUTION


def apply_rope(x, positions, base=10000.0):
    """Rotary position embedding (RoPE) in Hugging Face's rotate-half convention.

    x: float array (..., T, head_dim): the queries (or keys) of T tokens, head_dim even; leading
    axes (batch, heads) come along. positions: int array (T,), the position of each token: they
    need not be 0 .. T-1 (in a packed row they restart at every document, and with a KV cache
    the new token's position is the number of tokens before it). base: RoPE's θ.

    Dimension i is paired with dimension i + head_dim/2 (the first half with the second half,
    NOT neighbours 2i and 2i + 1), and at position p each pair (a, b) is rotated by the angle
    p * frequencies[i], with frequencies = rope_frequencies(head_dim, base):
        a_new = a cos(angle) - b sin(angle)
        b_new = b cos(angle) + a sin(angle)
    Returns a new float array shaped like x (x itself is not modified). Each vector keeps its
    length, and position 0 leaves it unchanged.

    Example: apply_rope(np.array([[1.0, 0.0, 0.0, 0.0]]), np.array([1])) turns pair 0 (dimensions
    0 and 2) by 1 radian: [[cos 1, 0, sin 1, 0]] = [[0.540302, 0.0, 0.841471, 0.0]].
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    half = x.shape[-1] // 2
    angles = np.asarray(positions, dtype=float)[:, None] * rope_frequencies(x.shape[-1], base)  # (T, half)
    cos, sin = np.cos(angles), np.sin(angles)
    first, second = x[..., :half], x[..., half:]
    return np.concatenate([first * cos - second * sin, second * cos + first * sin], axis=-1)
    ### END SOLUTION


def swiglu(x, W_gate, W_up, W_down):
    """SwiGLU, the feedforward network of Llama: (silu(x W_gate) * (x W_up)) W_down.

    x: float array (..., d); W_gate and W_up: (d, f); W_down: (f, d_out) (d_out is d in a block).
    The weights are in the y = x W layout of lessons 08 and 09 (a Hugging Face nn.Linear stores
    the transpose, (out, in)).
    silu(z) = z * sigmoid(z) = z / (1 + exp(-z)), element-wise (also called swish). Only the gate
    path goes through silu; it multiplies the up path element-wise (f values per token), and the
    product is projected back by W_down.
    Returns a float array (..., d_out).

    Example: x = [[1.0, 0.0]], W_gate = [[2.0], [0.0]], W_up = [[3.0], [0.0]] (f = 1),
    W_down = [[1.0, -1.0]]: the gate is silu(2) = 2 / (1 + e^-2) = 1.761594, the up path 3, their
    product 5.284782, so the result is [[5.284782, -5.284782]].
    """
    ### BEGIN SOLUTION
    gate = x @ W_gate
    return (gate / (1.0 + np.exp(-gate)) * (x @ W_up)) @ W_down
    ### END SOLUTION


def document_causal_mask(doc_ids):
    """The attention mask of a packed row: causal, and never across documents (as in Llama 3).

    doc_ids: int array (T,), the document each token of the row comes from; documents sit back to
    back, each a run of equal ids, e.g. [0, 0, 0, 1, 1, 2] (the ids are labels: any ints).
    Returns a bool array (T, T): mask[i, j] is True (query i may attend to key j) exactly when
    j <= i AND doc_ids[j] == doc_ids[i]. With a single document it is lesson 05's causal mask.

    Example: doc_ids [0, 0, 1] -> [[True, False, False],
                                   [True, True,  False],
                                   [False, False, True]]   (token 2 starts a new document).
    """
    ### BEGIN SOLUTION
    doc_ids = np.asarray(doc_ids)
    positions = np.arange(len(doc_ids))
    causal = positions[None, :] <= positions[:, None]
    same_document = doc_ids[None, :] == doc_ids[:, None]
    return causal & same_document
    ### END SOLUTION


def llama_parameter_count(config):
    """How many parameters a Llama model (Hugging Face's LlamaForCausalLM) has, from its config.

    config: a dict with LlamaConfig's keys (any other keys are ignored):
        vocab_size V, hidden_size d, intermediate_size f (the FFN width), num_hidden_layers L,
        num_attention_heads H;
        num_key_value_heads (absent or None: H, one key/value head per query head);
        head_dim (absent or None: d // H);
        tie_word_embeddings (absent: False; True when the LM head reuses the token embeddings).
    What is counted (Llama's linear layers have no biases; the grader's configs never ask for any):
        the token embeddings, V x d;
        in each of the L layers: q_proj (H * head_dim rows of d), k_proj and v_proj (KV * head_dim
        rows of d each), o_proj (d rows of H * head_dim), gate_proj and up_proj (f rows of d each),
        down_proj (d rows of f), and the two RMSNorm weights (d each);
        the final RMSNorm (d); the LM head (V x d), unless it is tied to the embeddings.
    Returns a Python int. Llama 3 8B has 8,030,261,248 parameters.

    Example: {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 6, "num_hidden_layers": 1,
    "num_attention_heads": 2, "num_key_value_heads": 1} has head_dim 2 and counts
    40 (embeddings) + 128 (the layer: 16 + 8 + 8 + 16 attention, 72 FFN, 8 norms) + 4 (final norm)
    + 40 (LM head) = 212.
    """
    ### BEGIN SOLUTION
    V, d, f = config["vocab_size"], config["hidden_size"], config["intermediate_size"]
    n_heads = config["num_attention_heads"]
    n_kv_heads = config.get("num_key_value_heads") or n_heads
    head_dim = config.get("head_dim") or d // n_heads
    attention = d * n_heads * head_dim * 2 + d * n_kv_heads * head_dim * 2   # q and o, k and v
    feed_forward = 3 * d * f
    per_layer = attention + feed_forward + 2 * d
    lm_head = 0 if config.get("tie_word_embeddings", False) else V * d
    return int(V * d + config["num_hidden_layers"] * per_layer + d + lm_head)
    ### END SOLUTION


def llama_block(x, params, positions, n_heads, n_kv_heads, eps=1e-5, base=10000.0):
    """One Llama decoder layer: pre-norm RMSNorm, causal grouped-query attention with RoPE, and a
    SwiGLU feedforward network, each sublayer adding its result to the residual stream.

    x: float array (T, d) or (B, T, d). positions: int array (T,), the positions of the T tokens
    (the same for every row of a batch; they need not be 0 .. T-1). n_heads query heads share
    n_kv_heads key/value heads (n_kv_heads divides n_heads). eps: the RMSNorms' epsilon; base:
    RoPE's θ.
    params: a dict keyed exactly as Hugging Face's LlamaDecoderLayer.state_dict(), each weight in
    nn.Linear's layout (out, in), so a projection computes y = x W^T:
        "input_layernorm.weight" (d,)                  "post_attention_layernorm.weight" (d,)
        "self_attn.q_proj.weight" (n_heads * hd, d)    "self_attn.o_proj.weight" (d, n_heads * hd)
        "self_attn.k_proj.weight" (n_kv_heads * hd, d) "self_attn.v_proj.weight" (n_kv_heads * hd, d)
        "mlp.gate_proj.weight" (f, d)   "mlp.up_proj.weight" (f, d)   "mlp.down_proj.weight" (d, f)
    The head width hd is q_proj's number of rows // n_heads (usually d // n_heads, not always).

    The layer computes, with this notebook's rms_norm, apply_rope and swiglu:
        h   = x + attention(rms_norm(x, input_layernorm.weight, eps)) o_proj^T
        out = h + swiglu(rms_norm(h, post_attention_layernorm.weight, eps), gate^T, up^T, down^T)
    attention(n): q = n q_proj^T, k = n k_proj^T, v = n v_proj^T; head i of q is columns
    i*hd .. (i+1)*hd - 1 (likewise for the key/value heads of k and v); RoPE at `positions` turns
    the query and key heads (never the values); query head i uses key/value head
    i // (n_heads // n_kv_heads); scores q k^T / sqrt(hd), causal over the row (query t sees the
    keys j <= t of its own row, whatever the positions say), softmax over the keys, weighted sum of
    the values; the heads' outputs are put back side by side, head i in columns i*hd .. (i+1)*hd - 1.
    Returns a float array shaped like x; neither x nor params is modified. With o_proj and
    down_proj all zeros, both sublayers add 0 and the layer returns x.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    *batch, T, d = x.shape
    q_weight = params["self_attn.q_proj.weight"]
    head_dim = q_weight.shape[0] // n_heads

    def split_heads(projected, count):  # (..., T, count * hd) -> (..., count, T, hd)
        return np.swapaxes(projected.reshape(*batch, T, count, head_dim), -2, -3)

    normed = rms_norm(x, params["input_layernorm.weight"], eps)
    q = apply_rope(split_heads(normed @ q_weight.T, n_heads), positions, base)
    k = apply_rope(split_heads(normed @ params["self_attn.k_proj.weight"].T, n_kv_heads), positions, base)
    v = split_heads(normed @ params["self_attn.v_proj.weight"].T, n_kv_heads)
    # Query head i reads key/value head i // group: repeat each key/value head for its group, in order.
    group = n_heads // n_kv_heads
    k, v = np.repeat(k, group, axis=-3), np.repeat(v, group, axis=-3)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(head_dim)
    scores = np.where(document_causal_mask(np.zeros(T, dtype=int)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    merged = np.swapaxes(weights @ v, -2, -3).reshape(*batch, T, n_heads * head_dim)
    h = x + merged @ params["self_attn.o_proj.weight"].T
    normed = rms_norm(h, params["post_attention_layernorm.weight"], eps)
    return h + swiglu(normed, params["mlp.gate_proj.weight"].T, params["mlp.up_proj.weight"].T,
                      params["mlp.down_proj.weight"].T)
    ### END SOLUTION
