"""Strategies and helpers shared by the hidden suites of lesson 12 (Mixture of Experts).

Values sit on a 0.1 grid (GridValues) so that a failing input stays readable. Where the graded
convention does not pin ties (which experts a token goes to is not what moe_layer or
load_balancing_loss are graded on), inputs keep every token's k-th and (k+1)-th logits apart, so
that a student who computes the logits in another order of floating-point sums routes the same.
top_k_route's own inputs, on the contrary, tie often: there the tie rule is the convention.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.lessons.toolkit import GridValues

ROUTING_GAP = 1e-6  # the least distance kept between a token's k-th and (k+1)-th largest logit


def softmax(z, axis=-1):
    exps = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def swiglu(x, W_gate, W_up, W_down):
    gate = x @ W_gate
    return (gate / (1.0 + np.exp(-gate)) * (x @ W_up)) @ W_down


def top_k_ids(logits, k, ties_to_higher_id=False):
    """Each row's k largest logits, largest first; ties to the lower id (or to the higher one)."""
    if ties_to_higher_id:
        return np.argsort(logits, axis=-1, kind="stable")[..., ::-1][..., :k]
    return np.argsort(-logits, axis=-1, kind="stable")[..., :k]


def routes_apart(logits, k):
    """Whether every row's k-th largest logit is clear of the (k+1)-th one."""
    if k >= logits.shape[-1]:
        return True
    descending = -np.sort(-logits, axis=-1)
    return bool(np.all(descending[:, k - 1] - descending[:, k] > ROUTING_GAP))


@st.composite
def router_inputs(draw):
    """(x (T, d), (d,) or (B, T, d), W_router (d, E))."""
    d, n_experts = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    leading = draw(st.sampled_from([(), (1,), (2,), (3,), (4,), (2, 3)]))
    grid = GridValues(draw)
    return grid.inputs(*leading, d), grid.weights(d, n_experts)


@st.composite
def routing_logits(draw):
    """(router_logits (T, E) on a 0.5 grid in [-1.5, 1.5], so that ties are common; k in 1..E)."""
    n_tokens, n_experts = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    k = draw(st.integers(1, n_experts))
    logits = GridValues(draw).rng.integers(-3, 4, (n_tokens, n_experts)) / 2
    return logits, k


@st.composite
def distinct_logits(draw):
    """(router_logits (T, E), k): each row holds E different values of the 0.1 grid in [-2, 2]."""
    n_tokens, n_experts = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    k = draw(st.integers(1, n_experts))
    rng = GridValues(draw).rng
    logits = np.array([rng.choice(np.arange(-20, 21), n_experts, replace=False) for _ in range(n_tokens)]) / 10
    return logits, k


@st.composite
def balanced_logits(draw):
    """(router_logits (T, E), k) of perfectly balanced routing: the rows are the E rotations of one
    row of distinct values (each repeated the same number of times), so every expert is among the
    top k of exactly k rotations and has mean probability 1 / E."""
    n_experts = draw(st.integers(1, 6))
    k = draw(st.integers(1, n_experts))
    row = GridValues(draw).rng.choice(np.arange(-20, 21), n_experts, replace=False) / 10
    repeats = draw(st.integers(1, 2))
    return np.repeat(np.stack([np.roll(row, shift) for shift in range(n_experts)]), repeats, axis=0), k


@st.composite
def moe_inputs(draw, identical_experts=False):
    """(x (T, d), W_router (d, E), experts [(W_gate (d, f), W_up (d, f), W_down (f, d))] * E, k),
    with every token's routing clear of ties (ROUTING_GAP); `identical_experts` repeats one expert."""
    n_tokens, d, f = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n_experts = draw(st.integers(1, 4))
    k = draw(st.integers(1, n_experts))
    grid = GridValues(draw)
    x, W_router = grid.inputs(n_tokens, d), grid.weights(d, n_experts)
    while not routes_apart(x @ W_router, k):  # redrawn from the same seed: still reproducible
        x, W_router = grid.inputs(n_tokens, d), grid.weights(d, n_experts)
    if identical_experts:
        experts = [(grid.weights(d, f), grid.weights(d, f), grid.weights(f, d))] * n_experts
    else:
        experts = [(grid.weights(d, f), grid.weights(d, f), grid.weights(f, d)) for _ in range(n_experts)]
    return x, W_router, experts, k


@st.composite
def mixtral_configs(draw):
    """A small MixtralConfig dict: head_dim absent, None or set; tie_word_embeddings absent, False
    or True; KV key/value heads dividing H; a few keys the count must ignore."""
    n_kv_heads = draw(st.integers(1, 3))
    n_heads = n_kv_heads * draw(st.integers(1, 3))
    n_experts = draw(st.integers(1, 8))
    config = {"vocab_size": draw(st.integers(5, 60)), "hidden_size": n_heads * draw(st.integers(1, 4)),
              "intermediate_size": draw(st.integers(1, 30)), "num_hidden_layers": draw(st.integers(1, 4)),
              "num_attention_heads": n_heads, "num_key_value_heads": n_kv_heads, "num_local_experts": n_experts,
              "num_experts_per_tok": draw(st.integers(1, n_experts)), "model_type": "mixtral",
              "rms_norm_eps": 1e-5, "router_aux_loss_coef": 0.001}
    head_dim = draw(st.sampled_from(["absent", None, 2, 4, 6]))
    if head_dim != "absent":
        config["head_dim"] = head_dim
    tie = draw(st.sampled_from(["absent", False, True]))
    if tie != "absent":
        config["tie_word_embeddings"] = tie
    return config
