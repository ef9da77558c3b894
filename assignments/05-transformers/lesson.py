# %% [markdown]
# # Lesson 05 — Transformers: Attention Is All You Need, BERT, GPT
#
# In lesson 04 attention was an add-on: a recurrent network read the sentence one token at a time,
# and the decoder attended over its hidden states. The **Transformer** (Vaswani et al., 2017,
# "Attention Is All You Need") keeps the attention and drops the recurrence: it is made of attention
# and feedforward neural networks only, every token looks at every other token directly, and all
# positions are processed in parallel, so it trains much faster on GPUs and scales to far bigger
# models.
#
# **The original Transformer** is, like lesson 04's translator, an encoder and a decoder, but each is
# a stack of blocks (stacking makes both stronger; the figure below redraws the course's picture):
#
# - an **encoder block** runs **self-attention**, attention within one sequence, so that each token's
#   embedding is updated with what the other input tokens say, then a feedforward neural network.
#   The input embeddings start as random values (training finds good ones, no word2vec needed); the
#   outputs are **contextualized embeddings**, one per token, each depending on the whole sentence
#   ("bank" by a river and "bank" in a city now get different vectors);
# - a **decoder block** runs **masked self-attention** over the words generated so far, then
#   attention over the encoder's output, then a feedforward network, and the stack predicts the next
#   word.
#
# **Two families** came out of it:
#
# - **BERT** (Devlin et al., 2018) is **encoder-only**, a **representation model**: it reads the
#   whole text at once, every token seeing both its left and its right, and outputs contextualized
#   embeddings. A **[CLS]** (classification) token is added at the start of the input, and its output
#   vector stands for the whole input. BERT is trained in two steps: **pre-training** by **masked
#   language modeling** on a large corpus such as Wikipedia (hide some words, predict them from both
#   sides), then **fine-tuning** on a task such as classification, where a small classifier reads
#   the [CLS] vector;
# - **GPT** (Radford et al., 2018) is **decoder-only**, a **generative model**: a stack of decoder
#   blocks (masked self-attention and a feedforward network, no encoder) that sees only the past, so
#   it can be trained to predict the next token and then generate text one token at a time (lesson
#   01's loop): "I love" -> "llamas". GPT-1 had 117 million parameters; its successors GPT-2 (1.5
#   billion), GPT-3 (175 billion) and GPT-3.5 (behind ChatGPT, 2022) set off the wave of LLMs.
#
# In this notebook you implement the pieces that make them work: the attention itself, the mask that
# makes self-attention "masked" in a decoder, the positional encodings that tell attention where each
# token is, the learning-rate schedule the paper trained with, and BERT's masked-language-model
# corruption. Below each figure, an **Expected result** cell shows what it looks like once your
# functions work.

# %%
import numpy as np

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch


def box(axes, x, y, text, color, width=3.0, height=0.55):
    """A rounded box centred on (x, y), with its label."""
    axes.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                  facecolor=color, edgecolor="black"))
    axes.text(x, y, text, ha="center", va="center", fontsize=9)


def block(axes, x, y, layers, name):
    """A Transformer block: its layers bottom to top inside a frame, 'x N' beside it (stacked N times).
    Returns the height of its top."""
    height = 0.7 * len(layers) + 0.25
    axes.add_patch(FancyBboxPatch((x - 1.75, y), 3.5, height, boxstyle="round,pad=0.05", facecolor="#f0f0f0",
                                  edgecolor="black", linewidth=1.5))
    for i, (label, color) in enumerate(layers):
        box(axes, x, y + 0.48 + 0.7 * i, label, color)
    axes.text(x + 1.9, y + height / 2, "x N", fontsize=10, va="center")
    axes.text(x, y + height + 0.12, name, ha="center", va="bottom", fontsize=9, style="italic")
    return y + height


def arrow(axes, start, end):
    axes.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "lw": 1.3})


def stack(axes, x, text_in, layers, name, text_out):
    """Input text -> a block stacked N times -> output text, drawn bottom to top; returns the block's top."""
    axes.text(x, 0.35, text_in, ha="center", fontsize=10)
    top = block(axes, x, 1.2, layers, name)
    arrow(axes, (x, 0.65), (x, 1.2))
    arrow(axes, (x, top + 0.35), (x, top + 0.85))
    axes.text(x, top + 1.0, text_out, ha="center", va="bottom", fontsize=10)
    return top


ATTENTION, MASKED, CROSS, FEEDFORWARD = "#c6dbef", "#fdd0a2", "#dadaeb", "#c7e9c0"
encoder_layers = [("self-attention", ATTENTION), ("feedforward network", FEEDFORWARD)]
decoder_layers = [("masked self-attention", MASKED), ("feedforward network", FEEDFORWARD)]
figure, (original, bert, gpt) = plt.subplots(1, 3, figsize=(14, 5.4), gridspec_kw={"width_ratios": [2.1, 1, 1]})
for axes in (original, bert, gpt):
    axes.set(xlim=(0, 5.2), ylim=(0, 5.9))
    axes.set_axis_off()
original.set(xlim=(0, 11), title="The Transformer (2017): encoder and decoder stacks")
top = stack(original, 2.5, '"I love llamas"', encoder_layers, "encoder block", "contextualized\nembeddings")
stack(original, 8.2, '"Ik hou van" (so far)',
      [("masked self-attention", MASKED), ("attention to the encoder", CROSS), ("feedforward network", FEEDFORWARD)],
      "decoder block", 'next word: "lama\'s"')
arrow(original, (3.4, top + 1.2), (6.45, 1.2 + 0.48 + 0.7))
bert.set_title("BERT: encoder-only\n(representation model)")
top = stack(bert, 2.3, '"[CLS] I love llamas"', encoder_layers, "encoder block",
            "one contextualized\nembedding per token")
box(bert, 2.3, top + 2.3, "classifier reads [CLS]\n(fine-tuning)", "#fcbba1", height=0.8)
arrow(bert, (2.3, top + 1.6), (2.3, top + 1.88))
gpt.set_title("GPT: decoder-only\n(generative model)")
stack(gpt, 2.3, '"I love"', decoder_layers, "decoder block", 'next token: "llamas"')
plt.show()

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
# "Self"-attention means $Q$, $K$ and $V$ all come from the same sequence: each token's embedding is
# updated with information from the other tokens of its own sentence, which is what turns static
# token embeddings into contextualized embeddings. Before computing it, we decide *which keys each
# query may see*.
#
# ## Who may look at whom: the causal mask (GPT) versus bidirectional attention (BERT)
#
# A mask is a bool matrix, one row per query and one column per key: `mask[i, j]` True means query
# $i$ may attend to key $j$ (**True = keep**, the convention of PyTorch's
# `scaled_dot_product_attention`). BERT uses no mask over real tokens: each word is understood from
# both sides, which is why it cannot generate text. GPT is trained to predict token $i + 1$ from
# tokens $0..i$; if position $i$ could peek at $i + 1$ the task would be trivial and useless at
# generation time, when the future does not exist yet. So a decoder lets query $i$ see keys
# $j \le i$ only: itself and its past. This is **masked self-attention**: the mask removes everything
# above the diagonal of the attention pattern. Thanks to it, one forward pass over a sequence of
# length $T$ trains $T$ next-token predictions at once.
#
# **Exercise 1.** Build that mask.

# %% solution causal_mask

# %% tests causal_mask
mask = causal_mask(3)
assert isinstance(mask, np.ndarray) and mask.shape == (3, 3), f"causal_mask(3) is a (3, 3) array, got {mask!r}"
assert mask.dtype == bool, f"your causal_mask returns {mask.dtype}: a mask is a bool array (True = may attend)"
assert np.array_equal(mask, [[True, False, False],
                             [True, True, False],
                             [True, True, True]]), f"True on and below the diagonal (j <= i), got\n{mask}"
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
#   `np.swapaxes(K, -1, -2)` transposes the keys of every batch item (`K.T` would reverse *all* axes,
#   which goes unnoticed on 2-D inputs; the visible test below has a batch of two sentences).
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
result = scaled_dot_product_attention(Q, K, V)
assert isinstance(result, tuple) and len(result) == 2, "return a tuple (output, weights)"
output, weights = result
assert np.shape(output) == (2, 1) and np.shape(weights) == (2, 2), (
    f"2 queries, 2 keys, values of size 1: output (2, 1) and weights (2, 2), "
    f"got {np.shape(output)} and {np.shape(weights)}")
assert output.dtype == np.float64, f"your attention returns {output.dtype}: the course works in float64"
# scores Q K^T / sqrt(2) = [[1.414, 1.414], [1.414, -1.414]]
assert np.allclose(weights, [[0.5, 0.5], [0.94419278, 0.05580722]]), (
    "softmax of the scores Q K^T / sqrt(2) = [[1.414, 1.414], [1.414, -1.414]] is [[0.5, 0.5], [0.944, 0.056]], "
    f"got\n{weights}")
assert np.allclose(output, [[15.0], [10.55807219]]), f"output = weights @ V = [[15], [10.558]], got\n{output}"
output, weights = scaled_dot_product_attention(Q, K, V, mask=causal_mask(2))
assert np.allclose(weights, [[1.0, 0.0], [0.94419278, 0.05580722]]), (
    f"under the causal mask query 0 sees only key 0: weights [[1, 0], [0.944, 0.056]], got\n{weights}")
assert np.allclose(output, [[10.0], [10.55807219]]), f"output under the mask: [[10], [10.558]], got\n{output}"
# A batch of two sentences: each must get exactly the attention it gets alone.
Q2 = np.stack([Q, np.array([[1.0, 0.0], [0.0, 1.0]])])
K2 = np.stack([K, np.array([[2.0, 0.0], [0.0, 3.0]])])
V2 = np.stack([V, np.array([[1.0], [-1.0]])])
batch_output, batch_weights = scaled_dot_product_attention(Q2, K2, V2)
assert np.shape(batch_output) == (2, 2, 1) and np.shape(batch_weights) == (2, 2, 2), (
    f"a batch of 2: output (2, 2, 1) and weights (2, 2, 2), got {np.shape(batch_output)} and {np.shape(batch_weights)}")
for b in range(2):
    alone_output, alone_weights = scaled_dot_product_attention(Q2[b], K2[b], V2[b])
    assert np.allclose(batch_weights[b], alone_weights) and np.allclose(batch_output[b], alone_output), (
        f"batch item {b} gets other weights than alone: transpose only the last two axes of K "
        "(np.swapaxes(K, -1, -2)); K.T reverses all of them")
broadcast_output, _ = scaled_dot_product_attention(np.stack([Q, Q, Q]), K, V)
assert np.shape(broadcast_output) == (3, 2, 1), (
    f"3 query sets against shared keys: output (3, 2, 1), got {np.shape(broadcast_output)}")
try:
    scaled_dot_product_attention(Q, K, V, mask=np.array([[True, True], [False, False]]))
    raise AssertionError("a query with no key left should raise ValueError (softmax over no keys is 0/0)")
except ValueError as error:
    print("fully masked row ->", error)
print("scaled_dot_product_attention: sanity checks passed")

# %% [markdown]
# Self-attention on a real sentence, the course's "The dog chased the llama because it was tired".
# A trained model learns its queries and keys; here we write them by hand from each word's role, so
# that the pattern can be read. A key says what a word is (a determiner, an animal noun, a verb, a
# pronoun...), a query what the word looks for: "chased" looks for animals (who chased whom), "it"
# for the animal it may refer to, "was" and "tired" for their subject "it", "The" and "the" for a
# noun. Each row of the figure is one query's attention weights over the keys.
#
# On the left, bidirectional self-attention, as in BERT's encoder: "The" and "the" look ahead to
# the nouns (which noun is theirs, only positions could tell), and "chased" finds both animals. On
# the right, masked self-attention, as in GPT's decoder: the
# causal mask zeroes everything above the diagonal, so "chased" sees only "dog", and "The", with
# nothing before it, can only attend to itself. In both, "it" splits its attention between "dog"
# and "llama": resolving which one it is takes more than one attention step.

# %% figure
roles = ["determiner", "noun", "animal", "verb", "pronoun", "adjective", "conjunction"]
sentence = [  # (token, what it is: its key, what it looks for: its query)
    ("The", {"determiner"}, {"noun"}), ("dog", {"noun", "animal"}, {"verb"}),
    ("chased", {"verb"}, {"animal"}), ("the", {"determiner"}, {"noun"}),
    ("llama", {"noun", "animal"}, {"verb"}), ("because", {"conjunction"}, {"verb"}),
    ("it", {"pronoun"}, {"animal"}), ("was", {"verb"}, {"pronoun"}), ("tired", {"adjective"}, {"pronoun"}),
]
words = [word for word, _, _ in sentence]
keys = np.array([[3.0 * (role in is_a) for role in roles] for _, is_a, _ in sentence])
queries = np.array([[3.0 * (role in wants) for role in roles] for _, _, wants in sentence])
_, bidirectional = scaled_dot_product_attention(queries, keys, keys)
_, masked = scaled_dot_product_attention(queries, keys, keys, mask=causal_mask(len(words)))
figure, axes = plt.subplots(1, 2, figsize=(12.5, 5), layout="constrained")
for ax, weights, title in [(axes[0], bidirectional, "BERT-style self-attention (no mask)"),
                           (axes[1], masked, "GPT-style masked self-attention (causal mask)")]:
    image = ax.imshow(weights, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(words)), words, rotation=45)
    ax.set_yticks(range(len(words)), words)
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query (attending)")
    ax.set_title(title)
figure.colorbar(image, ax=axes, shrink=0.8, label="attention weight")
plt.show()

# %% [markdown]
# ## Positional encodings: telling attention where each token is
#
# Attention itself ignores order: without a mask, shuffle the tokens and every token gets the same
# output as before, just shuffled along (a weighted sum does not care in which order it adds). "The
# dog bit the man" and "the man bit the dog" would look alike. Without recurrence, the Transformer
# therefore gets word order from a **positional encoding**: it adds to each token's embedding a
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
# A model has one position vector per position it handles, and it is trained up to a maximum number
# of tokens: its **context length** (512 tokens for BERT, 128k for recent LLMs). Representation and
# generative models alike are capped by it, and for a generative model it counts the prompt plus
# every token generated so far: "Tell me something about llamas" followed by the answer so far,
# "Llamas are", already fills about 8 tokens of the window.
#
# **Exercise 3.** Build the table. Careful with the exponent: the pair index $i$ appears as $2i$,
# which is the number of the pair's *even* column, for both columns of the pair.

# %% solution sinusoidal_positions

# %% tests sinusoidal_positions
table = sinusoidal_positions(2, 6)
assert np.shape(table) == (2, 6), f"2 positions, d_model = 6: a (2, 6) table, got shape {np.shape(table)}"
assert table.dtype == np.float64, f"your sinusoidal_positions returns {table.dtype}: the course works in float64"
assert np.allclose(table[0], [0, 1, 0, 1, 0, 1]), f"position 0: sin 0 = 0 and cos 0 = 1 in every pair, got {table[0]}"
# position 1: frequencies 1/10000^(0/6), 1/10000^(2/6), 1/10000^(4/6) = 1, 0.0464, 0.00215
expected = [np.sin(1), np.cos(1), np.sin(0.04641589), np.cos(0.04641589), np.sin(0.00215443), np.cos(0.00215443)]
assert np.allclose(table[1], expected), (
    f"position 1, frequencies 1, 0.0464, 0.00215 (one per pair): expected {np.round(expected, 4)}, "
    f"got {np.round(table[1], 4)}")
print("sinusoidal_positions: sanity checks passed")

# %% figure
positions_table = sinusoidal_positions(100, 128)
plt.figure(figsize=(10, 4))
plt.imshow(positions_table, aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
plt.xlabel("dimension (pairs of sin, cos; frequency falls to the right)")
plt.ylabel("position")
plt.title("Sinusoidal positional encodings, d_model = 128")
plt.colorbar(label="value added to the embedding")
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
peak = transformer_lr(4000, 512)
assert isinstance(peak, float), f"return a Python float (float(...)), got {type(peak).__name__}"
assert np.isclose(peak, 512 ** -0.5 * 4000 ** -0.5), f"the peak, at step 4000 with d_model 512, is 6.988e-4, got {peak}"
first = transformer_lr(1, 512)
assert np.isclose(first, 512 ** -0.5 * 4000 ** -1.5), (
    f"step 1 is tiny: 1 * 4000^-1.5 / sqrt(512) = 1.747e-7, got {first}")
assert transformer_lr(2000, 512) < peak > transformer_lr(8000, 512), "the rate rises until warmup_steps, then falls"
short = transformer_lr(10, 512, warmup_steps=10)
assert np.isclose(short, 512 ** -0.5 * 10 ** -0.5), (
    f"with warmup_steps=10 the peak is at step 10: 1.398e-2, got {short}")
try:
    transformer_lr(0, 512)
    raise AssertionError("step 0 should raise ValueError: steps count from 1")
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
# A bidirectional encoder cannot be trained to predict the next token: it sees it. BERT's
# pre-training instead uses **masked language modeling**: hide some tokens and ask the model to
# recover them from both sides (a cloze test). After this pre-training on a large corpus, BERT is
# fine-tuned for the task at hand. In each sequence 15%
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
result = mlm_corrupt(ids, special, select_u, action_u, random_ids, mask_id=103)
assert isinstance(result, tuple) and len(result) == 2, "return a tuple (inputs, labels)"
inputs, labels = result
assert isinstance(inputs, np.ndarray) and inputs.dtype.kind == "i", f"inputs are an int array, got {inputs!r}"
assert isinstance(labels, np.ndarray) and labels.dtype.kind == "i", f"labels are an int array, got {labels!r}"
# [CLS] and [SEP] are protected; 7 -> [MASK]; 8 not selected; 9 -> random 42; 10 selected but kept
assert np.array_equal(inputs, [101, 103, 8, 42, 10, 102]), (
    f"[CLS] and [SEP] stay; 7 -> [MASK] 103; 8 is not selected; 9 -> random 42; 10 is kept: "
    f"expected [101, 103, 8, 42, 10, 102], got {inputs}")
assert np.array_equal(labels, [-100, 7, -100, 9, 10, -100]), (
    f"the original id where selected, -100 elsewhere: expected [-100, 7, -100, 9, 10, -100], got {labels}")
assert np.array_equal(ids, [101, 7, 8, 9, 10, 102]), "mlm_corrupt changed its input ids: work on a copy"
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
plt.xlabel("what happened to a token")
plt.ylabel("fraction")
plt.title(f"mlm_corrupt on {n_tokens:,} tokens with p = 0.15")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - The Transformer is a stack of encoder blocks feeding a stack of decoder blocks, made of
#   attention and feedforward networks, with no recurrence: it trains in parallel.
# - Self-attention mixes the values of the keys each query may see, with softmax weights of the
#   scaled dot products $q \cdot k / \sqrt{d_k}$; the scaling keeps the softmax from saturating. Its
#   outputs are contextualized embeddings.
# - A mask chooses who sees whom: masked self-attention in a decoder (GPT, a generative model) or
#   bidirectional attention in an encoder (BERT, a representation model, whose [CLS] vector stands
#   for the whole input).
# - Attention is blind to order; positional encodings put the order back in, up to the model's
#   context length.
# - Transformers are trained with a warm-up learning rate.
# - BERT's pre-training is masked language modeling: recover the selected 15% of tokens, corrupted
#   80/10/10; fine-tuning then adapts it to a task.
#
# Lesson 08 assembles these pieces into a full Transformer block.
