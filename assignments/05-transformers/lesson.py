# %% [markdown]
# # Lesson 05 — Transformers: Attention Is All You Need, BERT, GPT
#
# In lesson 04 attention was an add-on: a recurrent network read the sentence one token at a time,
# and the decoder attended over its hidden states. The Transformer (Vaswani et al., 2017, "Attention
# Is All You Need") drops the recurrence: every token looks at every other token directly, through
# attention alone, and all positions are processed in parallel. Two families grew out of it:
#
# - **encoders** such as BERT (Devlin et al., 2018) read the whole text at once, every token seeing
#   both its left and its right: good for understanding (classification, search, embeddings);
# - **decoders** such as GPT (Radford et al., 2018) see only the past, so they can be trained to
#   predict the next token and then generate text one token at a time (lesson 01's loop).
#
# In this notebook you implement the pieces that make them work: the attention itself, the mask that
# makes a decoder causal, the positional encodings that tell attention where each token is, the
# learning-rate schedule the paper trained with, and BERT's masked-language-model corruption.

# %%
import numpy as np

# %% [markdown]
# ## Self-attention: queries, keys and values
#
# Each token's vector $x_i$ is projected three ways (by learned matrices; lessons 08 and 09 add them):
#
# - a **query** $q_i$: what this token is looking for;
# - a **key** $k_j$: what token $j$ offers, to be matched against queries;
# - a **value** $v_j$: what token $j$ hands over when it is attended to.
#
# Query $i$ scores every key by a dot product, $s_{ij} = q_i \cdot k_j$; a softmax over $j$ turns the
# scores into weights that sum to 1; the output for token $i$ is the weighted mix of the values,
# $\sum_j w_{ij} v_j$. Stacking the queries as rows of $Q$ (and keys, values as rows of $K$, $V$),
# all of it is three matrix products:
#
# $$\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V$$
#
# "Self"-attention means $Q$, $K$ and $V$ all come from the same sequence. Before computing it, we
# decide *which keys each query may see*.
#
# ## Who may look at whom: the causal mask (GPT) versus bidirectional attention (BERT)
#
# A mask is a bool matrix, one row per query and one column per key: `mask[i, j]` True means query
# $i$ may attend to key $j$ (**True = keep**, the convention of PyTorch's
# `scaled_dot_product_attention`). BERT uses no mask over real tokens: each word is understood from
# both sides, which is why it cannot generate text. GPT is trained to predict token $i + 1$ from
# tokens $0..i$; if position $i$ could peek at $i + 1$ the task would be trivial and useless at
# generation time, when the future does not exist yet. So a decoder lets query $i$ see keys
# $j \le i$ only: itself and its past. Thanks to this mask, one forward pass over a sequence of
# length $T$ trains $T$ next-token predictions at once.
#
# **Exercise 1.** Build that mask.

# %% solution causal_mask

# %% tests causal_mask
mask = causal_mask(3)
assert mask.shape == (3, 3) and mask.dtype == bool
assert np.array_equal(mask, [[True, False, False],
                             [True, True, False],
                             [True, True, True]])
print("causal_mask: sanity checks passed")

# %% [markdown]
# ## Why divide by $\sqrt{d_k}$?
#
# If the $d_k$ entries of a query and a key are roughly independent with variance 1, their dot product
# is a sum of $d_k$ such products: its variance is $d_k$, its typical size $\sqrt{d_k}$. With
# $d_k = 512$ the scores are in the tens, and a softmax of scores that far apart is almost one-hot:
# one key takes all the weight, and the gradient through the others vanishes ("saturation"). Dividing
# by $\sqrt{d_k}$ brings the scores back to a spread of about 1 whatever the width. The cell below
# measures it (`softmax` from lesson 01 is provided; you may use it in your code).

# %%
def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01)."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


demo_rng = np.random.default_rng(0)
for width in (4, 64, 512):
    queries = demo_rng.standard_normal((200, width))   # 200 queries, each scoring the same 8 keys
    keys = demo_rng.standard_normal((8, width))
    scores = queries @ keys.T
    print(f"d_k = {width:3d}: scores spread {scores.std():5.1f}; largest of 8 softmax weights, on average: "
          f"unscaled {softmax(scores).max(axis=-1).mean():.2f}, "
          f"scaled {softmax(scores / np.sqrt(width)).max(axis=-1).mean():.2f}")

# %% [markdown]
# Unscaled, the largest of the 8 weights tends to 1 as the width grows: attention degenerates into
# picking a single key. Scaled, it stays between 0.25 and 0.4 whatever the width: the rows stay soft.
#
# **Exercise 2.** Implement scaled dot-product attention, with an optional mask.
#
# - Work on the last two axes, so that any leading batch dims (sentences, heads) come along:
#   `np.swapaxes(K, -1, -2)` transposes the keys of every batch item (`K.T` would reverse *all* axes).
# - Masked keys must get weight exactly 0 and each row must still sum to 1: set their scores to
#   `-np.inf` **before** the softmax ($e^{-\infty} = 0$).
# - If a query has no key left (a mask row that is all False), the softmax would divide 0 by 0 and
#   return NaN. Raise a `ValueError` with a message saying so instead: a silent NaN would spread
#   through every later layer.

# %% solution scaled_dot_product_attention

# %% tests scaled_dot_product_attention
Q = np.array([[2.0, 0.0], [0.0, 2.0]])
K = np.array([[1.0, 1.0], [1.0, -1.0]])
V = np.array([[10.0], [20.0]])
output, weights = scaled_dot_product_attention(Q, K, V)
# scores Q K^T / sqrt(2) = [[1.414, 1.414], [1.414, -1.414]]
assert output.shape == (2, 1) and weights.shape == (2, 2)
assert np.allclose(weights, [[0.5, 0.5], [0.94419278, 0.05580722]])
assert np.allclose(output, [[15.0], [10.55807219]])
output, weights = scaled_dot_product_attention(Q, K, V, mask=causal_mask(2))
assert np.allclose(weights, [[1.0, 0.0], [0.94419278, 0.05580722]])   # query 0 sees only key 0
assert np.allclose(output, [[10.0], [10.55807219]])
batch_output, _ = scaled_dot_product_attention(np.stack([Q, Q, Q]), K, V)   # batch dims broadcast
assert batch_output.shape == (3, 2, 1)
try:
    scaled_dot_product_attention(Q, K, V, mask=np.array([[True, True], [False, False]]))
    raise AssertionError("a query with no key left should raise ValueError")
except ValueError as error:
    print("fully masked row ->", error)
print("scaled_dot_product_attention: sanity checks passed")

# %% [markdown]
# Below, the causal mask of a 6-token sentence (left) and the attention weights of random queries and
# keys under it (right): each row is one query's distribution over the keys it may see, and everything
# above the diagonal is exactly 0.

# %% figure
import matplotlib.pyplot as plt

words = ["The", "cat", "sat", "on", "the", "mat"]
figure_rng = np.random.default_rng(5)
queries, keys = figure_rng.standard_normal((2, len(words), 16))
_, pattern = scaled_dot_product_attention(queries, keys, keys, mask=causal_mask(len(words)))
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, matrix, title in [(axes[0], causal_mask(len(words)), "causal mask (True = may attend)"),
                          (axes[1], pattern, "attention weights under the mask")]:
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(words)), words)
    ax.set_yticks(range(len(words)), words)
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query (attending)")
    ax.set_title(title)
fig.colorbar(image, ax=axes[1], fraction=0.046)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Positional encodings: telling attention where each token is
#
# Attention itself ignores order: without a mask, shuffle the tokens and every token gets the same
# output as before, just shuffled along (a weighted sum does not care in which order it adds). "The dog bit the man" and
# "the man bit the dog" would look alike. The Transformer therefore adds to each token's embedding a
# vector that depends on its position only. The original paper uses fixed sines and cosines of
# geometrically spaced frequencies: for $i = 0, 1, \dots, d_{model}/2 - 1$,
#
# $$PE_{pos,\,2i} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right), \qquad
#   PE_{pos,\,2i+1} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right).$$
#
# Columns come in (sin, cos) pairs sharing one frequency; the first pairs oscillate fast (they tell
# neighbours apart), the last ones barely move over thousands of positions (they tell the beginning
# from the end of a long text), like the hands of a clock. Because each pair rotates by a fixed angle
# per step, the encoding of $pos + k$ is a rotation of the encoding of $pos$: relative offsets are
# easy for attention to read. (BERT and GPT-2 learn their position vectors instead; lesson 11 shows
# RoPE, which applies such rotations to queries and keys.)
#
# **Exercise 3.** Build the table. Careful with the exponent: the pair index $i$ appears as $2i$,
# which is the number of the pair's *even* column, for both columns of the pair.

# %% solution sinusoidal_positions

# %% tests sinusoidal_positions
table = sinusoidal_positions(2, 6)
assert table.shape == (2, 6)
assert np.allclose(table[0], [0, 1, 0, 1, 0, 1])     # position 0: sin 0 = 0, cos 0 = 1
# position 1: frequencies 1/10000^(0/6), 1/10000^(2/6), 1/10000^(4/6) = 1, 0.0464, 0.00215
assert np.allclose(table[1], [np.sin(1), np.cos(1), np.sin(0.04641589), np.cos(0.04641589),
                              np.sin(0.00215443), np.cos(0.00215443)])
print("sinusoidal_positions: sanity checks passed")

# %% figure
positions_table = sinusoidal_positions(100, 128)
plt.figure(figsize=(10, 4))
plt.imshow(positions_table, aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
plt.xlabel("dimension (pairs of sin, cos; frequency falls to the right)")
plt.ylabel("position")
plt.title("Sinusoidal positional encodings, d_model = 128")
plt.colorbar()
plt.show()

# %% [markdown]
# ## Training: the warm-up learning-rate schedule
#
# Adam's estimates of the gradient statistics are poor in the first steps, and a freshly initialised
# Transformer is easily knocked into a bad region by large updates. The paper therefore *warms up*:
# the learning rate grows linearly for `warmup_steps` steps (4000 in the paper), then decays like the
# inverse square root of the step number:
#
# $$lr = d_{model}^{-0.5} \cdot \min\left(step^{-0.5},\; step \cdot warmup\_steps^{-1.5}\right)$$
#
# The two branches meet at `step == warmup_steps`, the peak. Wider models ($d_{model}$ larger) get
# smaller rates. Modern LLMs still warm up, usually followed by a cosine decay.
#
# **Exercise 4.** Implement the schedule. Steps count from 1: `step^-0.5` is undefined at step 0, so
# raise a `ValueError` for `step < 1` rather than return a meaningless number.

# %% solution transformer_lr

# %% tests transformer_lr
assert np.isclose(transformer_lr(4000, 512), 512 ** -0.5 * 4000 ** -0.5)   # the peak: 6.988e-4
assert np.isclose(transformer_lr(1, 512), 512 ** -0.5 * 4000 ** -1.5)      # tiny first step
assert transformer_lr(2000, 512) < transformer_lr(4000, 512) > transformer_lr(8000, 512)
assert np.isclose(transformer_lr(10, 512, warmup_steps=10), 512 ** -0.5 * 10 ** -0.5)
try:
    transformer_lr(0, 512)
    raise AssertionError("step 0 should raise ValueError")
except ValueError:
    pass
print("transformer_lr: sanity checks passed")

# %% figure
steps = np.arange(1, 20001)
plt.figure(figsize=(8, 4))
for d_model, warmup_steps in [(512, 4000), (512, 8000), (256, 4000)]:
    plt.plot(steps, [transformer_lr(int(step), d_model, warmup_steps) for step in steps],
             label=f"d_model = {d_model}, warmup_steps = {warmup_steps}")
plt.xlabel("training step")
plt.ylabel("learning rate")
plt.title("Linear warm-up, then 1/sqrt(step) decay")
plt.legend()
plt.show()

# %% [markdown]
# ## BERT's masked language model: 80 / 10 / 10
#
# A bidirectional encoder cannot be trained to predict the next token: it sees it. BERT instead hides
# some tokens and asks the model to recover them from both sides (a cloze test). In each sequence 15%
# of the positions are **selected** (never the special tokens `[CLS]`, `[SEP]` or padding). The loss
# is computed at selected positions only; elsewhere the label is -100, the value PyTorch's
# `cross_entropy` ignores by default. A selected token is
#
# - replaced by `[MASK]` 80% of the time;
# - replaced by a random token 10% of the time;
# - left unchanged 10% of the time.
#
# Why not always `[MASK]`? `[MASK]` never appears when the model is later used on real text; if
# the model only had to work hard at `[MASK]` positions, it could neglect the representation of every
# other token. Random and unchanged tokens force it to check every position, since any might be wrong.
#
# Grading needs determinism, so the randomness comes in as arguments: `select_u[i]` decides whether
# position $i$ is selected, and an *independent* draw `action_u[i]` decides what happens to it.
# With NumPy you would draw them as `rng.random(T)`, and `random_ids` as `rng.integers(V, size=T)`.
#
# **Exercise 5.** Implement the corruption. Mind the bounds exactly as the docstring gives them.

# %% solution mlm_corrupt

# %% tests mlm_corrupt
ids = np.array([101, 7, 8, 9, 10, 102])               # [CLS] ... [SEP]
special = np.array([True, False, False, False, False, True])
select_u = np.array([0.01, 0.05, 0.5, 0.10, 0.12, 0.02])
action_u = np.array([0.3, 0.3, 0.3, 0.85, 0.95, 0.3])
random_ids = np.array([4, 4, 4, 42, 4, 4])
inputs, labels = mlm_corrupt(ids, special, select_u, action_u, random_ids, mask_id=103)
# [CLS] and [SEP] are protected; 7 -> [MASK]; 8 not selected; 9 -> random 42; 10 selected but kept
assert np.array_equal(inputs, [101, 103, 8, 42, 10, 102])
assert np.array_equal(labels, [-100, 7, -100, 9, 10, -100])
assert np.array_equal(ids, [101, 7, 8, 9, 10, 102])   # the input ids are not modified
print("mlm_corrupt: sanity checks passed")

# %% [markdown]
# On many tokens the proportions appear: about 15% of the tokens are selected, and of those about
# 80% become `[MASK]`, 10% a random token and 10% stay as they were.

# %% figure
sample_rng = np.random.default_rng(0)
n_tokens, vocab_size, mask_token = 100_000, 1000, 1000
sample_ids = sample_rng.integers(vocab_size, size=n_tokens)
sample_inputs, sample_labels = mlm_corrupt(
    sample_ids, np.zeros(n_tokens, dtype=bool), sample_rng.random(n_tokens), sample_rng.random(n_tokens),
    sample_rng.integers(vocab_size, size=n_tokens), mask_id=mask_token)
chosen = sample_labels != -100
became_mask = sample_inputs[chosen] == mask_token
unchanged = sample_inputs[chosen] == sample_ids[chosen]   # includes the rare random draw of the same id
fractions = [chosen.mean(), became_mask.mean(), (~became_mask & ~unchanged).mean(), unchanged.mean()]
plt.figure(figsize=(7, 3.5))
bars = plt.bar(["selected\n(of all tokens)", "[MASK]\n(of selected)", "random\n(of selected)",
                "unchanged\n(of selected)"], fractions, color=["grey", "C0", "C1", "C2"])
plt.bar_label(bars, fmt="%.3f")
plt.ylim(0, 1)
plt.title(f"mlm_corrupt on {n_tokens:,} tokens with p = 0.15")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - Attention mixes the values of the keys each query may see, with softmax weights of the scaled
#   dot products $q \cdot k / \sqrt{d_k}$; the scaling keeps the softmax from saturating.
# - A mask chooses who sees whom: causal (GPT, generation) or bidirectional (BERT, understanding).
# - Attention is blind to order; positional encodings put the order back in.
# - Transformers are trained with a warm-up learning rate.
# - BERT learns by recovering the selected 15% of tokens, corrupted 80/10/10.
#
# Lesson 08 assembles these pieces into a full Transformer block.
