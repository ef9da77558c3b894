# %% [markdown]
# # Lesson 12 — Mixture of Experts
#
# A **Mixture of Experts (MoE)** improves an LLM's quality by using several sub-networks where there
# used to be one. In the Transformer block (lesson 08), the feedforward neural network (FFNN) after
# self-attention is a **dense layer**: every one of its weights and biases is used for every token,
# and a model built from such blocks is a **dense model**. An **MoE layer** replaces that one FFNN by
# several FFNNs, the **experts**, plus a **router**, a small network that decides which expert(s)
# process each token's vector:
#
# - the router gives every expert a probability, the **routing probabilities**;
# - the token goes to its most probable expert, or to its **top-k experts** (k = 2 in Mixtral),
#   whose outputs are combined as a weighted average, weighted by those probabilities.
#
# Each token then uses one or two experts out of several, so most of the layer's weights stay idle for
# any given token: a **sparse model**. The experts keep the job of the FFNN they replace: work on the
# context that attention has gathered into each token's vector, and build richer combinations from
# it.
#
# Despite the name, experts are not domain specialists: there is no "psychology" or "biology"
# expert. What they pick up is word-level and syntactic: one expert tends to get punctuation, another
# verbs, another particular tokens in particular contexts. And a token's route can change from layer
# to layer, since every layer has its own router and its own experts.
#
# The figure redraws the course's pictures: the decoder block whose FFNN box becomes a router in
# front of N experts, and a dense FFNN, every neuron lit for every token, next to an MoE layer where
# the router lights only two experts. In this notebook you write the router, top-k routing, the
# sparse MoE layer, the loss that keeps every expert busy (load balancing), and the parameter count
# of **Mixtral 8x7B**: what must be loaded versus what one token actually uses. Below each figure, an
# **Expected result** cell shows what it looks like once your functions work.

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

ATTENTION, NORM, FFNN, ROUTER, IDLE = "#b9d7f0", "#ffe8a3", "#c9e8c3", "#f4b183", "#eeeeee"


def box(ax, x, y, width, height, label, colour, fontsize=9):
    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.02", facecolor=colour,
                                edgecolor="black"))
    ax.text(x + width / 2, y + height / 2, label, ha="center", va="center", fontsize=fontsize)


def arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->"))


def block(ax, title, moe):
    """A pre-norm decoder block, bottom to top; with `moe`, its FFNN is a router and 8 experts."""
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    ax.set_title(title)
    ax.text(5, 0.3, "token vectors", ha="center")
    levels = [(1.0, "RMSNorm", NORM), (2.3, "masked self-attention", ATTENTION), (3.6, "RMSNorm", NORM)]
    for y, label, colour in levels:
        box(ax, 2.5, y, 5, 0.8, label, colour)
        arrow(ax, (5, y - 0.45), (5, y))
    arrow(ax, (5, 4.45), (5, 4.9))
    if moe:
        box(ax, 2.5, 4.9, 5, 0.8, "router: picks 2 of 8 experts", ROUTER)
        for e in range(8):
            lit = e in (2, 5)
            box(ax, 0.4 + 1.2 * e, 6.4, 1.0, 1.5, "", FFNN if lit else IDLE)
            ax.text(0.9 + 1.2 * e, 7.65, f"expert {e}", ha="center", fontsize=7)
            for row in range(3):
                for column in range(2):
                    ax.add_patch(plt.Circle((0.68 + 1.2 * e + 0.44 * column, 6.7 + 0.36 * row), 0.13,
                                            color="#2e7d32" if lit else "#c8c8c8"))
            if lit:
                arrow(ax, (5, 5.75), (0.9 + 1.2 * e, 6.4))
                arrow(ax, (0.9 + 1.2 * e, 7.95), (5, 8.75))
        ax.text(5, 8.3, "weighted sum", ha="center", fontsize=8)
    else:
        box(ax, 2.5, 4.9, 5, 3.0, "", FFNN)
        ax.text(5, 7.55, "dense layer: every neuron works on every token", ha="center", fontsize=8)
        for row in range(4):
            for column in range(8):
                ax.add_patch(plt.Circle((3.0 + 0.57 * column, 5.3 + 0.55 * row), 0.18, color="#2e7d32"))
        arrow(ax, (5, 7.95), (5, 8.75))
    ax.text(5, 9.0, "+ residual, next block ...", ha="center")


fig, axes = plt.subplots(1, 2, figsize=(12, 6))
block(axes[0], "dense model: one FFNN per block", moe=False)
block(axes[1], "sparse model: an MoE layer replaces the FFNN", moe=True)
fig.suptitle("A decoder block with a dense FFNN vs with a Mixture of Experts (one token, k = 2 of 8 experts lit)")
plt.tight_layout()
plt.show()

# %% [markdown]
# The provided cell below holds a softmax (lesson 01), lesson 11's `swiglu`, the feedforward network
# each expert is, and the configuration of Mixtral 8x7B as its `config.json` ships it.

# %%
import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01); you may use it in your code."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def swiglu(x, W_gate, W_up, W_down):
    """Lesson 11's SwiGLU network, (silu(x W_gate) * (x W_up)) W_down with silu(z) = z * sigmoid(z):
    one expert. x: (..., d); W_gate, W_up: (d, f); W_down: (f, d). Returns (..., d)."""
    gate = x @ W_gate
    return (gate / (1.0 + np.exp(-gate)) * (x @ W_up)) @ W_down


MIXTRAL_8X7B = {  # mistralai/Mixtral-8x7B-v0.1, config.json
    "architectures": ["MixtralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2,
    "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
    "max_position_embeddings": 32768, "model_type": "mixtral", "num_attention_heads": 32,
    "num_experts_per_tok": 2, "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 8,
    "output_router_logits": False, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
    "router_aux_loss_coef": 0.02, "sliding_window": None, "tie_word_embeddings": False,
    "torch_dtype": "bfloat16", "use_cache": True, "vocab_size": 32000,
}

# %% [markdown]
# ## 1. The router and its routing probabilities
#
# The router is itself a small FFNN; in Mixtral it is a single linear layer without bias, a matrix
# $W_{router}$ of shape $(d, E)$ for $E$ experts (4,096 × 8 in Mixtral: about 32K parameters per layer,
# tiny next to the experts). For a token vector $x$ (a row, as in lessons 08 to 11) it gives one score
# per expert, the router's **logits** $z = x\,W_{router}$, and a softmax over the experts turns them
# into routing probabilities:
#
# $$p_e = \frac{e^{z_e}}{\sum_{e'=1}^{E} e^{z_{e'}}}, \qquad z = x\,W_{router}.$$
#
# For $T$ tokens at once, $x$ is $(T, d)$ and the logits are $(T, E)$, one row per token. The softmax
# runs along each row, over the experts; never down a column, over the tokens: every token makes its
# own choice.
#
# **Exercise 1.** Implement `router_probabilities(x, W_router)` (the provided `softmax` helps).

# %% solution router_probabilities

# %% tests router_probabilities
x = np.array([[1.0, 0.0], [0.0, 2.0]])
W_router = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
probabilities = router_probabilities(x, W_router)
assert isinstance(probabilities, np.ndarray) and probabilities.shape == (2, 3), (
    f"2 tokens, 3 experts: a (2, 3) array, got {probabilities!r}")
assert probabilities.dtype == np.float64, f"the course works in float64, got {probabilities.dtype}"
assert np.allclose(probabilities.sum(axis=-1), 1.0), (
    f"each token's probabilities over the experts sum to 1 (softmax over the last axis), got row sums "
    f"{probabilities.sum(axis=-1)}")
# the logits x W_router are [[1, 0, -1], [0, 2, 0]]
assert np.allclose(probabilities, [[0.665241, 0.244728, 0.090031], [0.106507, 0.786986, 0.106507]]), (
    f"softmax of the logits [[1, 0, -1], [0, 2, 0]] row by row is [[0.665, 0.245, 0.090], [0.107, 0.787, 0.107]], "
    f"got\n{probabilities}")
one_token = router_probabilities(x[0], W_router)
assert np.shape(one_token) == (3,), f"a single token (d,) gives (E,) probabilities, got shape {np.shape(one_token)}"
print("router_probabilities: sanity checks passed")

# %% [markdown]
# ## 2. Choosing the top-k experts
#
# The simplest rule sends each token to its single most probable expert (top-1, as in Switch
# Transformer). Mixtral sends every token to its **top-k experts**, k = 2, and mixes their outputs:
#
# $$\mathrm{MoE}(x) = \sum_{e \,\in\, \mathrm{top}k(x)} w_e \; \mathrm{expert}_e(x), \qquad
#   w_e = \frac{p_e}{\sum_{e' \in \mathrm{top}k(x)} p_{e'}}
#       = \frac{e^{z_e}}{\sum_{e' \in \mathrm{top}k(x)} e^{z_{e'}}}.$$
#
# The weights are the probabilities of the chosen experts, renormalised so that they add up to 1,
# which is the same as a softmax over the k chosen logits alone (the full softmax's denominator
# cancels). A token whose router is sure of its favourite gives it nearly all the weight; an unsure
# one splits it almost evenly. Choosing by logits or by probabilities picks the same experts (softmax
# keeps the order); Mixtral computes the probabilities first, then keeps the top k and divides by
# their sum.
#
# Conventions (the grader checks them):
#
# - `expert_ids[t]` lists token $t$'s chosen experts in order of decreasing logit, favourite first;
# - ties go to the **lower expert id** (a stable sort of `-router_logits`:
#   `np.argsort(..., kind="stable")`);
# - `weights[t, j]` is the weight of expert `expert_ids[t, j]`.
#
# **Exercise 2.** Implement `top_k_route(router_logits, k)`.

# %% solution top_k_route

# %% tests top_k_route
logits = np.array([[2.0, 0.0, 1.0, 1.0], [0.0, 1.0, 3.0, -1.0]])
result = top_k_route(logits, 2)
assert isinstance(result, tuple) and len(result) == 2, "return a tuple (weights, expert_ids)"
weights, expert_ids = result
assert np.shape(weights) == (2, 2) and np.shape(expert_ids) == (2, 2), (
    f"2 tokens, k = 2: weights and expert_ids are (2, 2), got {np.shape(weights)} and {np.shape(expert_ids)}")
assert isinstance(expert_ids, np.ndarray) and expert_ids.dtype.kind == "i", (
    f"expert_ids is an int array (ids index the experts), got {expert_ids!r}")
assert np.array_equal(expert_ids[1], [2, 1]), (
    f"token 1's largest logits are 3 (expert 2) then 1 (expert 1): expert_ids[1] = [2, 1], got {expert_ids[1]}")
assert np.array_equal(expert_ids[0], [0, 2]), (
    f"token 0: expert 0 first, then experts 2 and 3 tie at 1.0 and the lower id wins: [0, 2], got {expert_ids[0]}")
assert np.allclose(weights, [[0.731059, 0.268941], [0.880797, 0.119203]]), (
    f"the weights are the softmax of the chosen logits, [2, 1] and [3, 1]: [[0.731, 0.269], [0.881, 0.119]], "
    f"got\n{weights}")
top_1_weights, top_1_ids = top_k_route(logits, 1)
assert np.allclose(top_1_weights, 1.0) and np.array_equal(top_1_ids, [[0], [2]]), (
    f"with k = 1 each token goes to its favourite with weight 1: [[0], [2]] and [[1], [1]], got {top_1_ids} and "
    f"{top_1_weights}")
print("top_k_route: sanity checks passed")

# %% [markdown]
# Which expert does each token of a sentence go to? The figure routes the course's sentence "The dog
# chased the llama because it was tired ." through a toy model: each token's vector is made from its
# word's kind (determiner, noun, verb, ...) plus a little noise, and each of 4 layers has its own
# random router over 8 experts, k = 2. Nothing is trained, yet two things the course says about real
# routers already show: tokens of the same kind ("The" and "the", "dog" and "llama") go to the same
# experts (experts end up with word-level niches, not topics), and a token's experts change from
# layer to layer.

# %% figure
words = ["The", "dog", "chased", "the", "llama", "because", "it", "was", "tired", "."]
kinds = ["determiner", "noun", "verb", "determiner", "noun", "conjunction", "pronoun", "verb", "adjective",
         "punctuation"]
kind_names = sorted(set(kinds))
toy_rng = np.random.default_rng(12)
token_vectors = 2.0 * np.array([[float(kind == name) for name in kind_names] for kind in kinds])
token_vectors += 0.1 * toy_rng.standard_normal(token_vectors.shape)
layer_routers = [toy_rng.standard_normal((len(kind_names), 8)) for _ in range(4)]

fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [1.2, 1]})
layer_1 = router_probabilities(token_vectors, layer_routers[0])
_, layer_1_ids = top_k_route(token_vectors @ layer_routers[0], 2)
image = left.imshow(layer_1, cmap="Blues", vmin=0, vmax=1)
for t, chosen in enumerate(layer_1_ids):
    for rank, e in enumerate(chosen):
        left.text(e, t, str(rank + 1), ha="center", va="center", color="red", fontweight="bold")
left.set_xticks(range(8), [f"expert {e}" for e in range(8)], rotation=45)
left.set_yticks(range(len(words)), words)
left.set_xlabel("expert")
left.set_ylabel("token")
left.set_title("Layer 1: routing probabilities\n(red 1 and 2: the top-2 experts each token goes to)")
fig.colorbar(image, ax=left, label="routing probability")

routes = np.array([top_k_route(token_vectors @ router, 2)[1] for router in layer_routers])  # (layers, T, 2)
right.imshow(routes[:, :, 0].T, cmap="Set3", vmin=0, vmax=11, aspect="auto")
for layer in range(4):
    for t in range(len(words)):
        right.text(layer, t, f"{routes[layer, t, 0]}, {routes[layer, t, 1]}", ha="center", va="center")
right.set_xticks(range(4), [f"layer {layer + 1}" for layer in range(4)])
right.set_yticks(range(len(words)), words)
right.set_xlabel("layer")
right.set_ylabel("token")
right.set_title("Each token's two experts, layer by layer\n(colour: its favourite)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The sparse MoE layer
#
# Every token now goes through its k experts, each a SwiGLU network (lesson 11, the provided
# `swiglu`), and gets the weighted sum of their outputs:
#
# $$\mathrm{output}_t = \sum_{j=1}^{k} w_{t,j}\; \mathrm{swiglu}\!\left(x_t,\ \mathrm{experts}[\mathrm{id}_{t,j}]\right),
#   \qquad (w, \mathrm{id}) = \mathrm{top\_k\_route}(x\,W_{router},\ k).$$
#
# The direct way, running all $E$ experts on all $T$ tokens and keeping the outputs of the chosen
# ones, does $E/k$ times too much work, which is exactly the compute a sparse model saves. A sparse
# layer **dispatches** instead, as Hugging Face's `MixtralSparseMoeBlock` does:
#
# 1. route: `weights, expert_ids = top_k_route(x @ W_router, k)` (the logits, not the probabilities);
# 2. for each expert $e$, find the tokens that chose it and in which of their $k$ slots
#    (`np.nonzero(expert_ids == e)` gives both), gather those rows of `x`, and run the expert once on
#    all of them;
# 3. multiply each result by its token's weight for $e$ and **add** it to that token's row of the
#    output: every token receives $k$ contributions, so assigning would keep only the last one.
#
# An expert that no token chose is not run at all. (The dense way gives the same numbers and is
# accepted too; only the amount of work differs.)
#
# **Exercise 3.** Implement `moe_layer(x, W_router, experts, k)`, calling `top_k_route` and `swiglu`.

# %% solution moe_layer

# %% tests moe_layer
x = np.array([[1.0, 0.5], [-0.5, 1.0], [0.0, -1.0]])
W_router = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5]])
expert_rng = np.random.default_rng(0)
experts = [tuple(expert_rng.normal(0, 0.5, shape) for shape in [(2, 4), (2, 4), (4, 2)]) for _ in range(3)]
output = moe_layer(x, W_router, experts, 2)
assert isinstance(output, np.ndarray) and output.shape == (3, 2), (
    f"3 tokens of width 2 give a (3, 2) output, got {output!r}")
expert_outputs = [swiglu(x, *expert) for expert in experts]  # every expert on every token, to check by hand
# the logits x W_router are [[1, 0.5, -0.75], [-0.5, 1, 1], [0, -1, -0.5]], so
# token 0 goes to experts 0 and 1 with the weights softmax([1, 0.5]) = [0.622459, 0.377541],
# token 1 to experts 1 and 2 (a tie, both chosen) with 0.5 each,
# token 2 to experts 0 and 2 with the weights softmax([0, -0.5]) = [0.622459, 0.377541]
expected = np.array([0.622459 * expert_outputs[0][0] + 0.377541 * expert_outputs[1][0],
                     0.5 * expert_outputs[1][1] + 0.5 * expert_outputs[2][1],
                     0.622459 * expert_outputs[0][2] + 0.377541 * expert_outputs[2][2]])
assert np.allclose(output, expected, atol=1e-6), (
    f"each token's output is the weighted sum of its 2 experts' outputs: expected\n{expected}\ngot\n{output}")
one_expert = moe_layer(x, W_router[:, :1], experts[:1], 1)
assert np.allclose(one_expert, swiglu(x, *experts[0])), (
    "with a single expert (E = k = 1) every token gets that expert's output, weight 1")
same_experts = moe_layer(x, W_router, [experts[1]] * 3, 2)
assert np.allclose(same_experts, swiglu(x, *experts[1])), (
    "when the 3 experts are the same network the layer equals that network: each token's weights add up to 1")
print("moe_layer: sanity checks passed")

# %% [markdown]
# ## 4. Load balancing
#
# Training the router is where MoE gets hard. An expert that happens to receive more tokens early on
# gets more training, becomes better, and attracts still more tokens; left alone, routing collapses
# onto a few experts, the others hardly learn, and most of the model's capacity is wasted (with
# experts on different devices, one device also does all the work). **Load balancing** counters this
# with an auxiliary loss added to the language-model loss. The Switch Transformer's version, also
# used for Mixtral (Hugging Face's `load_balancing_loss_func`), multiplies two measures of each
# expert's share of the $T$ tokens:
#
# $$f_e = \frac{\#\{t : e \text{ is among token } t\text{'s top } k\}}{T}, \qquad
#   P_e = \frac{1}{T} \sum_{t=1}^{T} p_{t,e}, \qquad
#   \mathcal{L}_{balance} = E \sum_{e=1}^{E} f_e \, P_e .$$
#
# $f_e$, the fraction of tokens sent to expert $e$, is a count (the $f_e$ add up to $k$): it has no
# gradient. $P_e$, the mean routing probability of expert $e$ over **all** tokens (from the full
# softmax, before top-k; the $P_e$ add up to 1), is differentiable, and its gradient pushes down the
# probabilities of the experts that receive the most tokens. Perfectly balanced routing, $f_e = k/E$
# and $P_e = 1/E$, gives $E \cdot E \cdot \frac{k}{E} \cdot \frac{1}{E} = k$; sending every token to
# the same $k$ experts with near certainty gives about $E$. Training adds the loss with a small
# coefficient (`router_aux_loss_coef`, 0.02 in Mixtral's configuration), enough to keep the experts
# busy without overruling the language-model loss.
#
# **Exercise 4.** Implement `load_balancing_loss(router_logits, k)`, choosing the experts with
# `top_k_route`.

# %% solution load_balancing_loss

# %% tests load_balancing_loss
loss = load_balancing_loss(np.array([[1.0, 0.0], [1.0, 0.0]]), 1)
assert isinstance(loss, float), f"return a Python float (float(...)), got {type(loss).__name__}"
# both tokens choose expert 0: f = [1, 0]; p = [0.731, 0.269] for both: P = [0.731, 0.269]
assert np.isclose(loss, 1.462117), f"2 * (1 * 0.731059 + 0 * 0.268941) = 1.462117, got {loss}"
balanced = np.array([[1.0, 0.5, -1.0], [-1.0, 1.0, 0.5], [0.5, -1.0, 1.0]])  # each expert first once
assert np.isclose(load_balancing_loss(balanced, 2), 2.0), (
    f"perfectly balanced routing gives exactly k = 2, got {load_balancing_loss(balanced, 2)}")
assert np.isclose(load_balancing_loss(balanced, 1), 1.0), (
    f"perfectly balanced routing gives exactly k = 1, got {load_balancing_loss(balanced, 1)}")
collapsed = np.array([[20.0, 0.0, 0.0, 0.0]] * 4)
assert np.isclose(load_balancing_loss(collapsed, 1), 4.0), (
    f"4 experts, every token sent to expert 0 with near certainty: about E = 4, got {load_balancing_loss(collapsed, 1)}")
print("load_balancing_loss: sanity checks passed")

# %% [markdown]
# The figure trains a toy router by gradient descent, without and with the auxiliary loss. 512 token
# vectors go to 8 experts, k = 2. The experts are frozen and expert 0 is a little better than the
# others for every token, the situation the rich-get-richer loop leads to; a table `quality[t, e]`
# says how well expert $e$ serves token $t$. The router learns to maximise the expected quality
# averaged over the tokens, $\frac{1}{T}\sum_t \sum_e p_{t,e}\,\mathrm{quality}_{t,e}$, whose gradient
# with respect to token $t$'s logits is
# $\frac{1}{T}\, p_t \odot (\mathrm{quality}_t - p_t \cdot \mathrm{quality}_t)$ (the softmax's
# derivative); that of the balancing loss, with $f$ held fixed, is
# $\frac{E}{T}\, p_t \odot (f - p_t \cdot f)$. Without the balancing term
# nearly every token ends up sending one of its two slots to expert 0 (and the loss climbs towards
# E); with it the load spreads out, expert 0 keeping the largest share since it serves tokens best.
# The weight of the balancing term sets the trade-off: too large, and it would overrule what the
# tokens need, which is why real models use a small coefficient.

# %% figure
T, d, E, k = 512, 16, 8, 2
toy_rng = np.random.default_rng(0)
tokens = toy_rng.standard_normal((T, d)) + 0.5
quality = 0.5 * tokens @ toy_rng.standard_normal((d, E)) / np.sqrt(d)
quality[:, 0] += 1.0  # expert 0 is a little better for everyone
start = 0.01 * toy_rng.standard_normal((d, E))


def train_router(balance_weight, steps=300, learning_rate=0.1):
    """Gradient ascent on the expected quality, minus balance_weight times the balancing loss;
    returns, at every step, the fraction of the tokens sent to each expert and the balancing loss."""
    router = start.copy()
    fractions, balance = [], []
    for _ in range(steps):
        logits = tokens @ router
        p = router_probabilities(tokens, router)
        _, chosen = top_k_route(logits, k)
        sent = np.bincount(chosen.ravel(), minlength=E) / T
        fractions.append(sent)
        balance.append(load_balancing_loss(logits, k))
        gradient = -p * (quality - np.sum(p * quality, axis=-1, keepdims=True)) / T
        gradient += balance_weight * E / T * p * (sent - np.sum(p * sent, axis=-1, keepdims=True))
        router -= learning_rate * tokens.T @ gradient
    return np.array(fractions), np.array(balance)


runs = {"without the balancing loss": train_router(0.0), "with the balancing loss (weight 1)": train_router(1.0)}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
for ax, (name, (fractions, _)) in zip(axes, runs.items()):
    for e in range(E):
        ax.plot(fractions[:, e], color=plt.cm.tab10(e), label=f"expert {e}")
    ax.axhline(k / E, color="black", linestyle=":", label=f"perfect balance: k / E = {k / E}")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("training step")
    ax.set_ylabel("fraction of the tokens sent to the expert")
    ax.set_title(f"Per-expert load, {name}")
axes[0].legend(loc="center right", fontsize=7, ncol=2)
for name, (_, balance) in runs.items():
    axes[2].plot(balance, label=name)
axes[2].axhline(k, color="green", linestyle="--", label=f"perfect balance: k = {k}")
axes[2].axhline(E, color="red", linestyle="--", label=f"total collapse: E = {E}")
axes[2].set_xlabel("training step")
axes[2].set_ylabel("load_balancing_loss")
axes[2].set_title("The auxiliary loss during training")
axes[2].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Sparse vs active parameters
#
# The parameters of an MoE model sit in five places: the input embeddings, self-attention, the
# routers, the experts and the output embeddings (the LM head), plus the small RMSNorm weights.
#
# - **Sparse parameters**: all of them, since every expert must be loaded into memory; any token may
#   need any expert.
# - **Active parameters**: the ones actually used for a given token: everything shared (embeddings,
#   attention, routers, norms, LM head) plus only the $k$ chosen experts of each layer.
#
# **Mixtral 8x7B** has 32 layers of width $d$ = 4,096 with grouped-query attention (32 query heads,
# 8 key/value heads of width 128), a vocabulary of 32,000 tokens, and in every layer 8 SwiGLU experts
# of width $f$ = 14,336, of which 2 are used per token. Its name does not mean 8 × 7B = 56B: the
# experts share one attention and one set of embeddings. Each expert, across its 32 layers, holds
# $32 \times 3 \times 4{,}096 \times 14{,}336 \approx$ 5.6B parameters, not 7B; the "7B" is one expert
# *plus* the shared part, which is the size of the dense Mistral 7B. In total about 46.7B parameters
# must be loaded, but only about 12.9B are active for each token. The shared part is always used:
# the attention alone is over 1B parameters, while a router is only 4,096 × 8, about 32K per layer.
#
# Careful with one of the course's sources, which calls the model "Mistral 8x7B" with "8 experts of
# 7B each", says that "the largest number of parameters is in the attention" and that "only one
# expert is used". The model is Mixtral, the experts hold the large majority (about 45B of 46.7B;
# attention is the largest *shared* part), and Mixtral uses two experts per token.
#
# | Pros | Cons |
# |---|---|
# | less compute per token: fast inference | high memory: every expert must be loaded |
# | better quality than a dense model of the same active size | harder training (the router, load balancing) |
# | | risk of overfitting, and of one expert taking all the traffic |
#
# **Exercise 5.** Implement `moe_parameter_counts(config)` for a config with MixtralConfig's keys,
# returning `(total, active)`. Lesson 11's Llama count is a good start: Mixtral's attention, norms,
# embeddings and LM head are counted the same way.

# %% solution moe_parameter_counts

# %% tests moe_parameter_counts
tiny = {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 3, "num_hidden_layers": 1, "num_attention_heads": 2,
        "num_key_value_heads": 1, "num_local_experts": 4, "num_experts_per_tok": 2}
counts = moe_parameter_counts(tiny)
assert isinstance(counts, tuple) and len(counts) == 2, f"return a tuple (total, active), got {counts!r}"
total, active = counts
assert isinstance(total, int) and isinstance(active, int), (
    f"counts are Python ints (int(...)), got {type(total).__name__} and {type(active).__name__}")
# head_dim 2; per layer 48 (attention) + 16 (router) + 4 * 36 (experts) + 8 (norms) = 216
assert total == 300, f"40 (embeddings) + 216 (the layer) + 4 (final norm) + 40 (LM head) = 300, got {total}"
assert active == 228, f"active: the 2 chosen experts instead of 4, 300 - 2 * 36 = 228, got {active}"
assert moe_parameter_counts(dict(tiny, tie_word_embeddings=True)) == (260, 188), (
    "with tie_word_embeddings the LM head is the embedding matrix, counted once: (260, 188)")
mixtral = moe_parameter_counts(MIXTRAL_8X7B)
assert mixtral == (46_702_792_704, 12_879_925_248), (
    f"Mixtral 8x7B has 46,702,792,704 parameters, 12,879,925,248 of them active; got {mixtral[0]:,} and {mixtral[1]:,}")
print("moe_parameter_counts: sanity checks passed")

# %% [markdown]
# The figure takes Mixtral 8x7B apart: what a token uses (active) and what must be loaded (sparse),
# next to the dense Mistral 7B, which has the same attention and embeddings and one FFN per layer.

# %% figure
total, active = moe_parameter_counts(MIXTRAL_8X7B)
one_ffn_per_layer, _ = moe_parameter_counts(dict(MIXTRAL_8X7B, num_local_experts=1, num_experts_per_tok=1))
shared, _ = moe_parameter_counts(dict(MIXTRAL_8X7B, intermediate_size=0))  # everything but the experts
config = MIXTRAL_8X7B
width, layers = config["hidden_size"], config["num_hidden_layers"]
head_width = width // config["num_attention_heads"]
parts = {
    "embeddings + LM head": 2 * config["vocab_size"] * width,
    "attention": layers * 2 * width * head_width * (config["num_attention_heads"] + config["num_key_value_heads"]),
}
parts["routers + norms"] = shared - sum(parts.values())
rows = {  # (bar label, parameters of the experts used, of the experts loaded but idle)
    "Mistral 7B (dense)\none FFN per layer": (one_ffn_per_layer - shared, 0),
    "Mixtral 8x7B, active\n2 experts per token": (active - shared, 0),
    "Mixtral 8x7B, sparse (total)\nall 8 experts loaded": (active - shared, total - active),
}
fig, ax = plt.subplots(figsize=(12, 4.2))
for y, (label, (used, idle)) in enumerate(rows.items()):
    left = 0
    for (name, count), colour in zip(parts.items(), ["#8fb8de", "#3d7ab8", "#f2c14e"]):
        ax.barh(y, count / 1e9, left=left, color=colour, edgecolor="black", label=name if y == 0 else None)
        left += count / 1e9
    ax.barh(y, used / 1e9, left=left, color="#7fbf7f", edgecolor="black", label="FFN / experts used" if y == 0 else None)
    ax.barh(y, idle / 1e9, left=left + used / 1e9, color="#e6e6e6", edgecolor="black", hatch="//",
            label="experts loaded, not used" if y == 2 else None)
    ax.text(left + (used + idle) / 1e9 + 0.4, y, f"{(shared + used + idle) / 1e9:.2f}B", va="center")
ax.set_yticks(range(len(rows)), list(rows))
ax.set_xlabel("parameters (billions)")
ax.set_xlim(0, 52)
ax.set_title("Mixtral 8x7B: sparse (loaded) vs active (used per token) parameters")
ax.legend(loc="lower right", fontsize=8)
plt.tight_layout()
plt.show()
print(f"shared by every token: {shared:,} (attention {parts['attention']:,}, "
      f"routers + norms {parts['routers + norms']:,})")
print(f"one expert across the 32 layers: {(total - shared) // 8:,}")

# %% [markdown]
# ## Summary
#
# - A **Mixture of Experts** replaces the dense FFNN of each block by several experts and a router:
#   the **MoE layer**. The router's softmax gives the **routing probabilities**; each token goes to
#   its **top-k experts** (k = 2 in Mixtral) with weights renormalised over the chosen k.
# - A sparse layer runs each expert only on the tokens routed to it; the result equals the dense
#   weighted sum, at a fraction of the compute.
# - Experts learn word-level niches, not topics, and a token's route changes from layer to layer.
# - Without **load balancing** routing collapses onto a few experts; the auxiliary loss
#   $E \sum_e f_e P_e$ (k when perfectly balanced) keeps them all busy.
# - **Sparse vs active parameters**: Mixtral 8x7B loads 46.7B parameters but uses 12.9B per token;
#   memory is the price of the cheaper compute.
