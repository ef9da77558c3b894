# %% [markdown]
# # Lesson 11 — Recent improvements: a Llama-style decoder
#
# The Transformer of 2017 (lesson 05) had an encoder and a decoder. Most LLMs today are
# **decoder-only**: a stack of decoder blocks and an LM head. The block itself has changed since
# 2017. This lesson compares the **2017 decoder** with a **modern decoder**, the one of Meta's Llama
# models (Llama 2 and 3; Mistral, Qwen and many others are built almost the same way). Four changes,
# drawn side by side (2017 vs modern decoder) in the figure below:
#
# 1. **Positions.** No **positional encoding** is added to the embeddings at the input any more.
#    **Rotary embeddings (RoPE)** put the position information *inside self-attention*: they turn the
#    queries and the keys just before relevance scoring.
# 2. **Normalization first.** **Layer normalization** now comes *before* self-attention and before the
#    feedforward network (**pre-norm**), not after the residual addition; it works better in
#    experiments, especially for deep stacks. The normalization itself is the simpler **RMSNorm**.
# 3. **Attention** is typically **grouped-query attention** (lesson 09): groups of query heads share one
#    key/value head, which shrinks the KV cache.
# 4. **The feedforward network** is a gated one, **SwiGLU**.
#
# Unchanged: both sublayers still sit on **residual connections** (each adds its result to its input).
#
# One more change concerns the training data rather than the network: documents are **packed** back
# to back into long rows, and Llama 3 adds a **document mask** so that a token never attends to another
# document of the same row.

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch


def draw_stack(ax, title, boxes):
    """Boxes from bottom to top, joined by arrows; a box is (label, colour)."""
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.2, len(boxes) + 0.1)
    ax.axis("off")
    ax.set_title(title)
    for level, (label, colour) in enumerate(boxes):
        ax.add_patch(FancyBboxPatch((0.1, level + 0.1), 0.8, 0.6, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="black"))
        ax.text(0.5, level + 0.4, label, ha="center", va="center", fontsize=9)
        if level:
            ax.annotate("", xy=(0.5, level + 0.08), xytext=(0.5, level - 0.28),
                        arrowprops=dict(arrowstyle="->"))


residual, norm, attention, ffn = "#f6f6f6", "#ffe8a3", "#b9d7f0", "#c9e8c3"
fig, axes = plt.subplots(1, 2, figsize=(10, 6.5))
draw_stack(axes[0], "2017 decoder (post-norm), decoder-only as in GPT-1", [
    ("token embeddings\n+ static positional encoding", "#f2c6c6"),
    ("masked self-attention\n(multi-head)", attention),
    ("add (residual) & LayerNorm", norm),
    ("feedforward network\n(ReLU; GELU in GPT)", ffn),
    ("add (residual) & LayerNorm", norm),
    ("next block ...", residual),
])
draw_stack(axes[1], "modern decoder (pre-norm, as in Llama)", [
    ("token embeddings\n(no positional encoding)", residual),
    ("RMSNorm", norm),
    ("masked self-attention: grouped-query,\nRoPE turns queries and keys", attention),
    ("add (residual)", residual),
    ("RMSNorm", norm),
    ("feedforward network: SwiGLU", ffn),
    ("add (residual)", residual),
])
fig.suptitle("The decoder block, 2017 vs today: the same two sublayers, rearranged and refined")
plt.tight_layout()
plt.show()

# %% [markdown]
# Reading a real architecture: the Llama 3 paper ("The Llama 3 Herd of Models", 2024, Table 3) gives
#
# | | 8B | 70B | 405B |
# |---|---|---|---|
# | Layers | 32 | 80 | 126 |
# | Model dimension | 4,096 | 8,192 | 16,384 |
# | FFN dimension | 14,336 | 28,672 | 53,248 |
# | Attention heads | 32 | 64 | 128 |
# | Key/value heads | 8 | 8 | 8 |
#
# with SwiGLU, RoPE with $\theta = 500{,}000$ and a vocabulary of 128K tokens (128,256 exactly). By the
# end of this notebook you will have written every piece of one such layer, checked against the
# weights' real names, and counted all 8,030,261,248 parameters of the 8B model.
#
# The provided cell below holds a softmax (lesson 01), the configuration of Llama 3 8B as its
# `config.json` ships it, and a helper that draws random weights for a tiny Llama layer.

# %%
import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01)."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


LLAMA_3_8B = {  # meta-llama/Meta-Llama-3-8B, config.json
    "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
    "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
    "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 8192,
    "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
    "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None, "rope_theta": 500000.0,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16", "use_cache": True, "vocab_size": 128256,
}


def random_llama_params(d, n_heads, n_kv_heads, head_dim, ffn, seed=0):
    """Random weights for one tiny Llama layer, keyed and shaped as LlamaDecoderLayer.state_dict()."""
    rng = np.random.default_rng(seed)
    shapes = {
        "input_layernorm.weight": (d,),
        "self_attn.q_proj.weight": (n_heads * head_dim, d),
        "self_attn.k_proj.weight": (n_kv_heads * head_dim, d),
        "self_attn.v_proj.weight": (n_kv_heads * head_dim, d),
        "self_attn.o_proj.weight": (d, n_heads * head_dim),
        "post_attention_layernorm.weight": (d,),
        "mlp.gate_proj.weight": (ffn, d),
        "mlp.up_proj.weight": (ffn, d),
        "mlp.down_proj.weight": (d, ffn),
    }
    params = {name: rng.normal(0.0, 0.5, shape) for name, shape in shapes.items()}
    for name in ("input_layernorm.weight", "post_attention_layernorm.weight"):
        params[name] += 1.0  # a norm's gain starts at 1
    return params


# %% [markdown]
# ## 1. Pre-norm and RMSNorm
#
# In 2017 each sublayer was followed by "add & norm": $x \leftarrow \mathrm{LayerNorm}(x + \mathrm{sublayer}(x))$
# (**post-norm**). A modern decoder normalizes the *input* of each sublayer and adds the result to the
# untouched stream (**pre-norm**):
#
# $$x \leftarrow x + \mathrm{sublayer}(\mathrm{norm}(x)).$$
#
# The **residual connection** now runs straight from the embeddings to the LM head, a clean path
# along which gradients flow through dozens of layers; deep stacks train more stably, with less
# need for a careful learning-rate warm-up. (Lesson 08's GPT-2 block already does this.)
#
# Lesson 08's layer normalization centres each vector (subtracts its mean), divides by its standard
# deviation and applies a gain and a bias. **RMSNorm** (Zhang and Sennrich, 2019) keeps only the
# rescaling: divide each vector by its root mean square, then multiply by a learned gain $g$ (no mean, no
# bias):
#
# $$\mathrm{RMSNorm}(x)_k = \frac{x_k}{\sqrt{\frac{1}{d}\sum_{j=1}^{d} x_j^2 + \epsilon}}\; g_k$$
#
# It is cheaper and trains as well. The small $\epsilon$ (Llama 3: $10^{-5}$) sits *inside* the square
# root, so an all-zero vector gives 0, not a division by zero. Lesson 10's printout of Phi-3 showed
# these norms: `input_layernorm` before attention, `post_attention_layernorm` before the feedforward
# network.
#
# **Exercise 1.** Implement `rms_norm` over the last axis.

# %% solution rms_norm

# %% tests rms_norm
out = rms_norm(np.array([1.0, 7.0]), np.array([1.0, 2.0]), eps=0.0)
assert isinstance(out, np.ndarray) and out.dtype == np.float64, f"expected a float64 NumPy array, got {out!r}"
assert np.allclose(out, [0.2, 2.8]), f"mean square (1 + 49) / 2 = 25, root 5: expected [0.2, 2.8], got {out}"
out = rms_norm(np.array([3.0, 4.0]), np.ones(2), eps=0.5)
assert np.allclose(out, [3 / np.sqrt(13.0), 4 / np.sqrt(13.0)]), (
    f"eps goes inside the square root: sqrt(12.5 + 0.5) = sqrt(13), expected [0.83205, 1.1094], got {out}")
x = np.random.default_rng(0).normal(size=(2, 3, 5))
out = rms_norm(x, np.ones(5), eps=0.0)
assert out.shape == (2, 3, 5), f"rms_norm keeps the shape of x: expected (2, 3, 5), got {out.shape}"
assert np.allclose(np.mean(out ** 2, axis=-1), 1.0), "with gain 1 and eps 0, every normalized vector has mean square 1"
assert np.allclose(rms_norm(np.zeros(4), np.ones(4)), 0.0), "an all-zero vector stays zero (eps avoids 0 / 0)"
print("rms_norm: sanity checks passed")

# %% [markdown]
# ## 2. Positions: from a static positional encoding to rotary embeddings (RoPE)
#
# Attention by itself ignores order (lesson 05). The 2017 Transformer adds a **static positional
# encoding** to the token embeddings before block 1: position 1 gets one fixed vector, position 2
# another (sines and cosines, or learned vectors in GPT-2). Each token then carries its *absolute*
# position through every layer.
#
# What attention needs, though, is mostly *relative*: "the word two tokens back" matters more than
# "the word at position 1,017". **Rotary embeddings** (RoPE; Su et al., 2021) build exactly that into
# relevance scoring. Split a query into pairs of numbers and read each pair as a point in a plane.
# At position $m$, turn every pair of the query by the angle $m\,\theta_i$ (each pair $i$ at its own
# speed $\theta_i$), and do the same to every key at its position $n$. A rotation keeps lengths and turns
# both vectors of a dot product alike, so only the difference of the angles is left:
#
# $$\big(R_{m\theta}\,q\big) \cdot \big(R_{n\theta}\,k\big) \;=\; q \cdot R_{(n-m)\theta}\,k ,$$
#
# the score of query $m$ and key $n$ depends on their content and on the distance $n - m$ only.
# Nothing is added at the input; the position enters inside attention, on the queries and the keys
# (never on the values, which carry content, not position).
#
# The speeds are spread geometrically, like the frequencies of lesson 05's sinusoids: pair $i$ of a
# head of width $d_{head}$ turns by
#
# $$\theta_i = \frac{1}{\mathit{base}^{\,2i/d_{head}}}, \qquad i = 0, 1, \dots, d_{head}/2 - 1$$
#
# radians per position. Pair 0 turns one radian per token (it tells neighbours apart); the last pair
# turns about $1/\mathit{base}$ radians per token, a full turn every $2\pi \cdot \mathit{base}$ tokens or so (it
# measures long distances). The RoPE paper and Llama 2 use $\mathit{base} = 10{,}000$; Llama 3 raised it
# to 500,000, slowing the slow pairs further, for longer contexts.
#
# **Exercise 2.** Compute the frequencies $\theta_i$ (Hugging Face calls them `inv_freq`).

# %% solution rope_frequencies

# %% tests rope_frequencies
frequencies = rope_frequencies(4, base=100.0)
assert isinstance(frequencies, np.ndarray) and frequencies.shape == (2,), (
    f"one frequency per pair of dimensions: expected an array of shape (2,), got {frequencies!r}")
assert frequencies.dtype == np.float64, f"expected float64 frequencies, got {frequencies.dtype}"
assert np.allclose(frequencies, [1.0, 0.1]), f"1 / 100^(0/4) = 1 and 1 / 100^(2/4) = 0.1: expected [1, 0.1], got {frequencies}"
llama_frequencies = rope_frequencies(128, base=500000.0)
assert llama_frequencies.shape == (64,), f"a 128-wide head has 64 pairs, got shape {llama_frequencies.shape}"
assert np.isclose(llama_frequencies[-1], 500000.0 ** (-126 / 128)), (
    f"the last pair (i = 63) turns by 1 / 500000^(126/128) = 2.46e-6 radians per token, got {llama_frequencies[-1]}")
assert np.isclose(rope_frequencies(8)[1], 0.1), "the default base is 10,000: 1 / 10000^(2/8) = 0.1"
print("rope_frequencies: sanity checks passed")

# %% [markdown]
# ### Which dimensions form a pair: "rotate half"
#
# The RoPE paper pairs neighbouring dimensions $(2i, 2i+1)$, and so does Meta's original Llama code
# (and GPT-J). Hugging Face's Llama pairs dimension $i$ with dimension $i + d_{head}/2$: the first half
# of the head with the second half. Both are rotations by the same angles; Hugging Face permutes the
# rows of `q_proj` and `k_proj` when it converts Meta's checkpoints, so that the two compute the same
# attention. We use Hugging Face's weights, so we use its convention. With $a$ the first half of a
# vector and $b$ the second half, position $p$ and angles $\varphi_i = p\,\theta_i$:
#
# $$a' = a \cos\varphi - b \sin\varphi, \qquad b' = b \cos\varphi + a \sin\varphi .$$
#
# Hugging Face writes it as `x * cos + rotate_half(x) * sin`, where `rotate_half([a, b]) = [-b, a]` and
# `cos`, `sin` repeat the angles for both halves.
#
# The positions come in as an array, one per token, and need not be $0, 1, \dots, T-1$: in a packed
# row they restart at every document (section 4), and when a KV cache generates one token at a time,
# the new token's position is the number of tokens before it (lesson 07).
#
# **Exercise 3.** Apply RoPE to queries or keys of shape `(..., T, head_dim)`. Use your
# `rope_frequencies`, and do not modify `x` in place.

# %% solution apply_rope

# %% tests apply_rope
rotated = apply_rope(np.array([[1.0, 0.0, 0.0, 0.0]]), np.array([1]))
assert isinstance(rotated, np.ndarray) and rotated.shape == (1, 4), f"expected an array of shape (1, 4), got {rotated!r}"
assert np.allclose(rotated, [[np.cos(1), 0.0, np.sin(1), 0.0]]), (
    f"dimension 0 pairs with dimension 2 (rotate half), turned by 1 radian: expected "
    f"[[0.5403, 0, 0.8415, 0]], got {rotated}")
x = np.array([[0.0, 1.0, 0.0, 2.0], [3.0, 0.0, 4.0, 0.0]])
x_before = x.copy()
rotated = apply_rope(x, np.array([0, 2]), base=100.0)
assert np.array_equal(x, x_before), "apply_rope must not modify x in place"
assert np.allclose(rotated[0], x[0]), f"position 0 leaves a vector unchanged, got {rotated[0]}"
assert np.allclose(rotated[1], [3 * np.cos(2) - 4 * np.sin(2), 0, 4 * np.cos(2) + 3 * np.sin(2), 0]), (
    f"at position 2 pair 0 (dimensions 0 and 2) turns by 2 radians, got {rotated[1]}")
heads = np.random.default_rng(1).normal(size=(2, 3, 5, 8))   # (batch, heads, T, head_dim)
rotated = apply_rope(heads, np.array([0, 1, 2, 0, 1]))
assert rotated.shape == heads.shape, f"leading axes come along: expected {heads.shape}, got {rotated.shape}"
assert np.allclose(np.linalg.norm(rotated, axis=-1), np.linalg.norm(heads, axis=-1)), "a rotation keeps every vector's length"
assert np.allclose(rotated[..., 3, :], heads[..., 3, :]), "the token at position 0 (a new document) is not turned"
q, k = np.random.default_rng(2).normal(size=(2, 8))
score_near = apply_rope(q[None], np.array([5])) @ apply_rope(k[None], np.array([3])).T
score_far = apply_rope(q[None], np.array([105])) @ apply_rope(k[None], np.array([103])).T
assert np.allclose(score_near, score_far), "the score of query m and key n depends only on the distance m - n"
print("apply_rope: sanity checks passed")

# %% [markdown]
# Below, one query is turned as its position grows (left: two of its pairs, a fast one and a slow one,
# as points in their planes). The middle panel scores that query at every position $m$ against one key
# at every position $n$: the pattern is constant along each diagonal, because the score depends only on
# $m - n$. The right panel plots the scores against the distance for queries at three different
# absolute positions: the curves lie on top of each other.

# %% figure
import matplotlib.pyplot as plt

head_dim, n_positions = 16, 48
figure_rng = np.random.default_rng(11)
query, key = figure_rng.normal(size=(2, head_dim))
positions = np.arange(n_positions)
turned_queries = apply_rope(np.tile(query, (n_positions, 1)), positions)
turned_keys = apply_rope(np.tile(key, (n_positions, 1)), positions)
fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
circle = np.linspace(0, 2 * np.pi, 200)
for pair, colour in [(1, "C0"), (3, "C1")]:
    points = turned_queries[:16, [pair, pair + head_dim // 2]]
    radius = np.hypot(*points[0])
    axes[0].plot(radius * np.cos(circle), radius * np.sin(circle), ":", color=colour, linewidth=0.8)
    axes[0].plot(points[:, 0], points[:, 1], "o-", color=colour, markersize=4,
                 label=f"pair {pair}: θ = {rope_frequencies(head_dim)[pair]:.3g} rad per position")
    for position in (0, 15):
        axes[0].annotate(f"p = {position}", points[position], textcoords="offset points", xytext=(5, 5),
                         color=colour, fontsize=8)
axes[0].set_aspect("equal")
axes[0].set_xlabel("dimension i (first half of the head)")
axes[0].set_ylabel("dimension i + head_dim/2 (second half)")
axes[0].set_title("One query turned at positions 0 .. 15")
axes[0].legend(fontsize=8, loc="lower left")
scores = turned_queries @ turned_keys.T
image = axes[1].imshow(scores, cmap="RdBu_r")
axes[1].set_xlabel("key position n")
axes[1].set_ylabel("query position m")
axes[1].set_title("Score q_m · k_n: constant along diagonals")
fig.colorbar(image, ax=axes[1], fraction=0.046)
distances = np.arange(21)
for m, style in [(20, "o"), (33, "-"), (47, "--")]:
    axes[2].plot(distances, scores[m, m - distances], style, label=f"query at position {m}")
axes[2].set_xlabel("distance m - n (how far back the key is)")
axes[2].set_ylabel("score q_m · k_n")
axes[2].set_title("Same distance, same score, wherever the query is")
axes[2].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. SwiGLU: a gated feedforward network
#
# The 2017 feedforward network is $\mathrm{ReLU}(x W_1) W_2$; GPT-2 replaced ReLU by GELU. Llama uses a
# *gated linear unit* (Shazeer, 2020, "GLU Variants Improve Transformer"): two projections go up to
# width $f$; one of them, the **gate**, goes through the smooth SiLU (also called swish),
# $\mathrm{silu}(z) = z\,\sigma(z) = z / (1 + e^{-z})$, and multiplies the other, the **up** projection,
# element by element; a third projection goes back down:
#
# $$\mathrm{SwiGLU}(x) = \big(\mathrm{silu}(x W_{gate}) \odot (x W_{up})\big)\, W_{down}.$$
#
# Each hidden unit is now "how much of this feature (up), times how open its gate is (gate)". Three
# matrices instead of two: to keep the parameter count of a $4d$-wide ReLU network, the width is cut
# to about $\frac{2}{3} \cdot 4d$ (Llama 3 8B is wider than that: $f$ = 14,336 = 3.5 × 4,096). Shazeer's
# explanation of why it works better: "we attribute their success, as all else, to divine
# benevolence". Measured, not derived.
#
# In this exercise the weights are in the $y = x W$ layout of lessons 08 and 09: `W_gate` and `W_up`
# are `(d, f)`, `W_down` is `(f, d)`. (Hugging Face's `gate_proj`, `up_proj` and `down_proj` store the
# transposes; section 6 deals with that.)
#
# **Exercise 4.** Implement `swiglu`.

# %% solution swiglu

# %% tests swiglu
out = swiglu(np.array([[1.0, 0.0]]), np.array([[2.0], [0.0]]), np.array([[3.0], [0.0]]), np.array([[1.0, -1.0]]))
assert isinstance(out, np.ndarray) and out.shape == (1, 2), f"expected an array of shape (1, 2), got {out!r}"
assert np.allclose(out, [[5.284782, -5.284782]]), (
    f"gate silu(2) = 1.761594, up 3, product 5.284782, then W_down: expected [[5.284782, -5.284782]], got {out}")
gate_only = swiglu(np.array([[-1.0, 1.0]]), np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]), np.array([[1.0]]))
assert np.allclose(gate_only, [[-1 / (1 + np.e)]]), (
    f"silu(-1) = -1 / (1 + e) = -0.268941 (silu, not sigmoid, and only on the gate), got {gate_only}")
x = np.random.default_rng(3).normal(size=(2, 5, 4))
out = swiglu(x, np.ones((4, 6)), np.ones((4, 6)), np.ones((6, 3)))
assert out.shape == (2, 5, 3), f"x (2, 5, 4) with W_down (6, 3) gives (2, 5, 3), got {out.shape}"
print("swiglu: sanity checks passed")

# %% figure
import matplotlib.pyplot as plt

z = np.linspace(-5, 5, 201)
plt.figure(figsize=(6, 3.8))
plt.plot(z, np.maximum(z, 0.0), label="ReLU (2017)")
plt.plot(z, z / (1 + np.exp(-z)), label="SiLU = z σ(z), the gate of SwiGLU")
plt.plot(z, 1 / (1 + np.exp(-z)), "--", label="sigmoid σ(z)")
plt.axhline(0, color="grey", linewidth=0.5)
plt.xlabel("z (one unit of x W_gate)")
plt.ylabel("activation")
plt.title("SiLU: a smooth ReLU that lets a little negative through")
plt.legend()
plt.show()

# %% [markdown]
# ## 4. Packing training data and the document mask
#
# **Efficient organization of training data.** A model trains on rows of a fixed length, its context
# (8K tokens for most of Llama 3's pre-training). Documents come in every length. Padding each short
# document out to the full row wastes most of the computation on padding tokens, so documents are
# **packed**: placed back to back in one row until it is full, with no padding at all.
#
# Two questions follow. *Where is each token?* Its position within its own document: positions restart
# at every document, and with RoPE only the distances between tokens matter anyway. *Whom may it look
# at?* Plain causal attention would let the first tokens of a document attend to the end of an
# unrelated one. Llama 3 masks attention between different documents of the same row: the paper reports
# that this barely matters in standard pre-training but is important when continuing pre-training on
# very long sequences. The **document mask** is causal *and* block-diagonal: query $i$ may attend to
# key $j$ when $j \le i$ and both tokens come from the same document.
#
# (Hugging Face's `LlamaModel` does this on its own: given position ids that restart and no attention
# mask, it builds exactly this mask.)
#
# **Exercise 5.** Build the document mask of a packed row from the document id of each token.

# %% solution document_causal_mask

# %% tests document_causal_mask
mask = document_causal_mask(np.array([0, 0, 1]))
assert isinstance(mask, np.ndarray) and mask.dtype == bool, f"expected a NumPy array of booleans, got {mask!r}"
assert np.array_equal(mask, [[True, False, False], [True, True, False], [False, False, True]]), (
    f"token 2 starts a new document, so it sees only itself: got {mask}")
assert np.array_equal(document_causal_mask(np.zeros(4, dtype=int)), np.tril(np.ones((4, 4), dtype=bool))), (
    "one document: the causal mask of lesson 05 (query i sees keys j <= i)")
mask = document_causal_mask(np.array([7, 7, 3, 3, 3]))
assert mask.shape == (5, 5), f"expected shape (5, 5), got {mask.shape}"
assert mask[4, 2] and not mask[2, 4] and not mask[3, 1], (
    f"ids are labels: token 4 sees token 2 (same document 3, earlier), not the reverse; nothing of document 7: {mask}")
print("document_causal_mask: sanity checks passed")

# %% [markdown]
# The figure draws a batch of four rows of 24 tokens, one colour per document. Padded (left), each row
# holds one document and grey padding. Packed (middle), documents follow each other with no gap (a
# document that does not fit continues in the next row): the same four rows hold nine documents
# instead of four. Right: the document mask of the first packed row, one causal triangle per document.

# %% figure
import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap

row_length = 24
document_lengths = [9, 17, 6, 13, 20, 7, 11, 5, 8]
padded = np.full((4, row_length), -1)
for row, length in enumerate(document_lengths[:4]):
    padded[row, :length] = row
packed_stream = np.concatenate([np.full(length, doc) for doc, length in enumerate(document_lengths)])
packed = packed_stream[: 4 * row_length].reshape(4, row_length)
colours = ListedColormap(["#d9d9d9"] + [plt.cm.tab10(i) for i in range(len(document_lengths))])
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), gridspec_kw={"width_ratios": [1.3, 1.3, 1]})
for ax, rows, title in [(axes[0], padded, "padded: one document per row"),
                        (axes[1], packed, "packed: documents back to back")]:
    ax.imshow(rows + 1, cmap=colours, vmin=0, vmax=len(document_lengths), aspect="auto")
    ax.set_xlabel("token slot in the row")
    ax.set_ylabel("row of the batch")
    ax.set_yticks(range(4))
    waste = np.mean(rows == -1)
    ax.set_title(f"{title} ({waste:.0%} padding)")
first_row = packed[0]
axes[2].imshow(np.where(document_causal_mask(first_row), first_row + 1, 0), cmap=colours, vmin=0,
               vmax=len(document_lengths))
axes[2].set_xlabel("key position (attended to)")
axes[2].set_ylabel("query position (attending)")
axes[2].set_title("document mask of packed row 0\n(coloured = may attend)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Where the parameters live
#
# Hugging Face stores a Llama layer under these names (`LlamaDecoderLayer.state_dict()`), each linear
# layer as an `nn.Linear` weight of shape `(out, in)`, so that a projection computes $y = x W^\top$. With
# model width $d$, $H$ query heads, $KV$ key/value heads of width $d_{head}$ and FFN width $f$:
#
# | name | shape | role |
# |---|---|---|
# | `input_layernorm.weight` | $(d,)$ | RMSNorm gain before attention |
# | `self_attn.q_proj.weight` | $(H\,d_{head},\ d)$ | queries |
# | `self_attn.k_proj.weight`, `self_attn.v_proj.weight` | $(KV\,d_{head},\ d)$ each | keys, values (shared by groups of query heads) |
# | `self_attn.o_proj.weight` | $(d,\ H\,d_{head})$ | output projection |
# | `post_attention_layernorm.weight` | $(d,)$ | RMSNorm gain before the FFN |
# | `mlp.gate_proj.weight`, `mlp.up_proj.weight` | $(f,\ d)$ each | SwiGLU's gate and up projections |
# | `mlp.down_proj.weight` | $(d,\ f)$ | SwiGLU's down projection |
#
# There are no biases anywhere. Around the $L$ layers the model has the token embeddings $(V, d)$, a
# final RMSNorm $(d,)$ and the LM head $(V, d)$. Small models often **tie** the LM head to the
# embeddings (`tie_word_embeddings`: one matrix used twice, stored and counted once); Llama 3 8B and
# 70B do not, Llama 3.2 1B and 3B do. In the config, `head_dim` and `num_key_value_heads` may be
# missing: then $d_{head} = d / H$ and $KV = H$, as `LlamaConfig` fills them in. Llama 3 8B's
# `config.json` (provided above as `LLAMA_3_8B`) has no `head_dim`.
#
# **Exercise 6.** Count the parameters of a Llama model from its config.

# %% solution llama_parameter_count

# %% tests llama_parameter_count
tiny = {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 6, "num_hidden_layers": 1,
        "num_attention_heads": 2, "num_key_value_heads": 1}
count = llama_parameter_count(tiny)
assert count == 212, f"40 embeddings + 128 in the layer + 4 final norm + 40 LM head = 212, got {count}"
assert llama_parameter_count(dict(tiny, tie_word_embeddings=True)) == 172, "a tied LM head is the embedding matrix: counted once"
assert llama_parameter_count(dict(tiny, num_key_value_heads=None)) == 228, (
    "num_key_value_heads None means one key/value head per query head: k_proj and v_proj grow by 8 each")
count = llama_parameter_count(LLAMA_3_8B)
assert isinstance(count, int), f"expected a Python int, got {type(count).__name__}"
assert count == 8_030_261_248, f"Llama 3 8B has 8,030,261,248 parameters, got {count:,}"
llama_3_70b = dict(LLAMA_3_8B, hidden_size=8192, intermediate_size=28672, num_hidden_layers=80, num_attention_heads=64)
assert llama_parameter_count(llama_3_70b) == 70_553_706_496, (
    f"Llama 3 70B has 70,553,706,496 parameters, got {llama_parameter_count(llama_3_70b):,}")
print("llama_parameter_count: sanity checks passed")

# %% [markdown]
# Most of an 8B model is feedforward network: each layer's three SwiGLU matrices hold
# $3 \cdot 4096 \cdot 14336 \approx 176$M parameters, four times its attention (about 42M, small thanks
# to grouped-query attention: `k_proj` and `v_proj` have 8 heads, not 32). The bars count the pieces by
# asking `llama_parameter_count` about modified configs.

# %% figure
import matplotlib.pyplot as plt


def count_without(**changes):
    return llama_parameter_count(dict(LLAMA_3_8B, **changes))


d = LLAMA_3_8B["hidden_size"]
full = count_without()
lm_head = full - count_without(tie_word_embeddings=True)
embeddings = count_without(num_hidden_layers=0, tie_word_embeddings=True) - d   # without the final norm
layer_norms = 2 * d * LLAMA_3_8B["num_hidden_layers"]
feed_forward = full - count_without(intermediate_size=0)
parts = {
    "token embeddings": embeddings,
    "attention (q, k, v, o)": full - feed_forward - layer_norms - d - embeddings - lm_head,
    "SwiGLU FFN (gate, up, down)": feed_forward,
    "RMSNorm gains": layer_norms + d,
    "LM head": lm_head,
}
plt.figure(figsize=(9, 3.8))
bars = plt.barh(list(parts), [value / 1e9 for value in parts.values()], color=["C7", "C0", "C2", "C1", "C7"])
plt.bar_label(bars, padding=3, labels=[f"{value / 1e9:.3f} B ({value / full:.1%})" if value > 1e6
                                      else f"{value:,} ({value / full:.4%})" for value in parts.values()])
plt.gca().invert_yaxis()
plt.xlim(0, 7)
plt.xlabel("parameters (billions)")
plt.title(f"Where Llama 3 8B's {full:,} parameters live")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 6. The Llama block
#
# Everything comes together in one layer. With $x$ the residual stream of a row, $(T, d)$ (or of a batch
# of rows, $(B, T, d)$):
#
# $$h = x + \mathrm{Attention}\big(\mathrm{RMSNorm}(x)\big)\, W_o^\top, \qquad
#   \mathrm{out} = h + \mathrm{SwiGLU}\big(\mathrm{RMSNorm}(h)\big)$$
#
# and the attention, grouped-query with RoPE:
#
# 1. $n = \mathrm{RMSNorm}(x)$ with `input_layernorm.weight`; $q = n W_q^\top$, $k = n W_k^\top$, $v = n W_v^\top$.
# 2. Split into heads of width $d_{head}$ (= rows of `q_proj` / `n_heads`): query head $i$ is columns
#    $i\,d_{head} \dots (i+1)\,d_{head} - 1$ of $q$; likewise the `n_kv_heads` heads of $k$ and $v$.
# 3. RoPE at `positions` on every query head and every key head, never on the values.
# 4. Query head $i$ uses key/value head $i \,//\, (H / KV)$: contiguous groups, as in lesson 09
#    (query heads 0 and 1 share key/value head 0, and so on; not $i \bmod KV$).
# 5. Scores $q k^\top / \sqrt{d_{head}}$, causal within the row (query $t$ sees keys $j \le t$), softmax,
#    weighted sum of the values; heads back side by side, head $i$ in columns $i\,d_{head} \dots$;
#    then `o_proj`.
#
# The feedforward half is your `swiglu` on $\mathrm{RMSNorm}(h)$ (with `post_attention_layernorm.weight`),
# given the transposes of `gate_proj`, `up_proj` and `down_proj` (they are stored `(out, in)`; `swiglu`
# wants `(in, out)`). The mask is the plain causal one over the whole row the block is given; every
# query sees at least its own key. (The provided `softmax` works on any axis, and your
# `document_causal_mask` of a single document is the causal mask.)
#
# This is what the grader checks against Hugging Face's `LlamaDecoderLayer`. Positions come in
# separately from the mask, and the grader also uses positions that restart, as in a packed row. (RoPE
# sees only differences of positions: positions $5, 6, 7$ give the same output as $0, 1, 2$, so only
# positions that restart tell a block that uses them from one that counts $0 \dots T-1$. A full model
# training on packed rows would also swap the causal mask for the document mask; this layer keeps the
# causal one, as `LlamaDecoderLayer` does when it is handed a causal mask.)
#
# **Exercise 7.** Implement `llama_block` with your `rms_norm`, `apply_rope` and `swiglu`.

# %% solution llama_block

# %% tests llama_block
params = random_llama_params(d=4, n_heads=2, n_kv_heads=1, head_dim=2, ffn=6, seed=0)
x = np.random.default_rng(4).normal(size=(3, 4))
positions = np.array([0, 1, 0])
out = llama_block(x, params, positions, n_heads=2, n_kv_heads=1)
assert isinstance(out, np.ndarray) and out.shape == (3, 4), f"the block keeps the shape of x: expected (3, 4), got {out!r}"
assert np.allclose(out[0], [-0.52742316, 0.28219053, 1.11837656, -0.62432834]), (
    f"row 0 (it sees only itself): expected [-0.527423, 0.282191, 1.118377, -0.624328], got {out[0]}")
assert np.allclose(out[2], [-2.74238133, 1.40844184, 1.01692997, 1.70406168]), (
    f"row 2: expected [-2.742381, 1.408442, 1.016930, 1.704062], got {out[2]}")
quiet = dict(params, **{"self_attn.o_proj.weight": np.zeros((4, 4)), "mlp.down_proj.weight": np.zeros((4, 6))})
assert np.allclose(llama_block(x, quiet, positions, 2, 1), x), (
    "with o_proj and down_proj zero both sublayers add nothing: the residual connections return x")
changed_future = x.copy()
changed_future[2] += 1.0
assert np.allclose(llama_block(changed_future, params, positions, 2, 1)[:2], out[:2]), (
    "causal: changing token 2 must not change the outputs of tokens 0 and 1")
assert np.allclose(llama_block(x, params, positions + 7, 2, 1), out), (
    "RoPE sees only distances: shifting every position by 7 changes nothing")
assert not np.allclose(llama_block(x, params, np.arange(3), 2, 1), out), (
    "positions [0, 1, 0] and [0, 1, 2] must give different outputs: use `positions`, not 0 .. T-1")
batch = llama_block(np.stack([x, 2 * x]), params, positions, 2, 1)
assert batch.shape == (2, 3, 4) and np.allclose(batch[0], out), "a batch (B, T, d) gives each row the result it gets alone"
print("llama_block: sanity checks passed")

# %% [markdown]
# ## Summary
#
# - A **modern decoder** keeps the 2017 decoder's two sublayers and their **residual connections**,
#   and changes the rest: **pre-norm** with **RMSNorm**, **rotary embeddings** instead of a **static
#   positional encoding**, **grouped-query attention**, and a **SwiGLU** feedforward network.
# - RoPE turns queries and keys by angles proportional to their positions, so attention scores depend
#   only on distances; positions are an input, and may restart.
# - **Packing** fills training rows with whole documents back to back; the **document mask** keeps
#   each document's attention to itself.
# - In Llama 3 8B most parameters sit in the feedforward networks; the embeddings and the untied LM head
#   add about half a billion each.
#
# Lesson 12 replaces the feedforward network by a set of experts and a router: a Mixture of Experts,
# each expert a `swiglu`.
