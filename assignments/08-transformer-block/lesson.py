# %% [markdown]
# # Lesson 08 — The Transformer block
#
# Lesson 07 drew a generative LLM in three parts: the **tokenizer**, a **stack of Transformer
# blocks**, and the **LM head**. This notebook opens the middle box, where most of the computation
# happens.
#
# After tokenization, each token is replaced by its embedding vector, and the vectors flow up through
# the stack as parallel **tracks**, one track per token. A **Transformer block** takes T vectors of
# width d and returns T vectors of the same width d, so blocks can be stacked: block n works on block
# n-1's outputs. At the top, only the last track's vector goes to the LM head, which scores every
# token of the vocabulary for the next position.
#
# Each block has two parts:
#
# - **self-attention**, which brings context in from the earlier tokens (the other tracks);
# - a **feedforward neural network** (FFNN), which works on each track on its own.
#
# Two more pieces keep a deep stack trainable: **layer normalization** in front of each part, and a
# **residual connection** around it (lesson 11 comes back to both). You will build GPT-2's block in
# NumPy, one piece at a time: `layer_norm`, `gelu`, `feed_forward`, `causal_self_attention`, then
# `transformer_block`. At the end, your blocks, stacked with embeddings and an LM head, give exactly
# the same scores as a GPT-2 model from Hugging Face's `transformers` library.
#
# The figure below is the map of the lesson. On the left, the stack: "The Shawshank" goes in on two
# tracks, and the last track comes out as "Redemption". On the right, what happens inside one block.

# %%
import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01); scores of -inf get weight exactly 0."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def causal_mask(T):
    """(T, T) bool, True where query i may attend to key j, that is j <= i (lesson 05)."""
    return np.tril(np.ones((T, T), dtype=bool))


def random_block_params(d, rng):
    """Random weights of one GPT-2 block of width d, keyed and shaped as Hugging Face's
    GPT2Block.state_dict(): layer norm gammas near 1 and betas near 0, each matrix drawn with
    standard deviation 1 / sqrt(its input width), small biases."""
    matrix_shapes = {"attn.c_attn": (d, 3 * d), "attn.c_proj": (d, d),
                     "mlp.c_fc": (d, 4 * d), "mlp.c_proj": (4 * d, d)}
    params = {}
    for name in ("ln_1", "attn.c_attn", "attn.c_proj", "ln_2", "mlp.c_fc", "mlp.c_proj"):
        if name.startswith("ln"):
            params[f"{name}.weight"] = 1 + 0.1 * rng.standard_normal(d)
            params[f"{name}.bias"] = 0.1 * rng.standard_normal(d)
        else:
            fan_in, fan_out = matrix_shapes[name]
            params[f"{name}.weight"] = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
            params[f"{name}.bias"] = 0.1 * rng.standard_normal(fan_out)
    return params

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def draw_box(ax, x, y, width, height, text, color):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, facecolor=color, edgecolor="black",
                                boxstyle="round,pad=0.02,rounding_size=0.08"))
    ax.text(x, y, text, ha="center", va="center", fontsize=10)


def draw_arrow(ax, start, end, color="black", width=1.2):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color, linewidth=width))


fig, (stack_ax, block_ax) = plt.subplots(1, 2, figsize=(12, 6.5), gridspec_kw={"width_ratios": [1, 1.3]})

# Left: the stack, one track per token; only the last track's vector goes on to the LM head.
track_x = [1.3, 2.7]
for x_position, token in zip(track_x, ["The", "Shawshank"]):
    stack_ax.text(x_position, 0.3, token, ha="center", fontsize=11)
    draw_arrow(stack_ax, (x_position, 0.6), (x_position, 1.2))
draw_box(stack_ax, 2.0, 1.5, 2.6, 0.5, "token embeddings (+ positions)", "#dddddd")
for level, label in enumerate(["Transformer block 1", "Transformer block 2", "...", "Transformer block N"]):
    y = 2.6 + 1.1 * level
    for x_position in track_x:
        draw_arrow(stack_ax, (x_position, y - 0.85), (x_position, y - 0.3))
    if label == "...":
        stack_ax.text(2.0, y, "...", ha="center", va="center", fontsize=14)
    else:
        draw_box(stack_ax, 2.0, y, 2.6, 0.55, label, "#cfe3f7")
draw_arrow(stack_ax, (track_x[0], 6.2), (track_x[0], 6.6), color="lightgrey")
draw_arrow(stack_ax, (track_x[1], 6.2), (track_x[1], 6.75), color="red", width=2)
draw_box(stack_ax, track_x[1], 7.05, 1.6, 0.5, "LM head", "#f7d9cf")
draw_arrow(stack_ax, (track_x[1], 7.3), (track_x[1], 7.8), color="red", width=2)
stack_ax.text(track_x[1], 8.0, '"Redemption"', ha="center", fontsize=11, color="red")
stack_ax.set(xlim=(0, 4), ylim=(0, 8.5), xticks=[], yticks=[],
             title="The stack: one track per token, same-size vectors in and out",
             xlabel="tracks (tokens, processed in parallel)", ylabel="depth (the input at the bottom)")

# Right: one block. The residual stream runs up on the left; each sub-layer reads a layer-normalized
# copy of it and adds its result back.
stream_x = 1.0
block_ax.plot([stream_x, stream_x], [0.4, 8.0], color="black", linewidth=2.5)
draw_arrow(block_ax, (stream_x, 7.6), (stream_x, 8.3), width=2.5)
block_ax.text(stream_x, 0.1, "x (T, d): block n-1's output", ha="center", fontsize=10)
block_ax.text(stream_x, 8.45, "out (T, d): to block n+1", ha="center", fontsize=10)
block_ax.text(stream_x - 0.15, 4.55, "h", ha="right", va="center", fontsize=11, style="italic")
for base, norm_key, layer_label, layer_keys, color in [
        (1.0, "ln_1", "masked multi-head\nself-attention", "attn.c_attn\nattn.c_proj", "#cfe3f7"),
        (4.4, "ln_2", "feedforward neural network\ngelu, d -> 4d -> d", "mlp.c_fc\nmlp.c_proj", "#d9f2d0")]:
    block_ax.plot([stream_x, 2.6], [base + 0.3, base + 0.3], color="black")
    draw_arrow(block_ax, (2.6, base + 0.3), (2.6, base + 0.75))
    draw_box(block_ax, 2.6, base + 1.0, 1.7, 0.5, f"layer norm ({norm_key})", "#eeeeee")
    draw_arrow(block_ax, (2.6, base + 1.25), (2.6, base + 1.65))
    draw_box(block_ax, 2.6, base + 2.1, 2.6, 0.8, layer_label, color)
    block_ax.text(4.05, base + 2.1, layer_keys, fontsize=8, color="dimgrey", va="center")
    block_ax.plot([2.6, 2.6], [base + 2.5, base + 2.95], color="black")
    draw_arrow(block_ax, (2.6, base + 2.95), (stream_x + 0.2, base + 2.95))
    block_ax.add_patch(plt.Circle((stream_x, base + 2.95), 0.18, facecolor="white", edgecolor="black", zorder=3))
    block_ax.text(stream_x, base + 2.95, "+", ha="center", va="center", fontsize=13, zorder=4)
    block_ax.text(stream_x - 0.25, base + 2.95, "residual\nconnection", ha="right", va="center", fontsize=8)
block_ax.set(xlim=(-0.6, 5.0), ylim=(0, 8.8), xticks=[], yticks=[], title="Inside one GPT-2 block (pre-norm)",
             xlabel="the residual stream (left) and the two sub-layers that add to it",
             ylabel="order of computation (bottom to top)")
plt.tight_layout()
plt.show()

# %% [markdown]
# Two conventions hold for the whole notebook, because they are GPT-2's:
#
# - A token's vectors are **rows**: x has shape (T, d), one row per track (or (..., T, d) with leading
#   batch axes). A layer computes $y = x W + b$.
# - GPT-2 stores its weights as (in, out) matrices (its `Conv1D` layers), so $W$ is used **as stored**:
#   `x @ W + b`. PyTorch's `nn.Linear` stores (out, in) and computes `x @ W.T + b`; transposing a
#   GPT-2 weight is a mistake, and a silent one whenever the matrix is square.
#
# The weights arrive under the names of Hugging Face's `GPT2Block.state_dict()`, as in the figure:
# `ln_1`, `attn.c_attn`, `attn.c_proj`, `ln_2`, `mlp.c_fc`, `mlp.c_proj`.
#
# ## Layer normalization
#
# Along the stack, each block adds its results to the vectors it received, so their sizes drift.
# **Layer normalization** hands each sub-layer vectors of a standard size, whatever happened before.
# It works on each vector (each track) on its own, over its d numbers:
#
# $$\mu = \frac{1}{d}\sum_{k=1}^{d} v_k, \qquad
#   \sigma^2 = \frac{1}{d}\sum_{k=1}^{d} (v_k - \mu)^2, \qquad
#   \mathrm{LayerNorm}(v) = \gamma \odot \frac{v - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta$$
#
# After the division, the vector has mean 0 and variance 1 (its length is $\sqrt{d}$). The learned
# $\gamma$ (`ln_1.weight`) and $\beta$ (`ln_1.bias`), one number per dimension, then scale and shift
# it, so the model can choose the size it needs. Three details matter: the grader compares your
# result to 1e-10 with what `torch.nn.LayerNorm` computes, and each of them moves it further:
#
# - the variance is the **biased** one: divide by $d$ (`np.var`'s default), not by $d - 1$;
# - $\varepsilon$ (`eps`, 1e-5 in GPT-2) goes **inside** the square root. It keeps a constant vector,
#   whose variance is 0, from dividing by zero: such a vector comes out as $\beta$;
# - the mean and variance are taken over the **last axis** only (`keepdims=True` lets them
#   broadcast back), so every vector of a (T, d) or (B, T, d) array is normalized on its own.
#
# **Exercise 1.** Implement `layer_norm`. Do not modify `x` in place (`x -= ...` would change the
# caller's array): build new arrays.

# %% solution layer_norm

# %% tests layer_norm
vector = np.array([1.0, 2.0, 3.0, 6.0])
ones, zeros = np.ones(4), np.zeros(4)
out = layer_norm(vector, ones, zeros)
assert isinstance(out, np.ndarray) and out.shape == (4,), f"expected an array of shape (4,), got {out!r}"
assert out.dtype == np.float64, f"expected float64 values, got {out.dtype}"
# mean 3, deviations [-2, -1, 0, 3], biased variance (4 + 1 + 0 + 9) / 4 = 3.5
expected = np.array([-2.0, -1.0, 0.0, 3.0]) / np.sqrt(3.5 + 1e-5)
assert np.allclose(out, expected, rtol=1e-10, atol=1e-12), (
    f"layer_norm([1, 2, 3, 6]) should be {expected} (biased variance 3.5, eps inside the sqrt), got {out}")
assert np.array_equal(vector, [1.0, 2.0, 3.0, 6.0]), f"layer_norm must not modify x, which is now {vector}"
scaled = layer_norm(vector, np.array([2.0, 2.0, 1.0, -1.0]), np.array([0.5, 0.0, 0.0, 1.0]))
assert np.allclose(scaled, expected * [2.0, 2.0, 1.0, -1.0] + [0.5, 0.0, 0.0, 1.0], rtol=1e-10, atol=1e-12), (
    f"gamma scales and beta shifts the normalized vector (gamma * x_hat + beta), got {scaled}")
batch = np.stack([[vector, 10 * vector + 7], [vector - 1, -vector]])   # (2, 2, 4): four vectors
out = layer_norm(batch, ones, zeros)
assert out.shape == (2, 2, 4), f"expected shape (2, 2, 4), got {out.shape}"
assert np.allclose(out[0, 0], expected) and np.allclose(out[1, 1], -expected), (
    f"each vector (last axis) is normalized on its own, got {out}")
constant = layer_norm(np.full(3, 5.0), np.ones(3), np.array([0.1, 0.2, 0.3]))
assert np.allclose(constant, [0.1, 0.2, 0.3]), f"a constant vector should give beta (and no NaN), got {constant}"
with_eps = layer_norm(np.array([0.0, 1.0]), np.ones(2), np.zeros(2), eps=1.0)
assert np.allclose(with_eps, np.array([-0.5, 0.5]) / np.sqrt(1.25)), (
    f"with eps=1: variance 0.25, so [-0.5, 0.5] / sqrt(0.25 + 1); got {with_eps}")
print("layer_norm: sanity checks passed")

# %% [markdown]
# ## The feedforward neural network: next-token statistics
#
# The FFNN holds much of what the model has learned about language. A useful picture: it stores
# **next-token statistics**. Even without looking at any other token, a network that sees the
# vector of "Shawshank" can suggest "Redemption", because that pairing is frequent in its training
# text. The FFNN works on each track on its own; it never looks across tracks.
#
# In GPT-2 it is a two-layer network that widens each vector from d to 4d numbers, applies a
# nonlinearity, and brings it back to d:
#
# $$\mathrm{FFNN}(x) = \mathrm{GELU}(x W_{in} + b_{in})\, W_{out} + b_{out}, \qquad
#   W_{in}: (d, 4d),\; W_{out}: (4d, d)$$
#
# Two thirds of a GPT-2 block's parameters are here: $8d^2$ of its roughly $12d^2$.
#
# ### GELU
#
# The nonlinearity is the Gaussian Error Linear Unit, $\mathrm{GELU}(x) = x\,\Phi(x)$, with $\Phi$ the
# standard normal CDF. It behaves like ReLU for large $|x|$ but is smooth, and slightly negative just
# below 0. GPT-2 was trained with a cheaper **tanh approximation** of it (called `gelu_new` in
# Hugging Face's `transformers`), and a model must be run with the activation it was trained with:
#
# $$\mathrm{GELU}_{\tanh}(x) = \tfrac{1}{2}\, x \left(1 + \tanh\!\left(\sqrt{2/\pi}\,\left(x + 0.044715\, x^3\right)\right)\right)$$
#
# The exact form (`math.erf`, PyTorch's default `F.gelu`) differs from it by up to about 5e-4:
# small, but the grader compares to 1e-10, so it tells them apart (the figure after the tests shows
# the gap).
#
# **Exercise 2.** Implement `gelu`, the tanh form, element by element on an array of any shape.

# %% solution gelu

# %% tests gelu
out = gelu(np.array([-1.0, 0.0, 1.0]))
assert isinstance(out, np.ndarray) and out.shape == (3,), f"expected an array of shape (3,), got {out!r}"
assert out.dtype == np.float64, f"expected float64 values, got {out.dtype}"
assert out[1] == 0.0, f"gelu(0) should be 0, got {out[1]}"
assert abs(out[2] - 0.8411919906082768) < 1e-12, (
    f"gelu(1) should be 0.8411919906082768 (the tanh form); got {out[2]!r}"
    + (" (that is the exact erf form: use the tanh formula)" if abs(out[2] - 0.8413447460685429) < 1e-9 else ""))
assert abs(out[0] - (-0.15880800939172324)) < 1e-12, f"gelu(-1) should be -0.15880800939172324, got {out[0]!r}"
grid = np.linspace(-4.0, 4.0, 17).reshape(1, 17)
assert gelu(grid).shape == (1, 17), f"gelu keeps the shape of its input: expected (1, 17), got {gelu(grid).shape}"
assert np.allclose(gelu(grid) - gelu(-grid), grid, rtol=0, atol=1e-12), (
    "gelu(x) - gelu(-x) should equal x (the tanh is odd)")
assert np.allclose(gelu(np.array([-10.0, 10.0])), [0.0, 10.0]), "far from 0, gelu is like ReLU"
print("gelu: sanity checks passed")

# %% figure
import math

xs = np.linspace(-5.0, 5.0, 401)
exact = xs * 0.5 * (1 + np.vectorize(math.erf)(xs / math.sqrt(2)))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.plot(xs, np.maximum(xs, 0), color="grey", linestyle="--", label="ReLU, max(x, 0)")
left.plot(xs, gelu(xs), color="C0", label="GELU, tanh form (your gelu)")
left.set(title="GELU: a smooth ReLU", xlabel="x", ylabel="activation", ylim=(-1, 5))
left.legend()
right.plot(xs, gelu(xs) - exact, color="C3")
right.axhline(0, color="grey", linewidth=0.5)
right.set(title="tanh form minus exact erf form", xlabel="x", ylabel="difference")
plt.tight_layout()
plt.show()

# %% [markdown]
# Now the whole network. Call your `gelu` by name (while `feed_forward` is graded, the grader
# answers that call with the course's own `gelu`, so a mistake in one exercise never costs points
# in another).
#
# **Exercise 3.** Implement `feed_forward(x, W_in, b_in, W_out, b_out)` for x of shape (..., d):
# `W_in` is `mlp.c_fc.weight`, `W_out` is `mlp.c_proj.weight`, both used as stored.

# %% solution feed_forward

# %% tests feed_forward
x = np.array([[1.0, -1.0]])
W_in, b_in = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([0.0, 0.0, 1.0])
W_out, b_out = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0.5, 0.0])
out = feed_forward(x, W_in, b_in, W_out, b_out)
assert isinstance(out, np.ndarray) and out.shape == (1, 2), f"expected an array of shape (1, 2), got {out!r}"
# hidden layer: gelu([1, -1, 1]) = [0.841192, -0.158808, 0.841192]; then @ W_out + b_out
assert np.allclose(out, [[2.18238398, 0.68238398]]), f"expected [[2.18238398, 0.68238398]], got {out}"
rng = np.random.default_rng(0)
d = 4
mlp = random_block_params(d, rng)
weights = (mlp["mlp.c_fc.weight"], mlp["mlp.c_fc.bias"], mlp["mlp.c_proj.weight"], mlp["mlp.c_proj.bias"])
tracks = rng.standard_normal((2, 5, d))   # two sentences of five tokens
out = feed_forward(tracks, *weights)
assert out.shape == (2, 5, d), f"feed_forward keeps the shape (2, 5, {d}) of x, got {out.shape}"
alone = feed_forward(tracks[1, 3], *weights)
assert np.allclose(out[1, 3], alone), "each track is transformed on its own: the same vector gives the same result"
print("feed_forward: sanity checks passed")

# %% [markdown]
# ## Self-attention: bringing in context
#
# The FFNN alone cannot resolve "The dog chased the llama because **it**": what "it" refers to depends
# on the other tokens. Finding it is the NLP task called **coreference resolution**, and
# self-attention is how a block does it. On the track of "it", attention pulls in part of the
# representation of whichever animal "it" means. It has two steps (lesson 09 takes them apart):
#
# 1. **relevance scoring**: how relevant is each earlier token to the current one? The current
#    token's **query** is compared with every token's **key** (a dot product), and a softmax turns
#    the scores into weights that add up to 1;
# 2. **combining information**: the tokens' **value** vectors are added up with those weights, and
#    the sum enriches the current track.
#
# GPT-2 is a decoder: a track may only look at itself and **earlier** tracks (lesson 05's causal
# mask), since at generation time the later tokens do not exist yet. With rows as tokens,
#
# $$\mathrm{head}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_h}} + M\right) V, \qquad
#   M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}$$
#
# **Several heads.** GPT-2 runs $H$ heads side by side, each on its own slice of $d_h = d / H$
# columns, so each head can attend to different things. Its scores are divided by
# $\sqrt{d_h}$, the width of a head, not by $\sqrt{d}$. The heads' outputs go back side by side
# into d columns, and one last projection mixes them: $\mathrm{merged}\, W_{proj} + b_{proj}$
# (`attn.c_proj`).
#
# **One fused projection.** GPT-2 computes queries, keys and values with a single matrix
# `attn.c_attn.weight` of shape (d, 3d): `x @ W_attn + b_attn` has 3d columns, the queries first,
# then the keys, then the values (d columns each). Head $h$ takes the **contiguous** columns
# $h\,d_h \ldots (h+1)\,d_h - 1$ of each of them, as the figure shows. Taking every $H$-th column
# instead is a different model, and gives wrong results with GPT-2's weights.

# %% figure
d_example, heads_example = 12, 3
head_width = d_example // heads_example
columns = np.arange(3 * d_example)
contiguous = (columns % d_example) // head_width   # the head each column belongs to, in GPT-2
interleaved = (columns % d_example) % heads_example   # what a wrong split would use
fig, axes = plt.subplots(2, 1, figsize=(11, 3.2))
for ax, owner, title in [(axes[0], contiguous, "GPT-2: head h is a contiguous block of d/H columns in each of Q, K, V"),
                         (axes[1], interleaved, "not GPT-2: every H-th column (interleaved heads)")]:
    ax.imshow(owner[None, :], cmap="Set2", aspect="auto", vmin=0, vmax=7)
    for column in range(3 * d_example):
        ax.text(column, 0, f"h{owner[column]}", ha="center", va="center", fontsize=8)
    for boundary in (d_example, 2 * d_example):
        ax.axvline(boundary - 0.5, color="black", linewidth=3)
    ax.set_xticks([d_example / 2 - 0.5, 1.5 * d_example - 0.5, 2.5 * d_example - 0.5],
                  ["Q (columns 0..d-1)", "K (columns d..2d-1)", "V (columns 2d..3d-1)"])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
axes[1].set_xlabel(f"the 3d = {3 * d_example} columns of x @ W_attn + b_attn "
                   f"(d = {d_example}, H = {heads_example} heads)")
plt.tight_layout()
plt.show()

# %% [markdown]
# The steps, for x of shape (T, d) (leading batch axes come along if you work on the last axes):
#
# 1. `x @ W_attn + b_attn`, then cut its columns into Q, K, V of d columns each;
# 2. give each of them a head axis: (T, d) -> (T, H, d_h) -> (H, T, d_h) (a `reshape`, then swap the
#    two axes with `np.swapaxes`);
# 3. per head, scores (T, T) divided by $\sqrt{d_h}$, the future masked with $-\infty$ (`causal_mask`
#    and `softmax` are provided above), weights @ V;
# 4. put the heads back: (H, T, d_h) -> (T, H, d_h) -> (T, d). Swap the axes back *before* the reshape:
#    reshaping (H, T, d_h) straight to (T, d) mixes tokens up;
# 5. `@ W_proj + b_proj`.
#
# A check you can do by hand: the first track sees only itself, so all its weight goes to its own
# value vector, and its output is that value vector times `W_proj`, plus `b_proj`.
#
# **Exercise 4.** Implement `causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads)`.

# %% solution causal_self_attention

# %% tests causal_self_attention
identity = np.eye(2)
W_qkv = np.hstack([identity, identity, identity])   # (2, 6): Q = K = V = x
out = causal_self_attention(np.eye(2), W_qkv, np.zeros(6), identity, np.zeros(2), 1)
assert isinstance(out, np.ndarray) and out.shape == (2, 2), f"expected an array of shape (2, 2), got {out!r}"
# track 0 sees only itself; track 1 scores [0, 1] / sqrt(2) -> weights [0.330, 0.670]
assert np.allclose(out, [[1.0, 0.0], [0.33023845, 0.66976155]]), (
    f"one head: expected [[1, 0], [0.33023845, 0.66976155]], got {out}")
out = causal_self_attention(np.eye(2), W_qkv, np.zeros(6), identity, np.zeros(2), 2)
# head 0 (column 0): scores [0, 0] -> weights [0.5, 0.5]; head 1 (column 1): scores [0, 1] / sqrt(1)
assert np.allclose(out, [[1.0, 0.0], [0.5, 0.73105858]]), (
    f"two heads of width 1 (each scaled by 1/sqrt(1)): expected [[1, 0], [0.5, 0.73105858]], got {out}")
rng = np.random.default_rng(1)
d, T = 6, 4
attn = random_block_params(d, rng)
weights = (attn["attn.c_attn.weight"], attn["attn.c_attn.bias"], attn["attn.c_proj.weight"], attn["attn.c_proj.bias"])
x = rng.standard_normal((T, d))
out = causal_self_attention(x, *weights, 3)
assert out.shape == (T, d), f"expected shape ({T}, {d}), got {out.shape}"
expected = np.array([
    [0.197043721311, -0.761107799170, 0.379942837908, 1.571686191540, 0.881504568513, -0.821842567595],
    [-0.283064875735, 0.028586018644, 0.878702770775, 0.738314721256, 0.585393264283, -0.634544806637],
    [-0.202716794952, -0.500656084600, 0.359333120919, 1.434136160346, 0.388500775866, -0.982645135705],
    [0.030842213102, -0.387428942118, 0.245919692163, 1.060415202987, 0.237990129452, -1.035221906040],
])
assert np.allclose(out, expected, rtol=1e-9, atol=1e-11), (
    f"3 heads of width 2 (contiguous columns, scores / sqrt(2)): expected {expected}, got {out}")
value_of_first = (x[0] @ attn["attn.c_attn.weight"] + attn["attn.c_attn.bias"])[2 * d:]
assert np.allclose(out[0], value_of_first @ attn["attn.c_proj.weight"] + attn["attn.c_proj.bias"]), (
    "the first track attends only to itself: its output should be its value vector @ W_proj + b_proj")
changed = x.copy()
changed[-1] += 1.0
assert np.allclose(causal_self_attention(changed, *weights, 3)[:-1], out[:-1]), (
    "changing the last token changed earlier outputs: the attention is not causal")
batch = np.stack([x, changed])
out_batch = causal_self_attention(batch, *weights, 3)
assert out_batch.shape == (2, T, d) and np.allclose(out_batch[0], out), (
    f"with a batch (2, {T}, {d}), each sequence should get its own result, got shape {out_batch.shape}")
print("causal_self_attention: sanity checks passed")

# %% [markdown]
# ## The block: residual connections, pre-norm
#
# A sub-layer does not replace the vectors it reads: it **adds** its result to them. This is the
# **residual connection**: the track carries a running sum, the *residual stream*, and each
# sub-layer reads it and writes an update into it. GPT-2 normalizes the copy a sub-layer reads,
# never the stream itself (**pre-norm**):
#
# $$h = x + \mathrm{Attention}(\mathrm{LN}_1(x)), \qquad \mathrm{out} = h + \mathrm{FFNN}(\mathrm{LN}_2(h))$$
#
# The 2017 Transformer put the norm after the addition instead (*post-norm*,
# $\mathrm{LN}(x + \mathrm{Attention}(x))$); pre-norm trains deep stacks more easily, and lesson 11
# shows that today's models all use it. Note that the FFNN reads $h$, the stream *after* attention
# has written into it.
#
# The block's weights come in one dict keyed exactly as Hugging Face's `GPT2Block.state_dict()`
# (the docstring lists the keys). Call your `layer_norm`, `causal_self_attention` and `feed_forward`
# by name, passing `eps` on to both norms.
#
# **Exercise 5.** Implement `transformer_block(x, params, n_heads, eps=1e-5)`.

# %% solution transformer_block

# %% tests transformer_block
rng = np.random.default_rng(2)
d = 4
params = random_block_params(d, rng)
x = rng.standard_normal((3, d))
x_before = x.copy()
out = transformer_block(x, params, 2)
assert isinstance(out, np.ndarray) and out.shape == (3, d), f"expected an array of shape (3, {d}), got {out!r}"
assert np.array_equal(x, x_before), "transformer_block must not modify x (x += ... adds into the caller's array)"
silent = dict(params)
for key in ("attn.c_proj.weight", "attn.c_proj.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"):
    silent[key] = np.zeros_like(params[key])
assert np.allclose(transformer_block(x, silent, 2), x), (
    "with both c_proj layers zero, each sub-layer adds 0: the residual connections should return x unchanged")
expected = np.array([[2.5879189611114555, 0.4348461671004642, -2.1510394665496815, -1.6633345534176236],
                     [0.2806380724864304, 0.34015894426488735, -0.8756613763977501, 0.4834019515239676],
                     [-0.7710208878252592, -1.1208017747241263, -0.8893344519167838, -1.07409325033443]])
assert np.allclose(out, expected, rtol=1e-10, atol=1e-12), (
    f"these random weights with 2 heads (pre-norm, two residual connections) should give {expected}, got {out}")
assert not np.allclose(transformer_block(x, params, 2, eps=1.0), out), (
    "eps=1.0 gave the same result as the default 1e-5: pass eps on to both layer norms")
batch = transformer_block(np.stack([x, 2 * x]), params, 2, eps=1e-5)
assert batch.shape == (2, 3, d) and np.allclose(batch[0], out), (
    f"with a batch (2, 3, {d}), each sequence should get its own result, got shape {batch.shape}")
print("transformer_block: sanity checks passed")

# %% [markdown]
# ## What the sub-layers do to the vectors' sizes
#
# Below, vectors go through a stack of 12 blocks with random weights, built from your functions, and
# we measure the vectors' lengths after every sub-layer. Layer normalization hands every sub-layer
# vectors of the same length (about $\sqrt{d} = 8$ here, times $\gamma$), however long the stream has
# grown. Each sub-layer adds an update of roughly the same size. The stream, the sum of all those
# updates, keeps growing, so later sub-layers nudge its direction rather than overwrite it: the
# information of the earlier tracks and blocks is still there for the later ones. (Measurements of
# trained GPT-2 models report the same growth of the stream along the stack.)

# %% figure
rng = np.random.default_rng(0)
d, n_heads, T, n_blocks = 64, 4, 8, 12
stream = 0.5 * rng.standard_normal((T, d))
labels, stream_norms, read_norms, update_norms = ["embeddings"], [np.linalg.norm(stream, axis=-1).mean()], [], []
for block_number in range(1, n_blocks + 1):
    params = random_block_params(d, rng)
    for sub_layer, norm_key in (("attention", "ln_1"), ("feed-forward", "ln_2")):
        read = layer_norm(stream, params[f"{norm_key}.weight"], params[f"{norm_key}.bias"])
        if sub_layer == "attention":
            update = causal_self_attention(read, params["attn.c_attn.weight"], params["attn.c_attn.bias"],
                                           params["attn.c_proj.weight"], params["attn.c_proj.bias"], n_heads)
        else:
            update = feed_forward(read, params["mlp.c_fc.weight"], params["mlp.c_fc.bias"],
                                  params["mlp.c_proj.weight"], params["mlp.c_proj.bias"])
        stream = stream + update
        labels.append(f"block {block_number} {sub_layer}")
        read_norms.append(np.linalg.norm(read, axis=-1).mean())
        update_norms.append(np.linalg.norm(update, axis=-1).mean())
        stream_norms.append(np.linalg.norm(stream, axis=-1).mean())
steps = np.arange(len(stream_norms))
plt.figure(figsize=(11, 4.8))
plt.plot(steps, stream_norms, "o-", color="black", label="residual stream (what flows from block to block)")
plt.plot(steps[1:], read_norms, "s--", color="grey", label="layer norm's output (what a sub-layer reads)")
plt.plot(steps[1::2], update_norms[0::2], "^", color="C0", label="attention's update (what it adds)")
plt.plot(steps[2::2], update_norms[1::2], "v", color="C2", label="feed-forward's update (what it adds)")
plt.xticks(steps, labels, rotation=90, fontsize=7)
plt.xlabel("after each sub-layer")
plt.ylabel("mean vector length over the T tracks")
plt.title(f"Vector lengths along a stack of {n_blocks} random GPT-2 blocks (d = {d})")
plt.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Your blocks are GPT-2
#
# A whole GPT-2 is your block, stacked, with a little around it:
#
# 1. the **token embeddings** `transformer.wte.weight` (V, d): row `id` for each token, plus the
#    learned **position embeddings** `transformer.wpe.weight`: row 0, 1, ..., T-1;
# 2. the blocks `transformer.h.0.*`, `transformer.h.1.*`, ... (each one exactly a `GPT2Block`);
# 3. a final layer norm `transformer.ln_f`;
# 4. the LM head: a dot product of each vector with every token embedding, `@ wte.T`. GPT-2's head
#    is **tied** to the token embeddings: it reuses the same (V, d) matrix.
#
# The cell below builds a tiny GPT-2 from a configuration with Hugging Face's `transformers` (random
# weights, no download), runs it in float64, and runs the same weights through your functions. Every
# score agrees to about 1e-15, and so does the next-token distribution of the last track.

# %% figure
import torch
from transformers import GPT2Config, GPT2LMHeadModel

config = GPT2Config(vocab_size=50, n_positions=16, n_embd=16, n_layer=3, n_head=4, bos_token_id=0, eos_token_id=0)
torch.manual_seed(0)
model = GPT2LMHeadModel(config).double().eval()
with torch.no_grad():   # GPT-2 starts training with tiny weights; larger ones make every part of it count
    for parameter in model.parameters():
        parameter.normal_(0.0, 0.3)
weights = {name: tensor.numpy() for name, tensor in model.state_dict().items()}
token_ids = np.array([7, 3, 41, 3, 15, 9])
with torch.no_grad():
    hf_logits = model(torch.from_numpy(token_ids)[None]).logits[0].numpy()

stream = weights["transformer.wte.weight"][token_ids] + weights["transformer.wpe.weight"][np.arange(len(token_ids))]
for layer in range(config.n_layer):
    prefix = f"transformer.h.{layer}."
    block = {name.removeprefix(prefix): value for name, value in weights.items() if name.startswith(prefix)}
    stream = transformer_block(stream, block, config.n_head, config.layer_norm_epsilon)
final = layer_norm(stream, weights["transformer.ln_f.weight"], weights["transformer.ln_f.bias"],
                   config.layer_norm_epsilon)
logits = final @ weights["transformer.wte.weight"].T   # the tied LM head
gap = np.abs(logits - hf_logits).max()
print(f"largest difference between your logits and Hugging Face's: {gap:.1e}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
left.scatter(hf_logits.ravel(), logits.ravel(), s=8)
left.axline((0, 0), slope=1, color="grey", linewidth=0.5)
left.set(title=f"All {logits.size} scores: yours vs GPT2LMHeadModel (max gap {gap:.0e})",
         xlabel="Hugging Face GPT-2 logit", ylabel="your logit")
vocabulary = np.arange(config.vocab_size)
right.bar(vocabulary, softmax(hf_logits[-1]), color="lightgrey", label="Hugging Face")
right.plot(vocabulary, softmax(logits[-1]), "r.", label="yours")
right.set(title="Next-token probabilities of the last track", xlabel="token id", ylabel="probability")
right.legend()
plt.tight_layout()
plt.show()
assert gap < 1e-10, "your stack should reproduce GPT-2's logits: compare your functions with their docstrings"

# %% [markdown]
# ## Summary
#
# - A **Transformer block** maps T vectors of width d to T vectors of width d, one per **track**;
#   blocks are stacked, and the last track's vector feeds the LM head.
# - **Self-attention** brings in context from earlier tokens (**relevance scoring**, then
#   **combining information**), causally and in several heads; GPT-2 computes Q, K and V with one
#   fused matrix and gives each head a contiguous block of columns.
# - The **feedforward neural network** (d -> 4d -> d with GELU, tanh form) works on each track alone,
#   and holds **next-token statistics** such as "Shawshank" -> "Redemption".
# - **Layer normalization** (biased variance, eps inside the square root) hands each sub-layer vectors
#   of a standard size; **residual connections** add each sub-layer's result to the stream. GPT-2 is
#   pre-norm.
# - Stacked with embeddings, a final norm and a tied head, your functions are GPT-2.
#
# Lesson 09 takes self-attention apart: heads, queries, keys and values, and the ways to make
# attention cheaper.
