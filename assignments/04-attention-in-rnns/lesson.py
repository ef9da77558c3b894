# %% [markdown]
# # Lesson 04 — Encoding and decoding context with attention (the RNN era)
#
# Word2vec's embeddings are **static embeddings**: "bank" gets the same vector next to "money" and
# next to "river". Yet **context** is essential for language: to translate "bank", or to tell
# whether "saw" is a noun or a verb, a model must look at the words around it.
#
# Before the Transformer (2017), the best machine-translation systems modelled whole sequences with
# **recurrent neural networks (RNNs)**, in two parts (Sutskever, Vinyals & Le 2014; Cho et al.
# 2014). An **encoder** RNN reads the input sentence ("I love llamas"), one token at a time: its
# inputs are static word2vec-style embeddings, but after each token it updates a running summary,
# its **hidden state**, so it takes the whole sentence so far into account. A **decoder** RNN then
# generates the translation ("Ik hou van lama's") one token at a time. Each of its steps is
# **autoregressive**: the token it just produced is fed back as its next input, so it consumes
# everything generated so far (your `generate` of lesson 01 is that loop).
#
# Without attention, the encoder hands the decoder a single vector, the **context embedding** (its
# last hidden state), which must carry the whole sentence: a bottleneck for long sentences.
# **Attention** (Bahdanau, Cho & Bengio 2014; Luong, Pham & Manning 2015) lets the decoder look back
# at the hidden state of *every* input word instead, and focus, at each step, on the words that are
# **relevant** to the word it is producing: words that matter to each other "attend" to each other.
# The figure below is the course's picture of the two designs. The Transformer later kept attention
# and dropped the recurrence, which is why it is worth seeing where attention came from.
#
# In this notebook you will write:
#
# 1. `rnn_step` and `rnn_encode`: an encoder RNN that turns a sentence into one hidden state per token;
# 2. `dot_attention` and `additive_attention`: attention as a soft lookup, with two ways to score;
# 3. `attention_decoder_step`: one step of a decoder that attends to the encoder's hidden states.
#
# **Convention.** Vectors are rows and a weight matrix has shape (inputs, outputs): a vector `x` of
# size `d_in` becomes `x @ W` with `W` of shape `(d_in, d_out)`. A batch of vectors is then simply a
# matrix with one vector per row, and the same code handles both. (PyTorch *stores* its weights the
# other way round, `(out, in)`: our `W` is its `weight.T`.)

# %%
import numpy as np

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch


def box(axes, x, y, text, color, width=1.1, height=0.8):
    """A rounded box centred on (x, y), with its label."""
    axes.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                  facecolor=color, edgecolor="black"))
    axes.text(x, y, text, ha="center", va="center", fontsize=9)


def arrow(axes, start, end, color="black", style="-|>", **kwargs):
    axes.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": style, "color": color, "lw": 1.3, **kwargs})


source_words, target_words = ["I", "love", "llamas"], ["Ik", "hou", "van", "lama's"]
encoder_x, decoder_x = [1.0, 2.6, 4.2], [7.6, 9.2, 10.8, 12.4]
figure, (plain, attending) = plt.subplots(2, 1, figsize=(11, 8))
for axes in (plain, attending):
    axes.set(xlim=(0, 13.2), ylim=(0.3, 6.2))
    axes.set_axis_off()
    for i, (x, word) in enumerate(zip(encoder_x, source_words)):
        box(axes, x, 3.2, "encoder\nRNN", "#c6dbef")
        axes.text(x, 1.0, word, ha="center", fontsize=11)
        arrow(axes, (x, 1.35), (x, 2.75))
        if i:
            arrow(axes, (encoder_x[i - 1] + 0.58, 3.2), (x - 0.58, 3.2))
            axes.text((encoder_x[i - 1] + x) / 2, 3.3, f"$h_{i}$", ha="center", va="bottom", fontsize=9)
    for i, x in enumerate(decoder_x):
        box(axes, x, 3.2, "decoder\nRNN", "#fdd0a2")
        if i:
            arrow(axes, (decoder_x[i - 1] + 0.58, 3.2), (x - 0.58, 3.2))

plain.set_title("Without attention: the whole sentence squeezed into one context embedding")
box(plain, 5.9, 3.2, "context\nembedding", "#fcbba1", width=1.3)
arrow(plain, (4.78, 3.2), (5.22, 3.2))
plain.text(4.98, 3.3, "$h_3$", ha="center", va="bottom", fontsize=9)
arrow(plain, (6.58, 3.2), (7.02, 3.2))
for i, (x, word) in enumerate(zip(decoder_x, target_words)):
    arrow(plain, (x, 3.65), (x, 4.75))
    plain.text(x, 5.0, word, ha="center", fontsize=11, color="tab:red")
    plain.text(x, 1.0, ["<start>", *target_words][i], ha="center", fontsize=11,
               color="dimgray" if i == 0 else "tab:red")
    arrow(plain, (x, 1.35), (x, 2.75))
    if i + 1 < len(decoder_x):  # autoregressive: each output is the next step's input
        arrow(plain, (x + 0.25, 4.9), (decoder_x[i + 1] - 0.25, 1.3), color="tab:red", linestyle="--")
plain.text(10.0, 5.9, "autoregressive: each word produced is fed back as the next input", ha="center",
           fontsize=9, color="tab:red")

attending.set_title("With attention: every hidden state stays available, and each decoder step attends to all of them")
box(attending, 6.7, 5.4, "attention", "#c7e9c0", width=12.2, height=0.7)
for i, x in enumerate(encoder_x):
    arrow(attending, (x, 3.65), (x, 5.0))
    attending.text(x + 0.1, 4.2, f"$h_{i + 1}$", fontsize=9)
for x, word in zip(decoder_x, target_words):
    arrow(attending, (x, 5.0), (x, 3.65), color="tab:green")
    arrow(attending, (x, 2.75), (x, 1.45))
    attending.text(x, 1.0, word, ha="center", fontsize=11, color="tab:red")
arrow(attending, (4.78, 3.2), (7.02, 3.2))
attending.text(5.9, 3.3, "$h_3$ starts the decoder", ha="center", va="bottom", fontsize=9)
plt.show()

# %% [markdown]
# ## 1. The recurrent step
#
# A recurrent neural network (RNN) reads a sequence `x_1, x_2, ..., x_T` (one vector per token, for
# example a word embedding from lesson 03) and updates a hidden state `h` after each one:
#
# $$h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)$$
#
# - `W_xh` (d_in, d_h) brings in the new token; `W_hh` (d_h, d_h) carries over what was read before;
# - the **same** weights are used at every position: an RNN is a loop with a memory, so it handles
#   sentences of any length;
# - `tanh` keeps every entry of the state in (-1, 1), so repeated steps cannot blow up.
#
# `rnn_step` does one update. It must work for one vector `x_t` of shape `(d_in,)` and for a batch
# `(B, d_in)` of independent sequences (row `b` of `h_prev` goes with row `b` of `x_t`) — with
# row vectors and `@` this needs no extra code.

# %% solution rnn_step

# %% tests rnn_step
W_xh = np.array([[0.5, -0.5],
                 [1.0, 1.0]])
h_t = rnn_step(np.array([1.0, 0.0]), np.zeros(2), W_xh, np.eye(2), np.zeros(2))
assert np.shape(h_t) == (2,), f"one input vector gives one state of shape (d_h,) = (2,), got shape {np.shape(h_t)}"
# x_t @ W_xh picks the first row of W_xh
assert np.allclose(h_t, np.tanh([0.5, -0.5])), f"tanh(x_t @ W_xh) = tanh([0.5, -0.5]) = [0.462, -0.462], got {h_t}"
W_hh = np.array([[0.0, 2.0],
                 [0.0, 0.0]])
h_t = rnn_step(np.array([0.0, 0.0]), np.array([1.0, 0.0]), W_xh, W_hh, np.array([0.1, 0.0]))
assert np.allclose(h_t, np.tanh([0.1, 2.0])), (
    f"h_prev @ W_hh + b_h = [0, 2] + [0.1, 0]: expected tanh([0.1, 2]) = [0.0997, 0.964], got {h_t}")
# a batch of 3 inputs and states gives 3 new states, one per row
batch = rnn_step(np.ones((3, 2)), np.zeros((3, 2)), W_xh, np.eye(2), np.zeros(2))
assert np.shape(batch) == (3, 2), f"a batch of 3 inputs gives 3 states, shape (3, 2), got shape {np.shape(batch)}"
assert np.allclose(batch, np.tanh([1.5, 0.5])), f"every row is tanh([1, 1] @ W_xh) = tanh([1.5, 0.5]), got\n{batch}"
print("rnn_step: sanity checks passed")

# %% [markdown]
# ## 2. Encoding a sentence
#
# The encoder runs `rnn_step` along the sentence, left to right, starting from a state `h0` (zeros
# unless given). It returns **all** the states, one per token, stacked in `H_all` of shape
# `(T, d_h)`, and the final one `h_T`:
#
# - row `t` of `H_all` is the state right after reading `x_t`: a summary of the sentence *so far*,
#   colored most by the words just read. `h0` is not a row.
# - `h_T` (= `H_all[-1]`) is meant to summarise the whole sentence: without attention, it is the
#   **context embedding** handed to the decoder.
#
# This is exactly what `torch.nn.RNN(nonlinearity="tanh")` computes for one sequence (with
# `W_xh = weight_ih_l0.T`, `W_hh = weight_hh_l0.T` and `b_h = bias_ih_l0 + bias_hh_l0`).
#
# Worked example with one-number states: `W_xh = W_hh = [[1]]`, no bias, `x = 0.5, 0.5, 0.5`:
# `h_1 = tanh(0.5) = 0.462`, `h_2 = tanh(0.5 + 0.462) = 0.745`, `h_3 = tanh(0.5 + 0.745) = 0.847`.

# %% solution rnn_encode

# %% tests rnn_encode
one = np.array([[1.0]])
result = rnn_encode(np.full((3, 1), 0.5), one, one, np.zeros(1))
assert isinstance(result, tuple) and len(result) == 2, "return a tuple (H_all, h_T)"
H_all, h_T = result
assert np.shape(H_all) == (3, 1) and np.shape(h_T) == (1,), (
    f"3 tokens, d_h = 1: H_all has shape (3, 1) and h_T (1,), got {np.shape(H_all)} and {np.shape(h_T)}")
assert np.allclose(H_all[:, 0], [0.46211716, 0.74521974, 0.84693774]), (
    f"the worked example: states 0.462, 0.745, 0.847 (h0 is not a row), got {H_all[:, 0]}")
assert np.allclose(h_T, H_all[-1]), f"h_T is the last state, H_all[-1] = {H_all[-1]}, got {h_T}"
# starting from h0 = 1 instead of 0 changes the first step: tanh(0.5 + 1)
H_from_one, _ = rnn_encode(np.full((3, 1), 0.5), one, one, np.zeros(1), h0=np.ones(1))
assert np.isclose(H_from_one[0, 0], np.tanh(1.5)), (
    f"with h0 = 1 the first state is tanh(0.5 + 1) = 0.905, got {H_from_one[0, 0]}")
print("rnn_encode: sanity checks passed")

# %% [markdown]
# ## 3. The bottleneck: one vector for a whole sentence
#
# The first neural translators handed the decoder **only `h_T`**, the context embedding: a fixed
# number `d_h` of values, whatever the length of the sentence. Everything the decoder needs — every
# word, its order, its
# role — has to fit through that vector, and words read early have gone through many `tanh` and `W_hh`
# steps since. Cho et al. (2014) measured it: translation quality fell sharply as sentences grew longer.
#
# The figure below uses a random (untrained) RNN. For each sentence length `T` it changes only the
# **first** word and measures how much `h_T` moves (averaged over 10 random sentences). The influence
# of the first word fades exponentially with the distance. Training (and gated cells such as the
# LSTM) slows the fading, but the fixed-size vector remains.

# %% figure
import matplotlib.pyplot as plt

rng = np.random.default_rng(0)
d_in, d_h = 8, 16
W_xh_random = rng.normal(0.0, 1.0 / np.sqrt(d_in), (d_in, d_h))
W_hh_random = rng.normal(0.0, 0.9 / np.sqrt(d_h), (d_h, d_h))
b_h_random = np.zeros(d_h)
lengths = np.arange(1, 31)
change = []
for T in lengths:
    changes_at_T = []
    for _ in range(10):                          # average over a few random sentences
        sentence = rng.normal(size=(T, d_in))
        other_first_word = sentence.copy()
        other_first_word[0] = rng.normal(size=d_in)
        _, h_T = rnn_encode(sentence, W_xh_random, W_hh_random, b_h_random)
        _, h_T_other = rnn_encode(other_first_word, W_xh_random, W_hh_random, b_h_random)
        changes_at_T.append(np.linalg.norm(h_T - h_T_other))
    change.append(np.mean(changes_at_T))
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(lengths, change, "o-")
ax.set_xlabel("sentence length T")
ax.set_ylabel("change of the context embedding h_T")
ax.set_title("Changing the first word: the final state forgets the start of the sentence")
plt.show()

# %% [markdown]
# ## 4. Attention: a soft lookup over the encoder states
#
# The fix: keep **all** the encoder's hidden states `H_all` and let the decoder choose, at every
# step, which ones to read. Think of a Python dict lookup `table[query]`: the query matches one key
# exactly and you get its value. Attention is a *soft* version of it:
#
# 1. **score** the query against every key: how **relevant** is position `j` to what I am looking for?
# 2. turn the scores into **attention weights** with a softmax (lesson 01): positive, summing to 1,
#    largest where the query attends most;
# 3. return the **context**, the weighted average of the values: $c = \sum_j w_j\, v_j$.
#
# Everything is differentiable, so training can teach the network *what* to look for. In RNN
# translation the keys and the values are both the encoder states, and the query is the decoder state.
#
# **Dot-product scores** (Luong): $\text{score}_j = q \cdot k_j$ — high when query and key point the
# same way. For several queries at once (one per row of `query`), `query @ keys.T` gives all the
# scores in one `(n_q, T)` matrix, and the softmax runs along its **last** axis (over positions, once
# per query). No $1/\sqrt{d}$ scaling here: dividing the scores by $\sqrt{d}$ is the Transformer's
# addition (lesson 05).
#
# **Masks.** Sentences in a batch have different lengths, so shorter ones are padded, and padding must
# get no attention at all. A `mask` of booleans says which positions to keep (`True`). Set the scores
# of masked positions to `-inf` *before* the softmax: `exp(-inf)` is exactly 0 and the remaining
# weights still sum to 1. (Setting them to 0, or zeroing weights after the softmax, does not do that.)
# If a query has *every* position masked, there is nothing to attend to: raise a `ValueError` with a
# clear message rather than return NaN or silently uniform weights, which would hide a broken mask.
#
# Write the softmax-with-mask once, in `masked_softmax` (in the same cell), and use it in
# `dot_attention` and later in `additive_attention`.
#
# Worked example: query `[1, 0]`, keys `[1, 0], [0, 1], [2, 0]` give scores `1, 0, 2` and weights
# `0.245, 0.090, 0.665` (the softmax of lesson 01, reordered). With the last position masked, the
# weights are `e/(e+1) = 0.731`, `1/(e+1) = 0.269` and exactly `0`.

# %% solution dot_attention masked_softmax

# %% tests dot_attention
query = np.array([1.0, 0.0])
keys = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])
values = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
result = dot_attention(query, keys, values)
assert isinstance(result, tuple) and len(result) == 2, "return a tuple (context, weights)"
context, weights = result
assert np.shape(context) == (2,) and np.shape(weights) == (3,), (
    f"one query, 3 positions, values of size 2: context (2,) and weights (3,), "
    f"got {np.shape(context)} and {np.shape(weights)}")
assert np.allclose(weights, [0.24472847, 0.09003057, 0.66524096]), (
    f"scores 1, 0, 2 give the weights [0.245, 0.090, 0.665] (no scaling), got {weights}")
assert np.allclose(context, weights @ values), (
    f"the context is the weighted average of the values, {weights @ values}, got {context}")
context, weights = dot_attention(query, keys, values, mask=np.array([True, True, False]))
assert weights[2] == 0.0, f"a masked position gets weight exactly 0 (set its score to -inf), got {weights[2]}"
assert np.allclose(weights, [0.73105858, 0.26894142, 0.0]), (
    f"the kept weights still sum to 1: [0.731, 0.269, 0], got {weights}")
# two queries at once: one row of weights per query
_, both = dot_attention(np.array([[1.0, 0.0], [0.0, 1.0]]), keys, values)
assert np.shape(both) == (2, 3), f"2 queries, 3 positions: weights of shape (2, 3), got {np.shape(both)}"
assert np.allclose(both.sum(axis=1), 1.0), (
    f"each query's weights sum to 1 (softmax over the last axis), got row sums {both.sum(axis=1)}")
try:
    dot_attention(query, keys, values, mask=np.array([False, False, False]))
    raise AssertionError("a fully masked query should raise ValueError")
except ValueError:
    pass
print("dot_attention: sanity checks passed")

# %% [markdown]
# ## 5. Additive scores (Bahdanau)
#
# Bahdanau et al. scored each (query, key) pair with a tiny neural network of one hidden layer:
#
# $$\text{score}_j = v \cdot \tanh(q\, W_q + k_j W_k)$$
#
# `W_q` (d_q, d_a) and `W_k` (d_k, d_a) project the query and each key into a shared space of size
# `d_a` — so the query and the keys may even have different sizes — then `tanh` mixes them and the
# vector `v` (d_a,) reads one number out. The weights and the context are computed exactly as in
# `dot_attention` (same mask rules), only the scores differ.
#
# It is more flexible than a dot product, but costs a `tanh` over a `(n_q, T, d_a)` array. Luong's
# dot product is one matrix product; that is what the Transformer kept.
#
# Broadcasting does the pairing: `(query @ W_q)[..., None, :]` has shape `(1, d_a)` or `(n_q, 1, d_a)`,
# `keys @ W_k` has shape `(T, d_a)`, and their sum has one `d_a`-vector per (query, position) pair.
#
# Worked example: the query and keys of section 4, `W_q = W_k = I`, `v = [1, -1]`: the scores are
# `tanh(2) - tanh(0) = 0.964`, `tanh(1) - tanh(1) = 0` and `tanh(3) - tanh(0) = 0.995`.

# %% solution additive_attention

# %% tests additive_attention
v = np.array([1.0, -1.0])
context, weights = additive_attention(query, keys, values, np.eye(2), np.eye(2), v)
assert np.shape(context) == (2,) and np.shape(weights) == (3,), (
    f"context (2,) and weights (3,), as for dot_attention, got {np.shape(context)} and {np.shape(weights)}")
assert np.allclose(weights, [0.41444466, 0.15805007, 0.42750527]), (
    f"scores 0.964, 0, 0.995 (the worked example) give the weights [0.414, 0.158, 0.428], got {weights}")
assert np.allclose(context, weights @ values), (
    f"the context is the weighted average of the values, {weights @ values}, got {context}")
# the query may have another size than the keys: W_q maps it into the same d_a space
_, weights = additive_attention(np.ones(3), keys, values, np.ones((3, 2)), np.eye(2), v,
                                mask=np.array([True, False, True]))
assert weights[1] == 0.0 and np.isclose(weights.sum(), 1.0), (
    f"masked position 1 gets weight 0 and the others sum to 1, got {weights}")
print("additive_attention: sanity checks passed")

# %% [markdown]
# ## 6. A decoder step with attention
#
# The decoder is an RNN too. At each step it receives the embedding of the token it produced last,
# `y_prev_emb` (this is what makes it autoregressive), and its previous state `s_prev`, and it has
# the encoder's hidden states `H` (T, d_h) to attend to.
# We fix the equations (Luong-style; the decoder state has the encoder's size `d_h`):
#
# ```
# s_new            = tanh(y_prev_emb @ W_ys + s_prev @ W_ss + b_s)
# context, weights = dot_attention(s_new, H, H)
# logits           = concatenate([s_new, context]) @ W_out + b_out
# ```
#
# 1. update the state first — it is an `rnn_step` with the decoder's weights;
# 2. the **new** state asks the question: it is the query, the encoder states are keys and values;
# 3. the prediction reads both what the decoder knows (`s_new`) and what it just looked up (`context`),
#    concatenated in that order into a vector of size `2 d_h`; `W_out` (2 d_h, V) turns it into one
#    raw score per vocabulary token (no softmax: lesson 01's `cross_entropy` or a sampler takes it
#    from there).
#
# (Bahdanau's decoder attends with `s_prev` *before* updating; we pin Luong's order.)
#
# `params` is a dict of arrays with the keys `"W_ys"` (d_e, d_h), `"W_ss"` (d_h, d_h), `"b_s"`
# (d_h,), `"W_out"` (2 d_h, V) and `"b_out"` (V,). Reuse your `rnn_step` and `dot_attention`.

# %% solution attention_decoder_step

# %% tests attention_decoder_step
params = {"W_ys": np.array([[1.0, 0.0]]), "W_ss": np.zeros((2, 2)), "b_s": np.zeros(2),
          "W_out": np.vstack([np.eye(3), np.zeros((1, 3))]), "b_out": np.array([0.0, 0.0, 1.0])}
H = np.eye(2)                                            # two encoder states
result = attention_decoder_step(np.array([1.0]), np.zeros(2), H, params)
assert isinstance(result, tuple) and len(result) == 3, "return a tuple (logits, s_new, attention_weights)"
logits, s_new, weights = result
assert np.shape(logits) == (3,) and np.shape(s_new) == (2,) and np.shape(weights) == (2,), (
    f"logits (V,) = (3,), s_new (d_h,) = (2,), weights (T,) = (2,), "
    f"got {np.shape(logits)}, {np.shape(s_new)}, {np.shape(weights)}")
assert np.allclose(s_new, [np.tanh(1.0), 0.0]), f"s_new = tanh(y_prev_emb @ W_ys) = [0.762, 0], got {s_new}"
assert np.allclose(weights, [0.68169974, 0.31830026]), (
    f"the NEW state attends: softmax(H @ s_new) = softmax([0.762, 0]) = [0.682, 0.318], got {weights}")
# W_out passes s_new[0], s_new[1], context[0] through: [s_new; context], state first
assert np.allclose(logits, [np.tanh(1.0), 0.0, 0.68169974 + 1.0]), (
    f"logits = concat(s_new, context) @ W_out + b_out = [0.762, 0, 1.682] (state first), got {logits}")
print("attention_decoder_step: sanity checks passed")

# %% [markdown]
# ## 7. Watching a decoder attend
#
# A trained translator learns where to look; here we wire a tiny one **by hand** so you can see
# attention work without training. The task: output the source sentence **reversed**.
#
# - Every encoder state holds *what* was read (one dimension per word, set by `W_xh`) and *where*: a
#   counter that `W_hh` moves one slot forward per token (a few dimensions per position, so that the
#   dot products of matching positions stand out).
# - The decoder's state holds only a counter, which `W_ss` moves one slot **backward** per step,
#   starting just after the end of the sentence. Its dot product with the encoder states is largest
#   at the position it has counted down to, so attention finds the words from last to first.
# - `W_out` reads the word dimensions of the context: the output is the word attended to.
#   (`W_ys = 0`: reversing needs no memory of the words already produced.)
#
# The decoder never stores the sentence in its own state: it looks it up. That is what attention
# removed from the bottleneck. The figure is the course's attention map between input words and
# output words: the darker a cell, the more that output word attends to that input word.

# %% figure
words = ["the", "cat", "sat", "on", "mat"]
source = "the cat sat on the mat".split()
POSITIONS, COPIES, STRENGTH = 8, 4, 3.0          # counter slots, dimensions per slot, weight size
d_state = POSITIONS * COPIES + len(words)


def slot(position):
    """The state dimensions of a counter position."""
    return slice(position * COPIES, (position + 1) * COPIES)


def word_dimension(word_id):
    return POSITIONS * COPIES + word_id


def one_hot(index, size):
    vector = np.zeros(size)
    vector[index] = 1.0
    return vector


W_xh_words = np.zeros((len(words), d_state))
for word_id in range(len(words)):
    W_xh_words[word_id, word_dimension(word_id)] = STRENGTH
W_hh_forward = np.zeros((d_state, d_state))
W_ss_backward = np.zeros((d_state, d_state))
for position in range(POSITIONS - 1):
    W_hh_forward[slot(position), slot(position + 1)] = STRENGTH * np.eye(COPIES)
    W_ss_backward[slot(position + 1), slot(position)] = STRENGTH * np.eye(COPIES)
h0_counter = np.zeros(d_state)
h0_counter[slot(0)] = 1.0                        # so the state after word t has its counter in slot t + 1
W_out_words = np.zeros((2 * d_state, len(words)))
for word_id in range(len(words)):
    W_out_words[d_state + word_dimension(word_id), word_id] = 1.0
reverser = {"W_ys": np.zeros((len(words), d_state)), "W_ss": W_ss_backward, "b_s": np.zeros(d_state),
            "W_out": W_out_words, "b_out": np.zeros(len(words))}

X_source = np.stack([one_hot(words.index(word), len(words)) for word in source])
H_source, _ = rnn_encode(X_source, W_xh_words, W_hh_forward, np.zeros(d_state), h0=h0_counter)
state = np.zeros(d_state)
state[slot(len(source) + 1)] = 1.0               # the counter starts one slot after the last word
previous = np.zeros(len(words))
output, attention_rows = [], []
for _ in source:
    logits, state, attention = attention_decoder_step(previous, state, H_source, reverser)
    word_id = int(np.argmax(logits))
    output.append(words[word_id])
    attention_rows.append(attention)
    previous = one_hot(word_id, len(words))

fig, ax = plt.subplots(figsize=(5, 4.5))
image = ax.imshow(np.array(attention_rows), cmap="Blues", vmin=0, vmax=1)
ax.set_xticks(range(len(source)), source)
ax.set_yticks(range(len(output)), output)
ax.set_xlabel("encoder position (source word)")
ax.set_ylabel("decoder step (word produced)")
ax.set_title("Attention weights of each decoder step")
fig.colorbar(image, label="attention weight")
plt.show()
print("decoded:", " ".join(output))

# %% [markdown]
# ## What's next
#
# Attention fixed the bottleneck, but the encoder is still a loop: `h_t` needs `h_{t-1}`, so the
# positions are computed one after another and training cannot be spread in parallel over the
# sentence, and a word's information still travels through many steps to reach its neighbours'
# states. The Transformer (lesson 05) drops the recurrence entirely: every position attends to every
# other position (**self-attention**), all at once, with the dot-product scores you have just written,
# divided by $\sqrt{d}$, plus positions encoded explicitly.
