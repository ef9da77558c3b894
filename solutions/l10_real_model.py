"""Lesson 10: A real model, inspected (Phi-3-mini's layout, all-MiniLM-L6-v2 run by hand)."""

import math

import numpy as np

from solutions.l01_introduction import softmax  # the notebook provides the same softmax in a cell

# The error function, element-wise: the notebook provides the same `erf` in a cell (NumPy has none,
# and the grader offers no SciPy).
erf = np.vectorize(math.erf, otypes=[float])


def count_parameters(config):
    """How many parameters a Hugging Face model has, from its config.json (as a dict).

    config["model_type"] says which model, and which keys count (any other key is ignored):

    "phi3" (Phi3ForCausalLM, the decoder-only Phi-3-mini): vocab_size V, hidden_size d,
        intermediate_size I, num_hidden_layers L, num_attention_heads H;
        num_key_value_heads (absent or None: H); head_dim (absent or None: d // H);
        tie_word_embeddings (absent: False; True when the LM head reuses the token embeddings).
        Counted: embed_tokens (V x d); in each layer qkv_proj ((H + 2 KV) * head_dim rows of d),
        o_proj (d rows of H * head_dim), gate_up_proj (2I rows of d), down_proj (d rows of I), and
        the two RMSNorm weights (d each); the final norm (d); lm_head (V x d) unless it is tied.
        Phi-3 has no biases and no position embeddings (rotary embeddings have no weights).
    "bert" (BertModel with its pooler, as all-MiniLM-L6-v2 ships it): vocab_size V, hidden_size d,
        intermediate_size I, num_hidden_layers L, max_position_embeddings P, type_vocab_size.
        Counted, every Linear with its bias: word, position and token-type embeddings
        (V, P and type_vocab_size rows of d) and their LayerNorm (weight and bias, d each); in each
        layer query, key, value and attention.output.dense (d x d + d each), a LayerNorm,
        intermediate.dense (I x d + I), output.dense (d x I + d), a LayerNorm; the pooler
        (d x d + d). BertModel has no LM head, so tie_word_embeddings does not matter.
    Any other model_type raises ValueError. Returns a Python int.

    Phi-3-mini-4k-instruct has 3,821,079,552 parameters, all-MiniLM-L6-v2 22,713,216.
    Example: {"model_type": "phi3", "vocab_size": 10, "hidden_size": 4, "intermediate_size": 6,
    "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1} has head_dim 2 and
    counts 40 (embed_tokens) + 128 (the layer: qkv_proj 32, o_proj 16, gate_up_proj 48,
    down_proj 24, norms 8) + 4 (final norm) + 40 (lm_head) = 212.
    """
    ### BEGIN SOLUTION
    V, d = config["vocab_size"], config["hidden_size"]
    I, L = config["intermediate_size"], config["num_hidden_layers"]
    if config["model_type"] == "phi3":
        H = config["num_attention_heads"]
        KV = config.get("num_key_value_heads") or H
        head_dim = config.get("head_dim") or d // H
        attention = (H + 2 * KV) * head_dim * d + d * H * head_dim     # qkv_proj, o_proj
        mlp = 2 * I * d + d * I                                        # gate_up_proj, down_proj
        layer = attention + mlp + 2 * d                                # and two RMSNorm weights
        lm_head = 0 if config.get("tie_word_embeddings", False) else V * d
        return int(V * d + L * layer + d + lm_head)
    if config["model_type"] == "bert":
        embeddings = (V + config["max_position_embeddings"] + config["type_vocab_size"]) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (I * d + I) + (d * I + d) + 2 * d
        pooler = d * d + d
        return int(embeddings + L * layer + pooler)
    raise ValueError(f"count_parameters knows model_type 'phi3' and 'bert', not {config['model_type']!r}")
    ### END SOLUTION


def split_fused_qkv(W_qkv, n_heads, n_kv_heads, head_dim):
    """Phi-3's fused attention projection, `qkv_proj.weight`, cut into its query, key and value parts.

    W_qkv: (n_heads * head_dim + 2 * n_kv_heads * head_dim, d), stored like every nn.Linear
    weight as (out, in): row r computes output feature r. Its rows are stacked Q | K | V: first the
    n_heads * head_dim query rows, then n_kv_heads * head_dim key rows, then as many value rows.
    (With grouped-query attention n_kv_heads < n_heads, so the three parts are not equal thirds.)

    Returns (W_q, W_k, W_v), of shapes (n_heads * head_dim, d), (n_kv_heads * head_dim, d) and
    (n_kv_heads * head_dim, d): the layout is kept, (out, in), so that q = x @ W_q.T as for any
    Linear.

    Example: Phi-3-mini's qkv_proj.weight is (9216, 3072) with 32 heads, 32 key/value heads and
    head_dim 96: W_q, W_k, W_v are rows 0-3071, 3072-6143 and 6144-9215, each (3072, 3072).
    With n_heads=2, n_kv_heads=1, head_dim=1 and W_qkv = [[1], [2], [3], [4]]:
    W_q = [[1], [2]], W_k = [[3]], W_v = [[4]].
    """
    ### BEGIN SOLUTION
    q_end = n_heads * head_dim
    k_end = q_end + n_kv_heads * head_dim
    return W_qkv[:q_end], W_qkv[q_end:k_end], W_qkv[k_end:]
    ### END SOLUTION


def split_gate_up(W_gate_up):
    """Phi-3's fused MLP input projection, `gate_up_proj.weight`, cut into its gate and up parts.

    W_gate_up: (2 * I, d), an nn.Linear weight stored (out, in), I the MLP width
    (intermediate_size). Its first I rows are the gate projection, the last I rows the up
    projection; Phi-3's MLP computes down_proj(silu(x @ W_gate.T) * (x @ W_up.T)).

    Returns (W_gate, W_up), each (I, d): the layout is kept, (out, in).

    Example: Phi-3-mini's gate_up_proj.weight is (16384, 3072): W_gate is rows 0-8191, W_up rows
    8192-16383, each (8192, 3072). split_gate_up(np.array([[1., 2.], [3., 4.], [5., 6.], [7., 8.]]))
    -> ([[1, 2], [3, 4]], [[5, 6], [7, 8]]).
    """
    ### BEGIN SOLUTION
    I = W_gate_up.shape[0] // 2
    return W_gate_up[:I], W_gate_up[I:]
    ### END SOLUTION


def bert_embed(token_ids, weights):
    """BERT's embedding layer: word + position + token-type embeddings, then LayerNorm.

    token_ids: int array (T,) for one sequence or (B, T) for a batch, ids of the vocabulary.
    weights: dict of float64 arrays under their checkpoint names (other entries are ignored, such
    as the checkpoint's int buffer embeddings.position_ids, or the encoder's weights):
        embeddings.word_embeddings.weight (V, d), embeddings.position_embeddings.weight (P, d),
        embeddings.token_type_embeddings.weight (2, d),
        embeddings.LayerNorm.weight (d,), embeddings.LayerNorm.bias (d,).
    Position t (t = 0, 1, ..., T - 1, counted from 0 in every sequence of a batch) adds row t of
    the position embeddings; every token is of token type 0 (one sentence), so each adds row 0
    of the token-type embeddings. The sum goes through `layer_norm` with eps 1e-12.
    Returns a float64 array (T, d) or (B, T, d).

    Example: with d = 3, word embeddings [[0, 0, 0], [1, 1, 2], [2, 2, 0]], position embeddings
    [[0, 0, 1], [1, 0, 0], [0, 5, 0]], token-type row 0 = [0, 1, 0], LayerNorm weight [1, 1, 1] and
    bias [0, 0, 0]: token_ids [1, 2] sum to [[1, 2, 3], [3, 3, 0]], and LayerNorm gives
    [[-1.224745, 0, 1.224745], [0.707107, 0.707107, -1.414214]].
    """
    ### BEGIN SOLUTION
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[-1]
    summed = (weights["embeddings.word_embeddings.weight"][token_ids]
              + weights["embeddings.position_embeddings.weight"][:T]
              + weights["embeddings.token_type_embeddings.weight"][0])
    return layer_norm(summed, weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
    ### END SOLUTION


def layer_norm(x, weight, bias, eps=1e-12):
    """LayerNorm over the last axis, as torch's nn.LayerNorm (BERT's eps is 1e-12).

    x: (..., d). weight, bias: (d,). Each vector v of d numbers: mu = its mean, var = the mean of
    (v - mu)^2 (divide by d, not d - 1), out = weight * (v - mu) / sqrt(var + eps) + bias, with
    eps inside the square root. Returns a float64 array shaped like x.

    Example: layer_norm(np.array([1.0, 3.0]), np.ones(2), np.zeros(2)) -> [-1, 1] (to 1e-12).
    """
    ### BEGIN SOLUTION
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = (centred ** 2).mean(axis=-1, keepdims=True)
    return weight * centred / np.sqrt(variance + eps) + bias
    ### END SOLUTION


def bert_encoder_layer(h, layer_weights, attention_mask, n_heads=12, eps=1e-12):
    """One layer of BERT's encoder, post-LN as Hugging Face's BertLayer runs it (no dropout).

    h: float64 (T, d) or (B, T, d), the hidden states coming in. attention_mask: (T,) or (B, T),
    1 for a real token, 0 for padding, as the tokenizer gives it (ints or bools).
    layer_weights: one layer's tensors, keyed as in the checkpoint without the prefix
    "encoder.layer.N.": attention.self.query.weight / .bias, attention.self.key.*,
    attention.self.value.*, attention.output.dense.*, attention.output.LayerNorm.*,
    intermediate.dense.*, output.dense.*, output.LayerNorm.*. Every Linear weight is (out, in),
    so Linear(x) = x @ W.T + b.

    1. Self-attention, n_heads heads of head_dim = d / n_heads columns: q, k, v = the query, key
       and value Linears of h; head j uses columns j * head_dim ... (j + 1) * head_dim - 1 of
       each; scores q k^T / sqrt(head_dim); padding KEYS are left out (softmax weight exactly 0),
       so a real token never looks at padding; each head's output goes back to its own columns,
       then attention.output.dense.
    2. Add & norm: a = LayerNorm(h + attention output) with attention.output.LayerNorm.
    3. MLP: intermediate.dense, the exact GELU 0.5 x (1 + erf(x / sqrt(2))) (not the tanh form:
       they differ by about 1e-4, and the grader tells them apart), then output.dense.
    4. Add & norm: LayerNorm(a + MLP output) with output.LayerNorm.
    LayerNorms as `layer_norm` with this eps (inside the square root). Returns the new hidden
    states, shaped like h. Rows of padding positions are not graded (only real tokens are).

    Example: with d = 2, n_heads = 1, every weight and bias 0 but the LayerNorm weights 1, a
    layer passes LayerNorm(h) through: h = [[1., 3.]] gives [[-1., 1.]] (to 1e-12).
    """
    ### BEGIN SOLUTION
    def linear(x, name):
        return x @ layer_weights[name + ".weight"].T + layer_weights[name + ".bias"]

    def norm(x, name):
        return layer_norm(x, layer_weights[name + ".weight"], layer_weights[name + ".bias"], eps)

    *batch, T, d = h.shape
    head_dim = d // n_heads

    def by_head(x):  # (..., T, d) -> (..., n_heads, T, head_dim)
        return np.swapaxes(x.reshape(*batch, T, n_heads, head_dim), -3, -2)

    q, k, v = (by_head(linear(h, f"attention.self.{part}")) for part in ("query", "key", "value"))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(head_dim)
    real_keys = np.asarray(attention_mask, dtype=bool)[..., None, None, :]
    weights = softmax(np.where(real_keys, scores, -np.inf))
    heads = np.swapaxes(weights @ v, -3, -2).reshape(*batch, T, d)
    attended = norm(h + linear(heads, "attention.output.dense"), "attention.output.LayerNorm")
    inner = linear(attended, "intermediate.dense")
    activated = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
    return norm(attended + linear(activated, "output.dense"), "output.LayerNorm")
    ### END SOLUTION


def next_token_from_hidden(hidden, lm_head_weight):
    """Greedy decoding's next token: the LM head on the LAST position's hidden state, then argmax.

    hidden: float (T, d), the model body's output for one prompt (one hidden state per token), or
    (B, T, d) for a batch of prompts of equal length. lm_head_weight: (V, d), stored (out, in) like
    every nn.Linear weight (Phi-3-mini's is (32064, 3072)), so the scores are h @ lm_head_weight.T.
    Only position T - 1 is scored: the other positions predicted tokens that are already there.

    Returns the token ID with the highest score; on a tie the lowest ID (as np.argmax). For hidden
    (T, d) a Python int; for (B, T, d) an int array (B,), one ID per prompt.

    Example: hidden = [[9., 9.], [1., 0.]] (T = 2, d = 2) and lm_head_weight = [[0., 1.],
    [2., 0.], [2., 5.]] (V = 3): the last position [1, 0] scores [0, 2, 2], a tie between IDs 1
    and 2, so the answer is 1.
    """
    ### BEGIN SOLUTION
    last_position = np.asarray(hidden, dtype=float)[..., -1, :]
    scores = last_position @ np.asarray(lm_head_weight, dtype=float).T
    ids = np.argmax(scores, axis=-1)
    return int(ids) if ids.ndim == 0 else ids
    ### END SOLUTION
