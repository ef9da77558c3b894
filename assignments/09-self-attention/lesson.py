# %% [markdown]
# # Lesson 09 — Self-attention in depth
#
# Lesson 08 gave self-attention two jobs inside a Transformer block: **relevance scoring** (how
# relevant is each earlier token to the current one?) and **combining information** (mix the relevant
# tokens' information into the current vector). In "The dog chased the llama because it", processing
# "it" should pull in the representation of the animal "it" refers to: **coreference resolution**.
# This notebook opens the box. It has two halves.
#
# **How attention works.** Attention runs inside an **attention head**. You will cut vectors into heads
# and put them back (`split_heads`, `merge_heads`), then run several heads side by side
# (`multi_head_attention`).
#
# **How to make it cheaper.** Attention is the expensive step of an LLM, so most recent models change
# it to save memory and time:
#
# - share keys and values between heads (`grouped_query_attention`), which shrinks the KV cache
#   (`kv_cache_bytes`);
# - let each position look at fewer positions, with the sparse attention patterns
#   `sliding_window_mask`, `strided_sparse_mask` and `fixed_sparse_mask`;
# - compute attention one block of keys at a time (`blockwise_attention`), the idea behind flash
#   attention and **ring attention**.
#
# Below each figure, an **Expected result** cell shows what it looks like once your functions work.
#
# The cell below provides lesson 05's `softmax`, `causal_mask` and `scaled_dot_product_attention`.
# Use them in your code. It also provides a tiny hand-made model of the course's sentence, which the
# figures use.

# %%
import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01); scores of -inf get weight exactly 0."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


def causal_mask(T):
    """(T, T) bool, True where query i may attend to key j, that is j <= i (lesson 05)."""
    return np.tril(np.ones((T, T), dtype=bool))


def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d_k)) V over the last two axes (lesson 05). Returns (output, weights).

    Q: (..., T_q, d_k), K: (..., T_k, d_k), V: (..., T_k, d_v); leading axes (batch, heads) broadcast.
    mask: None or a bool array broadcastable to (..., T_q, T_k), True = query i may attend to key j.
    Raises ValueError when the mask leaves a query with no key."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
        if np.any(np.all(np.isneginf(scores), axis=-1)):
            raise ValueError("the mask leaves a query with no key to attend to")
    weights = softmax(scores)
    return weights @ V, weights


# A tiny model of the course's sentence, made by hand so that its attention can be read. Each word's
# vector (its row of sentence_x) marks what the word is, one column per feature. The projection
# matrices map features to queries and keys: columns 0-3 are head 0 and columns 4-7 are head 1.
words = ["The", "dog", "chased", "the", "llama", "because", "it"]
features = ["noun", "animal", "subject", "object", "determiner", "verb", "conjunction", "pronoun"]
word_features = {"The": {"determiner"}, "dog": {"noun", "animal", "subject"}, "chased": {"verb"},
                 "the": {"determiner"}, "llama": {"noun", "animal", "object"}, "because": {"conjunction"},
                 "it": {"pronoun"}}
sentence_x = np.array([[1.0 if feature in word_features[word] else 0.0 for feature in features] for word in words])


def wiring(*links):
    """An (8, 8) projection matrix: a link (feature, column, strength) writes `strength` into that
    column of the query (or key) of every word that has the feature."""
    W = np.zeros((len(features), 8))
    for feature, column, strength in links:
        W[features.index(feature), column] = strength
    return W


# Head 0, "who is it?": a pronoun's query looks for animals, and a little for the subject.
# Head 1, "grammar": a noun looks for its determiner, a verb for a noun, "the" and "because" for a verb,
# a pronoun for the conjunction that opens its clause.
sentence_W_q = wiring(("pronoun", 0, 5), ("pronoun", 1, 2), ("noun", 4, 6), ("verb", 5, 6),
                      ("determiner", 6, 6), ("conjunction", 6, 6), ("pronoun", 7, 6))
sentence_W_k = wiring(("animal", 0, 1), ("subject", 1, 1), ("determiner", 4, 1), ("noun", 5, 1),
                      ("verb", 6, 1), ("conjunction", 7, 1))
sentence_W_v = np.eye(8)  # values = the words' features, so that the output can be read
sentence_W_o = np.eye(8)

# %% [markdown]
# ## One attention head
#
# An attention head takes the vector at the current position plus the vectors at the other
# positions, and returns the current vector enriched with context. Three **projection matrices**
# $W_Q$, $W_K$, $W_V$ turn the input vectors $X$ (one row per position) into three matrices, also one
# row per position:
#
# - the **queries** $Q = X W_Q$: what each position is looking for;
# - the **keys** $K = X W_K$: what each position offers, to be matched against queries;
# - the **values** $V = X W_V$: what each position hands over when it is attended to.
#
# **Relevance scoring** multiplies the current token's query by the keys of all the earlier tokens
# and applies a **softmax**, so that the scores add up to 1. **Combining information** multiplies
# each earlier token's value vector by its score (the **weighted values**) and adds them up. The sum
# is the output for the current position. For all positions at once (lesson 05):
#
# $$\mathrm{head}(X) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_h}} + M\right) V,$$
#
# with $d_h$ the width of the head's queries and keys, and $M$ the causal mask: $0$ where
# $j \le i$, $-\infty$ elsewhere.
#
# The figure runs head 0 of the hand-made model (columns 0-3 of each projection) on "The dog chased
# the llama because it" and follows the current token "it". Its query asks for an animal, preferably
# the subject. Both animals match, but most of the weight goes to "dog". The weighted values carry
# mostly dog's features into the output for "it".

# %% figure
import matplotlib.pyplot as plt

head_columns = slice(0, 4)
_, head_weights = scaled_dot_product_attention(sentence_x @ sentence_W_q[:, head_columns],
                                               sentence_x @ sentence_W_k[:, head_columns],
                                               sentence_x @ sentence_W_v[:, head_columns], causal_mask(len(words)))
it_weights = head_weights[-1]
weighted_values = it_weights[:, None] * (sentence_x @ sentence_W_v[:, head_columns])
figure, (scoring_ax, combining_ax) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
bars = scoring_ax.bar(words, it_weights, color=["C1" if word in ("dog", "llama") else "C0" for word in words])
scoring_ax.bar_label(bars, fmt="%.2f")
scoring_ax.set(title='Relevance scoring: softmax over the keys of (query of "it") · key', xlabel="key (earlier token)",
               ylabel="attention weight (sums to 1)", ylim=(0, 0.8))
rows = np.vstack([weighted_values, weighted_values.sum(axis=0)])
image = combining_ax.imshow(rows, cmap="Greens", vmin=0, vmax=1, aspect="auto")
combining_ax.axhline(len(words) - 0.5, color="black", linewidth=2)
combining_ax.set_yticks(range(len(words) + 1), [f"{w:.2f} x {word}" for w, word in zip(it_weights, words)]
                        + ['sum: output for "it"'])
combining_ax.set_xticks(range(4), features[head_columns])
combining_ax.set(title="Combining information: weighted values, then their sum", xlabel="value feature")
for (row, column), value in np.ndenumerate(rows):
    combining_ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=8)
figure.colorbar(image, ax=combining_ax, label="weight x value")
plt.show()

# %% [markdown]
# ## Cutting vectors into heads
#
# **Multi-head attention** runs the same computation in several attention heads in parallel. Each
# head has its own query, key and value projections, so each can attend to different things: one
# head may resolve pronouns while another follows grammar. In practice the heads are not separate
# matrices. One $d \times d$ projection computes all of them at once, and its $d$ output columns are
# cut into $H$ heads of $d_h = d / H$ columns each. Head $h$ owns the **contiguous** block of columns
# $h\,d_h, \dots, (h+1)\,d_h - 1$ (GPT-2, BERT, Llama and PyTorch all cut them this way).
#
# To run all heads with one batched matrix product, the heads get an axis of their own, placed before
# the positions:
#
# $$(\dots, T, d) \xrightarrow{\text{reshape}} (\dots, T, H, d_h) \xrightarrow{\text{swap two axes}}
#   (\dots, H, T, d_h).$$
#
# Now every head is a $(T, d_h)$ matrix, and `scaled_dot_product_attention` treats the head axis like
# any other batch axis. Careful: reshaping straight to $(\dots, H, T, d_h)$ has the right shape but
# mixes positions. A reshape keeps the order of the numbers in memory, so the $H$ blocks of the
# first row would become the first rows of each head.
#
# **Exercise 1.** Implement `split_heads(x, n_heads)`. Work on the last two axes, so that leading
# axes (sentences in a batch) come along.

# %% solution split_heads

# %% tests split_heads
x = np.arange(12.0).reshape(3, 4)  # 3 positions of width 4
heads = split_heads(x, 2)
assert isinstance(heads, np.ndarray) and heads.shape == (2, 3, 2), (
    f"3 positions of width 4 in 2 heads: shape (2 heads, 3 positions, 2 columns), got {np.shape(heads)}")
assert heads.dtype == np.float64, f"split_heads should keep float64, got {heads.dtype}"
assert np.array_equal(heads[0], [[0, 1], [4, 5], [8, 9]]), (
    f"head 0 is columns 0-1 of every position: [[0, 1], [4, 5], [8, 9]], got\n{heads[0]}")
assert np.array_equal(heads[1], [[2, 3], [6, 7], [10, 11]]), (
    f"head 1 is columns 2-3 of every position: [[2, 3], [6, 7], [10, 11]], got\n{heads[1]}")
batch = np.arange(24.0).reshape(2, 2, 6)  # 2 sentences of 2 positions, width 6
batch_heads = split_heads(batch, 3)
assert np.shape(batch_heads) == (2, 3, 2, 2), (
    f"2 sentences, 3 heads, 2 positions, width 2: shape (2, 3, 2, 2), got {np.shape(batch_heads)}")
assert np.array_equal(batch_heads[1], split_heads(batch[1], 3)), (
    "each sentence of a batch must be cut exactly as it is alone: work on the last two axes only")
print("split_heads: sanity checks passed")

# %% [markdown]
# After attention, every head returns a $(T, d_h)$ matrix. To go on, the heads are put back side by
# side: head $h$ returns to columns $h\,d_h, \dots, (h+1)\,d_h - 1$, and the result has width
# $H d_h = d$ again. This is the exact inverse of `split_heads`: swap the two axes back, *then* reshape.
#
# **Exercise 2.** Implement `merge_heads(x)`.

# %% solution merge_heads

# %% tests merge_heads
heads = np.arange(12.0).reshape(2, 3, 2)  # 2 heads, 3 positions, width 2
merged = merge_heads(heads)
assert isinstance(merged, np.ndarray) and merged.shape == (3, 4), (
    f"2 heads of 3 positions and width 2 merge into shape (3, 4), got {np.shape(merged)}")
assert merged.dtype == np.float64, f"merge_heads should keep float64, got {merged.dtype}"
assert np.array_equal(merged, [[0, 1, 6, 7], [2, 3, 8, 9], [4, 5, 10, 11]]), (
    "position t is head 0's row t, then head 1's row t: [[0, 1, 6, 7], [2, 3, 8, 9], [4, 5, 10, 11]], "
    f"got\n{merged}")
x = np.arange(24.0).reshape(2, 2, 6)
assert np.array_equal(merge_heads(split_heads(x, 3)), x), "merge_heads(split_heads(x, 3)) should give x back"
print("merge_heads: sanity checks passed")

# %% [markdown]
# ## Multi-head attention
#
# With both helpers, multi-head attention is five steps:
#
# 1. project: $Q = X W_Q$, $K = X W_K$, $V = X W_V$, each $(\dots, T, d)$ (no biases here, as in Llama);
# 2. cut each into heads with `split_heads`: $(\dots, H, T, d_h)$;
# 3. attention in every head at once: `scaled_dot_product_attention` divides by $\sqrt{d_h}$ (the
#    last axis of a head's queries), **not** by $\sqrt{d}$. Each head's scores have the spread of
#    $d_h$ products, and lesson 05's scaling argument applies per head;
# 4. put the heads back with `merge_heads`: $(\dots, T, d)$;
# 5. mix the heads with the output projection: $\text{merged}\; W_O$.
#
# The optional `mask` (True = keep) is shared by all heads; broadcasting does that for you.
#
# **Exercise 3.** Implement `multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None)`. Call
# your `split_heads` and `merge_heads`. (The grader checks each function on its own. While it grades
# this one, it answers your calls to `split_heads` and `merge_heads` with the course's versions, so a
# mistake in one exercise never costs points in another.)

# %% solution multi_head_attention

# %% tests multi_head_attention
x = np.array([[1.0, 0.0], [0.0, 1.0]])
identity = np.eye(2)
out = multi_head_attention(x, identity, identity, identity, identity, 2)
assert isinstance(out, np.ndarray) and out.shape == (2, 2), f"the output has the shape of x, (2, 2), got {np.shape(out)}"
assert out.dtype == np.float64, f"multi_head_attention should return float64, got {out.dtype}"
# head 0 is column 0 (queries = keys = values = [1, 0]): weights [[0.731, 0.269], [0.5, 0.5]]; head 1 mirrors it
assert np.allclose(out, [[0.73105858, 0.5], [0.5, 0.73105858]]), (
    f"two heads of width 1 (each divided by sqrt(1)): expected [[0.731, 0.5], [0.5, 0.731]], got\n{out}")
rng = np.random.default_rng(0)
x = rng.standard_normal((4, 6))
W_q, W_k, W_v, W_o = (rng.standard_normal((6, 6)) for _ in range(4))
one_head = multi_head_attention(x, W_q, W_k, W_v, W_o, 1)
expected, _ = scaled_dot_product_attention(x @ W_q, x @ W_k, x @ W_v)
assert np.allclose(one_head, expected @ W_o), "with one head, the result is attention(x W_q, x W_k, x W_v) @ W_o"
causal = multi_head_attention(x, W_q, W_k, W_v, W_o, 3, causal_mask(4))
assert np.allclose(causal[0], x[0] @ W_v @ W_o), (
    "under the causal mask position 0 sees only itself: its output is x[0] W_v W_o in every head")
batch = rng.standard_normal((2, 4, 6))
batch_out = multi_head_attention(batch, W_q, W_k, W_v, W_o, 3)
assert np.shape(batch_out) == (2, 4, 6), f"a batch of 2 sentences gives shape (2, 4, 6), got {np.shape(batch_out)}"
assert np.allclose(batch_out[1], multi_head_attention(batch[1], W_q, W_k, W_v, W_o, 3)), (
    "each sentence of a batch must get the result it gets alone")
print("multi_head_attention: sanity checks passed")

# %% [markdown]
# The hand-made model has two heads of width 4. Head 0 resolves "it", as in the first figure. Head 1
# follows grammar: each noun looks back for a determiner, "chased" for the subject "dog", "the" and
# "because" for the verb, and "it" for the conjunction that opens its clause. Each row is one query's
# weights. A row with nothing to look for in a head spreads its weight evenly over the past. Notice
# "llama" in head 1: it splits its weight between "The" and "the". Attention alone does not know
# where the words are, so it cannot tell its own determiner from the first one. Real models add
# positional information for that (lessons 05 and 11).
#
# The merged output for "it" (printed below the figure) now says "an animal noun, most likely the
# subject". Head 0 carried dog's features (and some of llama's) into it, and head 1 added the
# conjunction.

# %% figure
n_heads_sentence = 2
query_heads = split_heads(sentence_x @ sentence_W_q, n_heads_sentence)
key_heads = split_heads(sentence_x @ sentence_W_k, n_heads_sentence)
_, weights_per_head = scaled_dot_product_attention(query_heads, key_heads, key_heads, causal_mask(len(words)))
figure, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
for head, (ax, name) in enumerate(zip(axes, ['head 0: "who is it?"', "head 1: grammar"])):
    image = ax.imshow(weights_per_head[head], cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(words)), words, rotation=45)
    ax.set_yticks(range(len(words)), words)
    ax.set(title=f"Multi-head attention, {name}", xlabel="key (attended to)", ylabel="query (current token)")
figure.colorbar(image, ax=axes, shrink=0.8, label="attention weight")
plt.show()
enriched = multi_head_attention(sentence_x, sentence_W_q, sentence_W_k, sentence_W_v, sentence_W_o,
                                n_heads_sentence, causal_mask(len(words)))
print('"it" after multi-head attention:', ", ".join(f"{name} {value:.2f}" for name, value in zip(features, enriched[-1])))

# %% [markdown]
# ## Sharing keys and values: multi-query and grouped-query attention
#
# Lesson 07's generation loop keeps the keys and values of every earlier position in the **KV
# cache**, so that each new token computes only its own track. For a long text that cache, not the
# computation, becomes the bottleneck. Every layer stores a key and a value vector per head and per
# position, and each generated token has to read all of them from memory again.
#
# - **Multi-head attention**: every query head has its own key and value head.
# - **Multi-query attention** (Shazeer, 2019): all query heads share ONE key head and ONE value head.
#   The cache is $H$ times smaller and generation faster, but quality drops a little.
# - **Grouped-query attention** (Ainslie et al., 2023): the query heads form groups, and each group
#   shares one key/value head. With $H$ query heads and $G$ key/value heads, each group has
#   $H / G$ query heads. Its quality is close to multi-head attention, and its cache is still
#   $H / G$ times smaller. It matters most for large models. Llama 3 uses 8 key/value heads in all
#   its sizes: 32 query heads in 8B (groups of 4), 64 in 70B, 128 in 405B.
#
# The groups are **contiguous**: query head $i$ uses key/value head $i \,/\!/\, (H / G)$. With 8 query
# heads and 2 key/value heads, heads 0-3 read key/value head 0 and heads 4-7 read key/value head 1.
# Only $W_Q$ and $W_O$ keep the full width $H d_h$. $W_K$ and $W_V$ produce $G d_h$ columns, $G$ heads
# of the same width $d_h = d / H$ as the query heads.

# %% figure
from matplotlib.patches import FancyBboxPatch


def head_box(ax, x, y, text, color):
    ax.add_patch(FancyBboxPatch((x - 0.38, y - 0.3), 0.76, 0.6, boxstyle="round,pad=0.03", facecolor=color,
                                edgecolor="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


n_query_heads = 8
figure, axes = plt.subplots(1, 3, figsize=(14, 3.6), layout="constrained")
for ax, (title, n_kv) in zip(axes, [("multi-head attention: 8 key/value heads", 8),
                                    ("grouped-query attention: 2 key/value heads", 2),
                                    ("multi-query attention: 1 key/value head", 1)]):
    group = n_query_heads // n_kv
    kv_x = [group * g + (group - 1) / 2 for g in range(n_kv)]  # each kv head under the middle of its group
    for i in range(n_query_heads):
        ax.plot([i, kv_x[i // group]], [1.7, 0.3], color=f"C{i // group}", linewidth=1.2)
        head_box(ax, i, 2, f"Q{i}", "#c6dbef")
    for g, position in enumerate(kv_x):
        head_box(ax, position, 0, f"K{g}\nV{g}", "#fdd0a2")
    ax.set(xlim=(-0.7, n_query_heads - 0.3), ylim=(-0.6, 2.6), title=title)
    ax.set_xticks([])
    ax.set_yticks([0, 2], ["key/value heads\n(in the KV cache)", "query heads"])
    ax.set_xlabel(f"query head i uses key/value head i // {group}")
plt.show()

# %% [markdown]
# The simplest implementation copies each key/value head once for every query head of its group, and
# then runs ordinary multi-head attention. `np.repeat(a, g, axis=...)` repeats each element `g`
# times in place (`[a, b] -> [a, a, b, b]`: contiguous groups). `np.tile` would give `[a, b, a, b]`,
# the wrong pairing. (Hugging Face's Llama does exactly this with a function called `repeat_kv`.
# Faster kernels read the shared head without copying it.)
#
# **Exercise 4.** Implement `grouped_query_attention(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads,
# mask=None)`. With `n_kv_heads == n_heads` it must equal your multi-head attention, and with
# `n_kv_heads == 1` it is multi-query attention.

# %% solution grouped_query_attention

# %% tests grouped_query_attention
x = np.array([[1.0, 0.0], [0.0, 1.0]])
out = grouped_query_attention(x, np.eye(2), np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]), np.eye(2), 2, 1)
assert isinstance(out, np.ndarray) and out.shape == (2, 2), f"the output has the shape of x, (2, 2), got {np.shape(out)}"
assert out.dtype == np.float64, f"grouped_query_attention should return float64, got {out.dtype}"
# one kv head (keys [1, 0], values [0, 1]) read by both query heads, [1, 0] and [0, 1]
assert np.allclose(out, [[0.26894142, 0.5], [0.5, 0.26894142]]), (
    f"multi-query example of the docstring: expected [[0.269, 0.5], [0.5, 0.269]], got\n{out}")
rng = np.random.default_rng(1)
x = rng.standard_normal((5, 8))  # d = 8, 4 query heads of width 2
W_q, W_o = rng.standard_normal((8, 8)), rng.standard_normal((8, 8))
W_k_full, W_v_full = rng.standard_normal((8, 8)), rng.standard_normal((8, 8))
assert np.allclose(grouped_query_attention(x, W_q, W_k_full, W_v_full, W_o, 4, 4, causal_mask(5)),
                   multi_head_attention(x, W_q, W_k_full, W_v_full, W_o, 4, causal_mask(5))), (
    "with n_kv_heads == n_heads, grouped-query attention is multi-head attention")
W_k, W_v = rng.standard_normal((8, 4)), rng.standard_normal((8, 4))  # 2 kv heads of width 2
# Sharing a kv head is the same as giving every query head of the group a copy of it: kv heads
# [a, b] copied as [a, a, b, b] (contiguous groups) turn grouped-query into multi-head attention.
copied_k = np.repeat(W_k.reshape(8, 2, 2), 2, axis=1).reshape(8, 8)
copied_v = np.repeat(W_v.reshape(8, 2, 2), 2, axis=1).reshape(8, 8)
assert np.allclose(grouped_query_attention(x, W_q, W_k, W_v, W_o, 4, 2, causal_mask(5)),
                   multi_head_attention(x, W_q, copied_k, copied_v, W_o, 4, causal_mask(5))), (
    "query heads 0-1 should use kv head 0 and query heads 2-3 kv head 1 (head i uses kv head i // 2), "
    "not i % 2")
print("grouped_query_attention: sanity checks passed")

# %% [markdown]
# ## How big is the KV cache?
#
# The cache holds, for every layer, every key/value head, every position and every sequence of the
# batch, one key vector and one value vector of $d_h$ numbers:
#
# $$\text{bytes} = 2 \times \text{batch} \times \text{seq\_len} \times n_\text{layers} \times
#   n_\text{kv\_heads} \times d_h \times \text{bytes per value}.$$
#
# The 2 counts keys **and** values. Bytes per value: 2 for bfloat16 or float16, 4 for float32, 1 for
# 8-bit formats. The number of query heads does not appear: queries are used once and thrown away.
#
# The table of "The Llama 3 Herd of Models" (2024), the kind of model description you can now read:
#
# | | 8B | 70B | 405B |
# |---|---|---|---|
# | Layers | 32 | 80 | 126 |
# | Model dimension | 4,096 | 8,192 | 16,384 |
# | FFN dimension | 14,336 | 28,672 | 53,248 |
# | Attention heads | 32 | 64 | 128 |
# | Key/value heads | 8 | 8 | 8 |
# | Peak learning rate | 3e-4 | 1.5e-4 | 8e-5 |
#
# All three use SwiGLU, a vocabulary of 128K tokens and RoPE with θ = 500,000 (lesson 11). The head
# width is 4096 / 32 = 128 in every size. Llama 3 uses grouped-query attention with 8 key/value heads
# to speed up inference and shrink the KV cache. It also uses a mask that stops attention between
# different documents packed into the same sequence.
#
# **Exercise 5.** Implement `kv_cache_bytes(batch, seq_len, n_layers, n_kv_heads, head_dim,
# bytes_per_value)`. Llama 3 8B holding 8192 tokens in bfloat16 needs exactly 1 GiB
# ($2^{30}$ bytes).

# %% solution kv_cache_bytes

# %% tests kv_cache_bytes
size = kv_cache_bytes(1, 8192, 32, 8, 128, 2)
assert isinstance(size, (int, np.integer)), f"return a whole number of bytes (an int), got {size!r}"
assert size == 2 ** 30, f"Llama 3 8B, 8192 tokens, bfloat16: 2^30 = 1,073,741,824 bytes, got {size:,}"
assert kv_cache_bytes(1, 8192, 32, 32, 128, 2) == 4 * 2 ** 30, (
    "with one key/value head per query head (32, no GQA) the cache is 4 times bigger: 4 GiB")
assert kv_cache_bytes(3, 8192, 32, 8, 128, 2) == 3 * 2 ** 30, "every sequence of the batch has its own cache"
assert kv_cache_bytes(1, 1, 1, 1, 1, 1) == 2, "one position, one layer, one head of width 1: a key and a value, 2 bytes"
print("kv_cache_bytes: sanity checks passed")

# %% [markdown]
# The cache grows linearly with the context. Without grouped-query attention, a 70B model serving
# one 128K-token conversation would need more memory for its cache than for its own weights.

# %% figure
GIB = 2 ** 30
context = np.array([2 ** k for k in range(10, 18)])  # 1K .. 128K tokens
models = [("Llama 3 8B", 32, 32, "C0"), ("Llama 3 70B", 80, 64, "C3")]  # (name, layers, query heads, colour)
plt.figure(figsize=(9, 4.8))
for name, n_layers, n_query_heads, color in models:
    for n_kv, style, label in [(8, "-", "8 key/value heads (GQA, as released)"),
                               (n_query_heads, "--", f"{n_query_heads} key/value heads (multi-head)")]:
        sizes = [kv_cache_bytes(1, int(T), n_layers, n_kv, 128, 2) / GIB for T in context]
        plt.plot(context, sizes, style, color=color, marker="o", label=f"{name}, {label}")
plt.axhline(70_553_706_496 * 2 / GIB, color="C3", linestyle=":", label="Llama 3 70B's own weights in bfloat16")
plt.axhline(8_030_261_248 * 2 / GIB, color="C0", linestyle=":", label="Llama 3 8B's own weights in bfloat16")
plt.xscale("log", base=2)
plt.yscale("log", base=2)
plt.yticks([2.0 ** k for k in range(-3, 9)], [f"{2.0 ** k:g}" for k in range(-3, 9)])
plt.xticks(context, [f"{T // 1024}K" for T in context])
plt.xlabel("context length (tokens, one sequence)")
plt.ylabel("KV cache size (GiB, bfloat16)")
plt.title("KV cache of Llama 3 against context length: grouped-query attention saves 4x (8B) and 8x (70B)")
plt.legend(fontsize=8)
plt.show()
for name, n_layers, n_query_heads, _ in models:
    print(f"{name} at 128K tokens: {kv_cache_bytes(1, 131072, n_layers, 8, 128, 2) / GIB:g} GiB with GQA, "
          f"{kv_cache_bytes(1, 131072, n_layers, n_query_heads, 128, 2) / GIB:g} GiB without")

# %% [markdown]
# ## Sparse attention: not every position needs every other one
#
# Full attention over the whole history costs $T^2$ scores, so doubling the context quadruples the
# work. **Sparse attention** lets each position look at only some of the others. Each pattern is a
# mask (True = may attend), drawn as a lower-triangular grid: each row is one processing step and
# shows which earlier positions it sees.
#
# - **Local attention** (a sliding window) looks only at the last few positions, say the last 4.
#   Some models alternate: for example, layers 2, 4 and 6 attend only to the last 4, 16 or 32 tokens,
#   while the layers in between still see everything. Information from farther back still arrives,
#   relayed from layer to layer. Mistral and Gemma use sliding windows.
#
# **Exercise 6.** Implement `sliding_window_mask(T, window)`: query $i$ sees keys
# $i - \text{window} + 1, \dots, i$. The window counts the query itself, so `window = 1` is the
# diagonal alone.

# %% solution sliding_window_mask

# %% tests sliding_window_mask
mask = sliding_window_mask(4, 2)
assert isinstance(mask, np.ndarray) and mask.shape == (4, 4), f"sliding_window_mask(4, 2) is a (4, 4) array, got {mask!r}"
assert mask.dtype == bool, f"a mask is a bool array (True = may attend), got dtype {mask.dtype}"
assert np.array_equal(mask, [[True, False, False, False],
                             [True, True, False, False],
                             [False, True, True, False],
                             [False, False, True, True]]), f"each query sees itself and 1 position back, got\n{mask}"
assert np.array_equal(sliding_window_mask(5, 1), np.eye(5, dtype=bool)), "window 1: every query sees only itself"
assert np.array_equal(sliding_window_mask(5, 9), causal_mask(5)), "a window as long as the text is the causal mask"
print("sliding_window_mask: sanity checks passed")

# %% [markdown]
# Child et al. (2019, "Generating Long Sequences with Sparse Transformers") proposed two patterns
# that keep a path between any two positions in two steps, at a cost of about $T\sqrt{T}$ scores
# instead of $T^2$ when the stride or block is about $\sqrt{T}$:
#
# - **strided**: the last `stride` positions, plus every `stride`-th position before them. Query $i$
#   sees key $j \le i$ when $i - j < \text{stride}$ or $(i - j) \bmod \text{stride} = 0$. It suits data
#   with a period, such as the rows of an image;
# - **fixed**: positions come in blocks of `block` that reset at every block boundary. Query $i$ sees
#   key $j \le i$ of its own block ($j \,/\!/\, \text{block} = i \,/\!/\, \text{block}$) and the last
#   position of every earlier block ($j \bmod \text{block} = \text{block} - 1$). Those last positions
#   act as summaries that every later position can read. It suits text.
#
# **Exercise 7.** Implement `strided_sparse_mask(T, stride)`.

# %% solution strided_sparse_mask

# %% tests strided_sparse_mask
mask = strided_sparse_mask(8, 3)
assert isinstance(mask, np.ndarray) and mask.shape == (8, 8), f"strided_sparse_mask(8, 3) is an (8, 8) array, got {mask!r}"
assert mask.dtype == bool, f"a mask is a bool array (True = may attend), got dtype {mask.dtype}"
assert mask[7].tolist() == [False, True, False, False, True, True, True, True], (
    "query 7 sees keys 5, 6, 7 (less than 3 back) and keys 4 and 1 (3 and 6 back): "
    f"[F, T, F, F, T, T, T, T], got {mask[7].tolist()}")
assert not np.triu(mask, 1).any(), "a query never sees later positions (j > i)"
assert np.array_equal(strided_sparse_mask(6, 1), causal_mask(6)), "stride 1 keeps every earlier position"
print("strided_sparse_mask: sanity checks passed")

# %% [markdown]
# **Exercise 8.** Implement `fixed_sparse_mask(T, block)`.

# %% solution fixed_sparse_mask

# %% tests fixed_sparse_mask
mask = fixed_sparse_mask(8, 3)
assert isinstance(mask, np.ndarray) and mask.shape == (8, 8), f"fixed_sparse_mask(8, 3) is an (8, 8) array, got {mask!r}"
assert mask.dtype == bool, f"a mask is a bool array (True = may attend), got dtype {mask.dtype}"
assert mask[7].tolist() == [False, False, True, False, False, True, True, True], (
    "query 7 (block 2 = positions 6, 7, 8) sees keys 6 and 7 of its block and keys 2 and 5, "
    f"the last of blocks 0 and 1: [F, F, T, F, F, T, T, T], got {mask[7].tolist()}")
assert mask[4].tolist() == [False, False, True, True, True, False, False, False], (
    f"query 4 sees key 2 (end of block 0) and keys 3, 4 of its own block, not key 5 (the future), got {mask[4].tolist()}")
assert np.array_equal(fixed_sparse_mask(5, 9), causal_mask(5)), "one block as long as the text is the causal mask"
print("fixed_sparse_mask: sanity checks passed")

# %% [markdown]
# The four patterns side by side, for 16 positions and a window, stride or block of 4. The printed
# counts show how many scores each pattern computes for a text of 4,096 tokens (with a window,
# stride or block of 64 = $\sqrt{4096}$).

# %% figure
T_grid, size_grid = 16, 4
patterns = [("full (causal)", causal_mask(T_grid)), (f"local: window {size_grid}", sliding_window_mask(T_grid, size_grid)),
            (f"strided: stride {size_grid}", strided_sparse_mask(T_grid, size_grid)),
            (f"fixed: block {size_grid}", fixed_sparse_mask(T_grid, size_grid))]
figure, axes = plt.subplots(1, 4, figsize=(15, 4.2), layout="constrained")
for ax, (name, pattern) in zip(axes, patterns):
    ax.imshow(pattern, cmap="Blues", vmin=0, vmax=1.3)
    ax.set_xticks(np.arange(-0.5, T_grid), minor=True)
    ax.set_yticks(np.arange(-0.5, T_grid), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(range(0, T_grid, size_grid))
    ax.set_yticks(range(0, T_grid, size_grid))
    ax.set(title=name, xlabel="key position j (attended to)", ylabel="query position i (processing step)")
figure.suptitle("Sparse attention patterns (dark = query i attends to key j)")
plt.show()
T_long, size_long = 4096, 64
for name, pattern in [("full (causal)", causal_mask(T_long)), ("local", sliding_window_mask(T_long, size_long)),
                      ("strided", strided_sparse_mask(T_long, size_long)), ("fixed", fixed_sparse_mask(T_long, size_long))]:
    print(f"{name:14s} {int(pattern.sum()):>10,} scores for {T_long:,} tokens")

# %% [markdown]
# ## Ring attention: attention one block at a time
#
# **Ring attention** splits the attention computation into chunks along the sequence and puts the
# chunks on several GPUs arranged in a ring. Each GPU keeps its own chunk of queries. The chunks of
# keys and values travel around the ring, and while a GPU computes with the block it holds, it is
# already sending that block to its neighbour: communication overlaps with computation. After one
# full turn, every query has met every key, and contexts of around a million tokens become possible.
# Flash attention uses the same trick on a single GPU, with blocks small enough to fit in the chip's
# fast on-chip memory.
#
# Both rest on one question: how do you compute a softmax when the keys arrive a block at a time?
# The softmax needs the sum over all keys, and, to be safe from overflow, their maximum. The
# **online softmax** keeps three running quantities per query: the largest score so far $m$, the sum
# $\ell = \sum_j e^{s_j - m}$ and the unnormalised output $o = \sum_j e^{s_j - m} v_j$. When a block
# arrives with scores $s_j$ (already divided by $\sqrt{d_k}$):
#
# $$m' = \max\!\big(m, \max_j s_j\big), \qquad
#   \ell' = \ell\, e^{m - m'} + \sum_{j \in \text{block}} e^{s_j - m'}, \qquad
#   o' = o\, e^{m - m'} + \sum_{j \in \text{block}} e^{s_j - m'} v_j .$$
#
# The factor $e^{m - m'}$ rescales what was summed relative to the old maximum, so that everything
# stays relative to the new one. Forget it, and the result is wrong whenever a later block holds a
# larger score. Start from $m = -\infty$, $\ell = 0$, $o = 0$. At the end, $o / \ell$ is exactly
# $\mathrm{softmax}(s)\,V$, whatever the block size. With `causal=True`, key $j$ is hidden from query
# $i$ when $j > i$, where $j$ is the key's position in the **whole** sequence (the block's start plus
# its index in the block), not its index inside the block.
#
# **Exercise 9.** Implement `blockwise_attention(Q, K, V, block_size, causal=False)`. Loop over the
# key blocks with `range(0, T_k, block_size)`, so that the last, possibly shorter block is not lost.
# Computing full attention in one go would pass these tests too, but it would defeat the purpose:
# write the online update.

# %% solution blockwise_attention

# %% tests blockwise_attention
out = blockwise_attention(np.array([[1.0]]), np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [2.0], [3.0]]), 2)
assert isinstance(out, np.ndarray) and out.shape == (1, 1), f"one query, values of width 1: shape (1, 1), got {np.shape(out)}"
assert out.dtype == np.float64, f"blockwise_attention should return float64, got {out.dtype}"
assert np.isclose(out[0, 0], 2.5752103826), (
    f"softmax([0, 1, 2]) . [1, 2, 3] = 2.5752103826, whatever the blocks; got {out[0, 0]}")
rng = np.random.default_rng(2)
Q, K, V = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 7, 3)), rng.standard_normal((2, 7, 2))
full, _ = scaled_dot_product_attention(Q, K, V)
for block_size in range(1, 9):
    got = blockwise_attention(Q, K, V, block_size)
    assert np.shape(got) == (2, 4, 2), f"block_size={block_size}: expected shape (2, 4, 2), got {np.shape(got)}"
    assert np.allclose(got, full), (
        f"block_size={block_size}: not equal to full attention (7 keys: is the last, shorter block used? "
        "are the running sum and output rescaled when the maximum grows?)")
Q_self, K_self, V_self = rng.standard_normal((6, 3)), rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
full_causal, _ = scaled_dot_product_attention(Q_self, K_self, V_self, causal_mask(6))
for block_size in (1, 2, 4, 6):
    assert np.allclose(blockwise_attention(Q_self, K_self, V_self, block_size, causal=True), full_causal), (
        f"block_size={block_size}, causal: query i must see exactly the keys j <= i, j counted over the whole sequence")
print("blockwise_attention: sanity checks passed")

# %% [markdown]
# On the left, the ring: 4 GPUs each hold one chunk of queries. At every step each GPU works on the
# key/value block it holds and passes it on, so after 4 steps every GPU has seen every block. On the
# right, your blockwise attention against full attention for every block size: the difference is
# only rounding (below $10^{-15}$).

# %% figure
n_devices = 4
schedule = np.array([[(device - step) % n_devices for step in range(n_devices)] for device in range(n_devices)])
figure, (ring_ax, error_ax) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
ring_ax.imshow(schedule, cmap="Pastel1", vmin=0, vmax=8)
for (device, step), block in np.ndenumerate(schedule):
    ring_ax.text(step, device, f"K/V block {block}", ha="center", va="center", fontsize=9)
ring_ax.set_xticks(range(n_devices), [f"step {step}" for step in range(n_devices)])
ring_ax.set_yticks(range(n_devices), [f"GPU {device}\n(queries {device})" for device in range(n_devices)])
ring_ax.set(title="Ring attention: K/V blocks pass from GPU to GPU",
            xlabel="step (while computing, each GPU sends its block on to the next GPU)",
            ylabel="GPU")
rng = np.random.default_rng(3)
T_ring = 64
Q_ring, K_ring, V_ring = (rng.standard_normal((T_ring, 16)) for _ in range(3))
full_output, _ = scaled_dot_product_attention(Q_ring, K_ring, V_ring, causal_mask(T_ring))
block_sizes = np.arange(1, T_ring + 1)
errors = [np.abs(blockwise_attention(Q_ring, K_ring, V_ring, int(b), causal=True) - full_output).max()
          for b in block_sizes]
error_ax.semilogy(block_sizes, np.maximum(errors, 1e-18), "o", markersize=3)
error_ax.axhline(1e-15, color="grey", linestyle=":")
error_ax.set(title=f"Blockwise vs full causal attention, {T_ring} tokens", xlabel="block size",
             ylabel="largest absolute difference", ylim=(1e-18, 1e-12))
plt.show()

# %% [markdown]
# ## Summary
#
# - An **attention head** projects the input vectors into queries, keys and values. **Relevance
#   scoring** is the softmax of query · key (divided by $\sqrt{d_h}$). **Combining information** is
#   the sum of the weighted values.
# - **Multi-head attention** cuts the $d$ columns into $H$ contiguous blocks (`split_heads`), runs
#   every head as a batch, puts the heads back (`merge_heads`) and mixes them with $W_O$.
# - **Multi-query** and **grouped-query attention** share key/value heads between query heads
#   (contiguous groups, `np.repeat`). The KV cache shrinks by $H / G$: 1 GiB instead of 4 for
#   Llama 3 8B at 8192 tokens.
# - **Sparse attention** (local/sliding-window, strided, fixed) computes only some of the $T^2$ scores.
# - The **online softmax** computes exact attention one key block at a time. It is the core of flash
#   attention and of **ring attention**, which spreads long contexts over a ring of GPUs.
#
# Lesson 10 opens a real model, Phi-3-mini, and finds these pieces in its weights.
