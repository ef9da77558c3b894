"""Strategies shared by the hidden suites of lesson 11 (a Llama-style decoder).

Values sit on a 0.1 grid (GridValues) so that a failing input stays readable. Positions are drawn
as packed rows draw them, restarting at every document: RoPE sees only differences of positions,
so positions 0 .. T-1 shifted by a constant could never tell a function that uses `positions`
from one that counts 0 .. T-1 itself.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.lessons.toolkit import GridValues

BASES = st.sampled_from([None, 10000.0, 100.0, 500000.0, 2.5])  # None: leave the default


@st.composite
def restarting_positions(draw, length):
    """Positions of `length` tokens from 2 or more packed documents: 0, 1, ... restarting at each."""
    starts = sorted(draw(st.sets(st.integers(1, length - 1), min_size=1, max_size=length - 1)))
    positions = np.arange(length)
    for start in starts:
        positions[start:] = np.arange(length - start)
    return positions


@st.composite
def rms_norm_inputs(draw):
    """(x (..., d), weight (d,), eps or None)."""
    shape = tuple(draw(st.lists(st.integers(1, 3), max_size=2))) + (draw(st.integers(1, 5)),)
    grid = GridValues(draw)
    eps = draw(st.sampled_from([None, 1e-5, 1e-6, 0.01, 0.5]))
    return grid.inputs(*shape), grid.weights(shape[-1]), eps


even_head_dims = st.integers(1, 6).map(lambda half: 2 * half)


@st.composite
def rope_inputs(draw, leading_axes=False):
    """(x, positions (T,), base or None): x (T, head_dim), or with `leading_axes` (1 or 2 axes of
    batch and heads, T, head_dim) and positions that restart."""
    length, head_dim = draw(st.integers(2, 5)), draw(even_head_dims)
    leading = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))) if leading_axes else ()
    if leading_axes:
        positions = draw(restarting_positions(length))
    else:
        positions = np.array(draw(st.lists(st.integers(0, 12), min_size=length, max_size=length)))
    return GridValues(draw).inputs(*leading, length, head_dim), positions, draw(BASES)


@st.composite
def swiglu_inputs(draw):
    """(x (..., d), W_gate (d, f), W_up (d, f), W_down (f, d_out))."""
    d, f, d_out = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    leading = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    grid = GridValues(draw)
    return grid.inputs(*leading, d), grid.weights(d, f), grid.weights(d, f), grid.weights(f, d_out)


@st.composite
def packed_doc_ids(draw):
    """doc_ids (T,) of a packed row: 2 to 4 documents back to back, each a run of one label; labels
    are distinct ints in any order (they name documents, they do not rank them)."""
    lengths = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    labels = draw(st.lists(st.integers(0, 9), min_size=len(lengths), max_size=len(lengths), unique=True))
    return np.repeat(np.array(labels, dtype=np.int64), lengths)


@st.composite
def llama_configs(draw):
    """A small LlamaConfig dict: num_key_value_heads and head_dim absent, None or set; tie_word_embeddings
    absent, False or True; a few keys the count must ignore."""
    n_kv_heads = draw(st.integers(1, 3))
    n_heads = n_kv_heads * draw(st.integers(1, 3))
    config = {"vocab_size": draw(st.integers(5, 50)), "hidden_size": n_heads * draw(st.integers(1, 4)),
              "intermediate_size": draw(st.integers(1, 30)), "num_hidden_layers": draw(st.integers(1, 4)),
              "num_attention_heads": n_heads, "model_type": "llama", "rms_norm_eps": 1e-5, "rope_theta": 500000.0}
    optional = {"num_key_value_heads": n_kv_heads, "head_dim": 2 * draw(st.integers(1, 4)),
                "tie_word_embeddings": True}
    for key, value in optional.items():
        choice = draw(st.sampled_from(["given", "absent", "None" if key != "tie_word_embeddings" else "False"]))
        if choice != "absent":  # an absent key takes its default
            config[key] = {"given": value, "None": None, "False": False}[choice]
    return config


def llama_layer_params(grid, d, n_heads, n_kv_heads, head_dim, ffn):
    """One layer's weights keyed as LlamaDecoderLayer.state_dict(), nn.Linear layout (out, in)."""
    return {
        "input_layernorm.weight": 1.0 + grid.weights(d) / 2,
        "self_attn.q_proj.weight": grid.weights(n_heads * head_dim, d),
        "self_attn.k_proj.weight": grid.weights(n_kv_heads * head_dim, d),
        "self_attn.v_proj.weight": grid.weights(n_kv_heads * head_dim, d),
        "self_attn.o_proj.weight": grid.weights(d, n_heads * head_dim),
        "post_attention_layernorm.weight": 1.0 + grid.weights(d) / 2,
        "mlp.gate_proj.weight": grid.weights(ffn, d),
        "mlp.up_proj.weight": grid.weights(ffn, d),
        "mlp.down_proj.weight": grid.weights(d, ffn),
    }


@st.composite
def block_problems(draw, grouped=False, packed=False, any_head_dim=False):
    """(args, kwargs) of llama_block. `grouped`: n_kv_heads < n_heads (else equal); `packed`: a batch
    (B, T, d) and positions that restart (else x (T, d) and positions 0 .. T-1); `any_head_dim`:
    head_dim drawn apart from d, as q_proj's rows allow (else head_dim 2 and d = n_heads * 2, as in
    Llama). eps and base are left at their defaults or passed."""
    if grouped:
        n_kv_heads = draw(st.integers(1, 2))
        n_heads = n_kv_heads * draw(st.integers(2, 3))
    else:
        n_heads = n_kv_heads = draw(st.integers(1, 3))
    if any_head_dim:
        d, head_dim = draw(st.integers(2, 5)), draw(st.sampled_from([2, 4]))
    else:
        d, head_dim = 2 * n_heads, 2
    ffn, length = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    positions = draw(restarting_positions(length)) if packed else np.arange(length)
    grid = GridValues(draw)
    x = grid.inputs(*(((draw(st.integers(1, 2)),) if packed else ()) + (length, d)))
    params = llama_layer_params(grid, d, n_heads, n_kv_heads, head_dim, ffn)
    options = {name: value for name, value in [("eps", draw(st.sampled_from([None, 1e-6, 0.1]))),
                                               ("base", draw(st.sampled_from([None, 100.0, 500000.0])))]
               if value is not None}
    return (x, params, positions, n_heads, n_kv_heads), options


def worked_block(seed, shape, n_heads, n_kv_heads, head_dim, ffn, positions):
    """A fixed llama_block problem (args, kwargs) on the 0.1 grid, for an explicit example."""
    grid = GridValues(lambda strategy: seed)  # GridValues draws its seed: here the seed is fixed
    params = llama_layer_params(grid, shape[-1], n_heads, n_kv_heads, head_dim, ffn)
    return (grid.inputs(*shape), params, np.array(positions), n_heads, n_kv_heads), {}
