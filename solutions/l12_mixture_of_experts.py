"""Lesson 12: Mixture of Experts."""

import numpy as np

from solutions.l01_introduction import softmax  # the notebook provides the same softmax in a cell
from solutions.l11_recent_improvements import swiglu  # the notebook provides the same swiglu in a cell


def router_probabilities(x, W_router):
    """The router: one probability per expert for every token, softmax(x W_router) over the experts.

    x: float array (..., d), one d-vector per token (usually (T, d): T tokens; a single token (d,)
    works too). W_router: (d, E), the router's weights, one column per expert (the router is a
    one-layer network without bias, as in Mixtral).
    Returns a float array (..., E): the routing probabilities. The softmax runs over the LAST axis,
    the E experts, so each token's row is positive and sums to 1 (never over the tokens).

    Example: x = [[1.0, 0.0], [0.0, 2.0]] (2 tokens, d = 2) and W_router = [[1.0, 0.0, -1.0],
    [0.0, 1.0, 0.0]] (E = 3) give the logits [[1, 0, -1], [0, 2, 0]] and the probabilities
    [[0.665241, 0.244728, 0.090031],
     [0.106507, 0.786986, 0.106507]].
    """
    ### BEGIN SOLUTION
    router_logits = np.asarray(x, dtype=float) @ np.asarray(W_router, dtype=float)
    return softmax(router_logits, axis=-1)
    ### END SOLUTION


def top_k_route(router_logits, k):
    """Top-k routing, as in Mixtral: each token picks the k experts with the largest logits and
    shares its weight among those k only.

    router_logits: float array (T, E), x W_router for T tokens and E experts (the logits, before
    any softmax). k: int, 1 <= k <= E, how many experts each token goes to (2 in Mixtral).
    Returns (weights, expert_ids), both of shape (T, k):
      expert_ids: an int array; row t holds the ids of token t's k largest logits in order of
        decreasing logit (its favourite expert first). Ties go to the LOWER expert id: among equal
        logits the smaller id comes first (and is the one kept when only some of them fit in k).
      weights: a float array aligned with expert_ids: weights[t, j] belongs to expert
        expert_ids[t, j]. They are the softmax over the k chosen logits only, so each row sums
        to 1; equivalently, the router probabilities of the chosen experts divided by their sum
        (Mixtral renormalises them this way).

    Example: router_logits = [[2.0, 0.0, 1.0, 1.0]], k = 2: expert 0 comes first; experts 2 and 3
    tie for second place and the lower id, 2, wins. expert_ids = [[0, 2]], and the weights are the
    softmax of the chosen logits [2, 1]: [[0.731059, 0.268941]].
    """
    ### BEGIN SOLUTION
    router_logits = np.asarray(router_logits, dtype=float)
    # A stable sort of the negated logits: decreasing logits, equal ones kept in increasing id order.
    expert_ids = np.argsort(-router_logits, axis=-1, kind="stable")[..., :k]
    chosen_logits = np.take_along_axis(router_logits, expert_ids, axis=-1)
    return softmax(chosen_logits, axis=-1), expert_ids
    ### END SOLUTION


def moe_layer(x, W_router, experts, k):
    """A sparse Mixture-of-Experts layer, as in Mixtral: the router sends each token to its top-k
    experts, and the token's output is the weighted sum of those k experts' outputs.

    x: float array (T, d), T tokens. W_router: (d, E), the router's weights (logits = x W_router).
    experts: a list of E triples (W_gate (d, f), W_up (d, f), W_down (f, d)); expert e is the
    feedforward network swiglu(., *experts[e]) (lesson 11's SwiGLU, provided in this notebook).
    k: int, 1 <= k <= E, the number of experts per token.
    Route with top_k_route(x W_router, k) (it takes the logits, not the probabilities): token t
    goes to the experts expert_ids[t, 0..k-1] with the weights weights[t, 0..k-1], and
        output[t] = sum over j of weights[t, j] * swiglu(x[t], *experts[expert_ids[t, j]])
    Returns a float array (T, d). Sparse: expert e needs to run only on the tokens routed to it
    (gather them, run the expert once on all of them, add the weighted results back at their
    rows); running every expert on every token and keeping the chosen ones gives the same
    numbers, only with more work.

    Example: 2 experts, a token x[0] whose logits x[0] W_router are [0.0, 1.0], and expert
    outputs swiglu(x[0], *experts[0]) = [1.0, 2.0] and swiglu(x[0], *experts[1]) = [3.0, 0.0].
    With k = 1 it goes to expert 1 alone, weight 1: output[0] = [3.0, 0.0]. With k = 2 it goes to
    experts [1, 0] with the weights softmax([1, 0]) = [0.731059, 0.268941]:
    output[0] = 0.731059 * [3, 0] + 0.268941 * [1, 2] = [2.462117, 0.537883].
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    weights, expert_ids = top_k_route(x @ np.asarray(W_router, dtype=float), k)
    output = np.zeros((x.shape[0], np.shape(experts[0][2])[1]))
    for expert, (W_gate, W_up, W_down) in enumerate(experts):
        # The tokens routed to this expert, and in which of their k slots it sits (at most once each).
        tokens, slots = np.nonzero(expert_ids == expert)
        if tokens.size:
            output[tokens] += weights[tokens, slots, None] * swiglu(x[tokens], W_gate, W_up, W_down)
    return output
    ### END SOLUTION


def load_balancing_loss(router_logits, k):
    """The auxiliary load-balancing loss of Switch Transformer and Mixtral, as Hugging Face's
    `load_balancing_loss_func` computes it.

    router_logits: float array (T, E), the router's logits for T tokens and E experts. k: int,
    the number of experts each token goes to.
    With p = softmax(router_logits) over the experts (the routing probabilities, every expert,
    before top-k) and the experts chosen by top_k_route(router_logits, k):
        f[e] = (number of tokens that chose expert e among their k) / T    (sum of f is k)
        P[e] = mean over the T tokens of p[t, e]                             (sum of P is 1)
        loss = E * sum over e of f[e] * P[e]
    Returns a Python float. Perfectly balanced routing (every expert chosen by k T / E tokens, and
    P[e] = 1 / E) gives exactly k; routing every token to the same k experts with near certainty
    gives about E. Training adds a small multiple of it (router_aux_loss_coef, 0.02 in Mixtral
    8x7B's config) to the language-model loss. For several layers, Hugging Face stacks their rows
    into one (T, E) array first.

    Example: router_logits = [[1.0, 0.0], [1.0, 0.0]], k = 1: both tokens choose expert 0, so
    f = [1, 0]; p = [0.731059, 0.268941] for both, so P = [0.731059, 0.268941]; the loss is
    2 * (1 * 0.731059 + 0 * 0.268941) = 1.462117.
    """
    ### BEGIN SOLUTION
    router_logits = np.asarray(router_logits, dtype=float)
    n_tokens, n_experts = router_logits.shape
    _, expert_ids = top_k_route(router_logits, k)
    fraction_of_tokens = np.bincount(expert_ids.ravel(), minlength=n_experts) / n_tokens
    mean_probability = softmax(router_logits, axis=-1).mean(axis=0)
    return float(n_experts * np.sum(fraction_of_tokens * mean_probability))
    ### END SOLUTION


def moe_parameter_counts(config):
    """How many parameters a Mixtral model (Hugging Face's MixtralForCausalLM) has in total (the
    sparse parameters: all must be loaded) and how many one token uses (the active parameters).

    config: a dict with MixtralConfig's keys (any other keys are ignored):
        vocab_size V, hidden_size d, intermediate_size f (one expert's FFN width),
        num_hidden_layers L, num_attention_heads H, num_key_value_heads KV (grouped-query
        attention: KV key/value heads shared by the H query heads), num_local_experts E (experts
        per layer), num_experts_per_tok k (experts each token uses);
        head_dim (absent or None: d // H);
        tie_word_embeddings (absent: False; True when the LM head reuses the token embeddings).
    What is counted (Mixtral's linear layers have no biases):
        the token embeddings, V x d;
        in each of the L layers: the attention as in Llama (q_proj and o_proj: d x H * head_dim
        each; k_proj and v_proj: d x KV * head_dim each), the router (d x E), E experts of
        3 x d x f each (gate, up and down projections of a SwiGLU network) and the two RMSNorm
        weights (d each);
        the final RMSNorm (d) and the LM head (V x d), unless it is tied to the embeddings.
    Active: everything shared (embeddings, attention, routers, norms, LM head) plus only the k
    experts a token goes to in each layer, instead of all E.
    Returns (total, active), two Python ints. Mixtral 8x7B: (46,702,792,704, 12,879,925,248).

    Example: {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 3, "num_hidden_layers": 1,
    "num_attention_heads": 2, "num_key_value_heads": 1, "num_local_experts": 4,
    "num_experts_per_tok": 2} has head_dim 2; each expert holds 3 * 4 * 3 = 36; the layer
    holds 48 (attention) + 16 (router) + 144 (experts) + 8 (norms) = 216; in total
    40 + 216 + 4 + 40 = 300, of which 300 - 2 * 36 = 228 are active.
    """
    ### BEGIN SOLUTION
    V, d, f = config["vocab_size"], config["hidden_size"], config["intermediate_size"]
    n_layers, n_heads = config["num_hidden_layers"], config["num_attention_heads"]
    n_kv_heads = config["num_key_value_heads"]
    head_dim = config.get("head_dim") or d // n_heads
    n_experts, k = config["num_local_experts"], config["num_experts_per_tok"]
    attention = 2 * d * n_heads * head_dim + 2 * d * n_kv_heads * head_dim  # q and o, k and v
    shared_per_layer = attention + d * n_experts + 2 * d                    # + router + two norms
    lm_head = 0 if config.get("tie_word_embeddings", False) else V * d
    shared = V * d + n_layers * shared_per_layer + d + lm_head
    one_expert = 3 * d * f
    return int(shared + n_layers * n_experts * one_expert), int(shared + n_layers * k * one_expert)
    ### END SOLUTION
