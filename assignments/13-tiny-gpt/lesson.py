# %% [markdown]
# # Lesson 13 — Conclusion: build and run a tiny GPT in PyTorch
#
# The course told one story. Language first became numbers as a **bag-of-words** (lesson 02), then
# as **static embeddings** learned by word2vec (03); **RNNs** with **attention** gave each word its
# context (04); the **Transformer** kept the attention and dropped the recurrence (05), and split into
# **representation models** such as BERT, which read a whole text to embed it, and **generative
# models** such as GPT, which write one token at a time.
#
# A modern generative LLM, in one breath: a **tokenizer** turns text into token ids (06); the model
# looks up their **token embeddings**; a stack of **Transformer blocks** (08), each a
# **self-attention** layer (09) and a **feedforward network**, with pre-norm, RoPE, grouped-query
# attention (11) and perhaps a mixture of experts (12), updates one track per token; the **LM head**
# scores every token of the vocabulary (07), a **decoding strategy** picks one, and it is appended to
# the input: **autoregressive generation**, made fast by a **KV cache** (07, 09).
#
# In this last notebook you build that machine yourself, at GPT-2's scale of ideas and a toy's scale
# of numbers, in **PyTorch** (the library the real models are written in):
#
# 1. `TinyGPT`, a GPT-2 whose weights are named and laid out exactly as Hugging Face's
#    `GPT2LMHeadModel`, so that the weights of one load into the other;
# 2. `generate_greedy`, the generation loop with **greedy decoding**;
# 3. `train_tiny_gpt`, which trains your model from scratch on a rhyme, one character per token,
#    in seconds on a CPU;
# 4. `memory_footprint`, how much memory the **parameters** of the course's models take.
#
# The architecture is only half of an LLM; the other half is its training data. Your model will read
# one nursery rhyme, 617 characters, so expect it to know exactly that much.
#
# PyTorch works in float32 by default; so do the modules here. Below each figure, an **Expected
# result** cell shows what it draws or prints once your code works.

# %%
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

CONTEXT = 16          # characters a model of train_tiny_gpt sees at once: its context length (n_positions)
BATCH_SIZE = 16       # windows per training step
LEARNING_RATE = 1e-2  # AdamW's step size


def char_config(vocab_size):
    """The configuration of train_tiny_gpt's model: a TinyGPT of about 27,000 parameters."""
    return {"vocab_size": vocab_size, "n_positions": CONTEXT, "n_embd": 32, "n_layer": 2, "n_head": 4,
            "layer_norm_epsilon": 1e-5}

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

LABEL_X = 2.95  # where the lesson labels start, right of the block's frame


def box(axes, y, text, color, lesson, height=0.62):
    """A rounded box centred on (0, y), with its label and, on the right, the lesson that opened it."""
    axes.add_patch(FancyBboxPatch((-2.2, y - height / 2), 4.4, height, boxstyle="round,pad=0.04",
                                  facecolor=color, edgecolor="black"))
    axes.text(0, y, text, ha="center", va="center", fontsize=9)
    axes.text(LABEL_X, y, lesson, ha="left", va="center", fontsize=8, color="#333333")


def arrow(axes, start, end):
    axes.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "lw": 1.3})


BUILT, GIVEN = "#c7e9c0", "#f0f0f0"
figure, axes = plt.subplots(figsize=(10, 8.4))
axes.set(xlim=(-6.0, 7.6), ylim=(-0.6, 10.7))
axes.set_title("A decoder-only LLM, each box labelled by the lesson that opened it\n"
               "(green: what you implement in this notebook)", fontsize=11)
axes.set_axis_off()
axes.add_patch(FancyBboxPatch((-2.65, 2.45), 5.3, 4.9, boxstyle="round,pad=0.05", facecolor="#fafafa",
                              edgecolor="black", linewidth=1.5))
axes.text(-2.8, 7.3, "Transformer block\nx n_layer (h.0, h.1, ...)", ha="right", va="top", fontsize=9,
          style="italic")
layers = [
    (0.6, "tokenizer: text -> token ids", GIVEN, "06 tokenizers (here: one id per character)", 0.62),
    (1.65, "token + position embeddings (wte, wpe)", BUILT, "03 embeddings, 05 positions (11: RoPE)", 0.62),
    (3.0, "layer norm (ln_1)", BUILT, "08 layer normalization (11: RMSNorm)", 0.5),
    (3.85, "masked self-attention (attn)", BUILT, "08-09 self-attention, heads (11: GQA)", 0.62),
    (4.75, "+", BUILT, "08 residual connection", 0.4),
    (5.55, "layer norm (ln_2)", BUILT, "08 layer normalization", 0.5),
    (6.4, "feedforward network (mlp)", BUILT, "08 FFNN (11: SwiGLU, 12: MoE)", 0.62),
    (7.1, "+", BUILT, "08 residual connection", 0.35),
    (8.1, "final layer norm (ln_f)", BUILT, "08 layer normalization", 0.62),
    (9.05, "LM head: a score for every token", BUILT, "07 LM head (tied to wte)", 0.62),
    (10.0, "decoding strategy: greedy", BUILT, "07 greedy, temperature, top-p", 0.62),
]
for y, text, color, lesson, height in layers:
    box(axes, y, text, color, lesson, height)
for (low, low_height), (high, high_height) in zip([(-0.3, 0.3)] + [(y, h) for y, *_, h in layers],
                                                   [(y, h) for y, *_, h in layers]):
    arrow(axes, (0, low + low_height / 2 + 0.04), (0, high - high_height / 2 - 0.05))
for bottom, plus in ((2.55, 4.75), (5.05, 7.1)):  # the residual paths skip around each sublayer
    axes.plot([-2.45, -2.45], [bottom, plus], color="black", lw=1.3)
    arrow(axes, (-2.45, plus), (-2.25, plus))
axes.text(0, 10.5, 'next token: " star"', ha="center", fontsize=10)
axes.plot([-1.3, -5.2, -5.2], [10.5, 10.5, -0.3], color="black", lw=1.3)
arrow(axes, (-5.2, -0.3), (-2.45, -0.3))
axes.text(0, -0.3, 'prompt: "Twinkle, twinkle, little"', ha="center", va="center", fontsize=10)
axes.text(-5.45, 5.0, "appended to the input: autoregressive generation (07: a KV cache keeps the old tracks)",
          rotation=90, ha="center", va="center", fontsize=8.5)
plt.show()

# %% [markdown]
# ## From NumPy to PyTorch in five facts
#
# Until now you wrote every layer as a NumPy function of its weights. PyTorch packs the weights and
# the function together:
#
# - a layer is a subclass of `nn.Module`: its `__init__` creates its weights as `nn.Parameter`s (or
#   smaller modules), and its `forward(x)` computes the output; `layer(x)` calls `forward`;
# - every parameter gets a **name**, the path of attributes that leads to it. If a model has
#   `self.transformer`, which holds `h`, a list whose item 0 holds `attn`, which holds `c_attn`, that
#   layer's weight is called `transformer.h.0.attn.c_attn.weight`. `model.state_dict()` is the dict
#   of all of them, and `model.load_state_dict(weights)` fills them from such a dict, refusing any
#   missing or unexpected name and any wrong shape;
# - so **the names of the attributes are the file format**. Write your modules with GPT-2's names and
#   shapes, and GPT-2's weights load into them;
# - tensors work like NumPy arrays (`x @ W`, `x.reshape(...)`, `x.transpose(1, 2)`, `softmax(dim=-1)`),
#   and PyTorch records how each was computed, so `.backward()` on a loss fills `.grad` on every
#   parameter: no hand-written gradients as in lesson 03;
# - a module computes in the dtype of its parameters: float32 when built, float64 after
#   `model.double()`.
#
# GPT-2, the model whose layout you copy, is lesson 08's pre-norm decoder block stacked `n_layer`
# times, between the token and position embeddings and the LM head. Its linear layers are called
# `Conv1D` in Hugging Face's code (a historical name: they are plain matrix products) and store
# their weight as **(in, out)**, so that $y = xW + b$ with no transpose. PyTorch's own `nn.Linear`
# stores **(out, in)** and computes $xW^\top + b$: the same layer, with a state_dict GPT-2's weights
# do not fit. Start there.

# %% solution Conv1D

# %% [markdown]
# ## The pieces of a Transformer block
#
# Next, lesson 08's **self-attention** as a module. Its one projection `c_attn` gives each track its
# query, key and value (the columns $Q \,|\, K \,|\, V$, each `n_embd` wide), split into `n_head`
# heads of `head_dim = n_embd / n_head` columns. Per head, **relevance scoring** and **combining
# information** are
#
# $$\mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{\text{head\_dim}}} + M\right) V,
# \qquad M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}$$
#
# with the causal mask $M$ that keeps a track from reading the future. The heads are put back side
# by side and mixed by `c_proj`. Then the **feedforward network**: `c_fc` widens each vector four
# times, GELU (in GPT-2's tanh form), and `c_proj` brings it back.

# %% solution CausalSelfAttention

# %% solution MLP

# %% [markdown]
# A **Transformer block** wraps the two in **layer normalization** and **residual connections**, in
# GPT-2's pre-norm order (lesson 08):
#
# $$x \leftarrow x + \mathrm{attn}(\mathrm{ln\_1}(x)), \qquad x \leftarrow x + \mathrm{mlp}(\mathrm{ln\_2}(x)).$$
#
# Every layer norm takes its $\varepsilon$ from the configuration (`layer_norm_epsilon`), not from
# PyTorch's default.

# %% solution Block

# %% [markdown]
# ## Exercise 1: `TinyGPT`, the whole model
#
# The model puts the pieces in GPT-2's order and under GPT-2's names:
#
# ```
# TinyGPT
# ├── transformer
# │   ├── wte    nn.Embedding(vocab_size, n_embd)     token embeddings
# │   ├── wpe    nn.Embedding(n_positions, n_embd)    learned position embeddings, one per position
# │   ├── h      nn.ModuleList of n_layer Blocks      h.0, h.1, ...
# │   └── ln_f   nn.LayerNorm(n_embd)                 the final layer norm
# └── lm_head    logits = h @ wte^T                   tied: its weight IS wte's weight
# ```
#
# `forward(ids)` adds the token embedding of each id to the position embedding of its place
# $0, 1, \dots, T-1$, runs the blocks, `ln_f` and the LM head, and returns logits for every
# position: position $t$'s row scores the token that comes after token $t$.
#
# The LM head reuses the token embedding matrix (**weight tying**, as GPT-2): the score of token $v$
# is the dot product of the final vector with $v$'s own embedding. Tie them by making `lm_head.weight`
# the *same* parameter as `transformer.wte.weight`, not a copy: then there is one matrix, one
# gradient, and `state_dict()` lists it under both names, exactly as GPT-2 does.
#
# The **context length** `n_positions` bounds the sequence: there is no position embedding beyond
# it. The hidden grader builds your class with many small configurations, compares the names and
# shapes of its `state_dict()` with GPT-2's, converts it with `.double()`, loads weights and compares
# its logits with GPT-2's to 1e-9, and checks the tie.

# %% solution TinyGPT

# %% tests TinyGPT
config = {"vocab_size": 5, "n_positions": 4, "n_embd": 4, "n_layer": 1, "n_head": 2, "layer_norm_epsilon": 1e-5}
layer = Conv1D(2, 3)
assert tuple(layer.weight.shape) == (2, 3) and tuple(layer.bias.shape) == (3,), (
    f"Conv1D(2, 3) stores weight as (in, out) = (2, 3) and bias as (3,), got {tuple(layer.weight.shape)} "
    f"and {tuple(layer.bias.shape)}")
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    layer.bias.copy_(torch.tensor([0.0, 0.0, 1.0]))
    out = layer(torch.tensor([[1.0, -1.0]]))
assert torch.allclose(out, torch.tensor([[1.0, -1.0, 1.0]])), f"Conv1D computes x @ weight + bias: expected [[1, -1, 1]], got {out}"

torch.manual_seed(0)
attention = CausalSelfAttention(config)
x = torch.randn(1, 3, 4)
later_changed = x.clone()
later_changed[0, 2] += 1.0
with torch.no_grad():
    before, after = attention(x), attention(later_changed)
assert before.shape == (1, 3, 4), f"CausalSelfAttention keeps the shape (B, T, n_embd) = (1, 3, 4), got {tuple(before.shape)}"
assert torch.allclose(before[0, :2], after[0, :2], atol=1e-6), (
    "changing the token at position 2 changed the attention outputs at positions 0 and 1: mask the future")
assert not torch.allclose(before[0, 2], after[0, 2]), "changing the token at position 2 should change its own output"

expected_shapes = {
    "transformer.wte.weight": (5, 4), "transformer.wpe.weight": (4, 4),
    "transformer.h.0.ln_1.weight": (4,), "transformer.h.0.ln_1.bias": (4,),
    "transformer.h.0.attn.c_attn.weight": (4, 12), "transformer.h.0.attn.c_attn.bias": (12,),
    "transformer.h.0.attn.c_proj.weight": (4, 4), "transformer.h.0.attn.c_proj.bias": (4,),
    "transformer.h.0.ln_2.weight": (4,), "transformer.h.0.ln_2.bias": (4,),
    "transformer.h.0.mlp.c_fc.weight": (4, 16), "transformer.h.0.mlp.c_fc.bias": (16,),
    "transformer.h.0.mlp.c_proj.weight": (16, 4), "transformer.h.0.mlp.c_proj.bias": (4,),
    "transformer.ln_f.weight": (4,), "transformer.ln_f.bias": (4,), "lm_head.weight": (5, 4),
}
model = TinyGPT(config)
shapes = {key: tuple(value.shape) for key, value in model.state_dict().items()}
assert set(shapes) == set(expected_shapes), (
    f"state_dict() keys differ from GPT-2's: missing {sorted(set(expected_shapes) - set(shapes))}, "
    f"unexpected {sorted(set(shapes) - set(expected_shapes))}")
wrong = {key: shape for key, shape in shapes.items() if shape != expected_shapes[key]}
assert not wrong, f"wrong shapes (GPT-2's Conv1D weights are (in, out)): {wrong}"
assert model.lm_head.weight is model.transformer.wte.weight, "lm_head.weight should be transformer.wte.weight itself (tied)"
n_params = sum(p.numel() for p in model.parameters())
assert n_params == 288, f"TinyGPT(config) should hold 288 parameters (the tied LM head adds none), got {n_params}"
logits = model(torch.tensor([[1, 2, 3]]))
assert isinstance(logits, torch.Tensor) and logits.shape == (1, 3, 5), (
    f"TinyGPT(config)(ids) of shape (1, 3) returns logits of shape (1, 3, 5), got {logits!r}")
assert model.double()(torch.tensor([[1, 2, 3]])).dtype == torch.float64, (
    "after model.double() the logits should be float64: create no float32 tensors of your own in forward")
print("TinyGPT: sanity checks passed")

# %% [markdown]
# ## Your model, with GPT-2's code beside it
#
# The cell below builds a small random `GPT2LMHeadModel` with Hugging Face's `transformers`, offline
# (no download: the weights are random, the architecture is GPT-2's), loads its `state_dict()` into
# your `TinyGPT` and compares their logits in float64. It also counts the parameters of GPT-2 small
# (124 million) with your class, built on PyTorch's `meta` device, which records shapes without
# allocating any memory.

# %% figure
from transformers import GPT2Config, GPT2LMHeadModel

CONFIG_KEYS = ("vocab_size", "n_positions", "n_embd", "n_layer", "n_head", "layer_norm_epsilon")
gpt2_config = GPT2Config(vocab_size=50, n_positions=16, n_embd=32, n_layer=2, n_head=4)
gpt2 = GPT2LMHeadModel(gpt2_config).double().eval()
torch.manual_seed(0)
for parameter in gpt2.parameters():  # livelier than GPT-2's own initialisation (std 0.02)
    nn.init.normal_(parameter, std=0.3)
mine = TinyGPT({key: getattr(gpt2_config, key) for key in CONFIG_KEYS}).double()
loaded = mine.load_state_dict(gpt2.state_dict())
print(f"GPT-2's {len(gpt2.state_dict())} tensors loaded: missing {loaded.missing_keys}, "
      f"unexpected {loaded.unexpected_keys}")
ids = torch.tensor([[3, 14, 15, 9, 26, 5]])
with torch.no_grad():
    difference = (mine(ids) - gpt2(ids).logits).abs().max().item()
print(f"largest difference between your logits and GPT-2's: {difference:.1e}")
print(f"parameters: yours {sum(p.numel() for p in mine.parameters()):,}, GPT-2's {gpt2.num_parameters():,}")
with torch.device("meta"):
    small = TinyGPT({"vocab_size": 50257, "n_positions": 1024, "n_embd": 768, "n_layer": 12, "n_head": 12,
                     "layer_norm_epsilon": 1e-5})
print(f"GPT-2 small built with your class: {sum(p.numel() for p in small.parameters()):,} parameters")

# %% [markdown]
# ## Exercise 2: `generate_greedy`, autoregressive generation
#
# A generative model writes **one token at a time**. Run it on the sequence so far; the logits of the
# **last** position score every token of the vocabulary as the next one; **greedy decoding** takes
# the highest (temperature 0 in lesson 07's terms; on a tie, the lowest id, as `torch.argmax` does);
# append it and run again:
#
# ```
# [T, w]            -> model -> logits (1, 2, V) -> argmax of the last row -> i
# [T, w, i]         -> model -> logits (1, 3, V) -> argmax of the last row -> n
# [T, w, i, n]      -> ...
# ```
#
# This loop runs the whole sequence again at every step: step $n$ recomputes $n - 1$ tracks whose
# keys and values have not changed. A **KV cache** (lesson 07's `generate_cached`) keeps them and
# feeds only the new token; here we keep the loop plain. It also stops when the sequence fills the
# **context length**; real models then drop the oldest tokens or refuse. Inside the loop no
# gradient is needed: `with torch.no_grad():` saves PyTorch the bookkeeping.
#
# The grader calls your function with its own models (a tiny GPT-2 and bigram tables), which take a
# `(1, T)` tensor of ids and return `(1, T, V)` logits, exactly as your `TinyGPT` does.

# %% solution generate_greedy

# %% tests generate_greedy
table = torch.tensor([[0.0, 1.0, 2.0], [2.0, 0.0, 1.0], [1.0, 2.0, 0.0]])


def bigram_model(ids):
    """Logits (1, T, 3): at position t, row ids[0, t] of `table` (it looks at each token alone)."""
    assert isinstance(ids, torch.Tensor) and ids.ndim == 2 and ids.shape[0] == 1, (
        f"a model takes a (1, T) tensor of ids, e.g. torch.tensor([ids]), got {ids!r}")
    return table[ids]


result = generate_greedy(bigram_model, [2, 0], 3)
assert result == [2, 0, 2, 1, 0], f"generate_greedy(bigram_model, [2, 0], 3) should be [2, 0, 2, 1, 0], got {result}"
assert all(type(token) is int for token in result), f"return a list of Python ints (int(...)), got {result!r}"
assert generate_greedy(bigram_model, [1], 0) == [1], "with max_new_tokens=0 the prompt comes back unchanged"
table = torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
result = generate_greedy(bigram_model, [0], 3)
assert result == [0, 0, 0, 0], f"on a tie take the lowest id: expected [0, 0, 0, 0], got {result}"
print("generate_greedy: sanity checks passed")

# %% [markdown]
# Your loop should pick exactly the tokens of Hugging Face's own greedy `generate` on the random GPT-2
# above (told not to stop at an end-of-text token, which a random model may well pick):

# %% figure
prompt = [3, 14, 15]
with torch.no_grad():
    theirs = gpt2.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                           do_sample=False, max_new_tokens=10, eos_token_id=None, pad_token_id=0)[0].tolist()
print("Hugging Face's generate:", theirs)
print("your generate_greedy:   ", generate_greedy(mine, prompt, 10))
print("your generate_greedy on GPT-2 itself:", generate_greedy(lambda ids: gpt2(ids).logits, prompt, 10))

# %% [markdown]
# ## Exercise 3: `train_tiny_gpt`, from random weights to a rhyme
#
# Training is lesson 01's idea at scale: show the model text, ask it for the **next token** at every
# position, and lower the cross-entropy of its predictions by gradient descent. To keep it to
# seconds on a CPU our **tokenizer** is the simplest one: every character is a token, and the
# vocabulary is the sorted set of characters of the text.
#
# Each step takes `BATCH_SIZE` windows of `CONTEXT` characters at random places in the text. A window
# is the input; the same window shifted one character right is the target, so position $t$ learns
# the character after it, and one forward pass trains `CONTEXT` predictions at once (the causal mask
# keeps each from seeing its answer):
#
# ```
# text      T w i n k l e ,   t w i n k l e ...
# input     T w i n k l e ,        (ids[s : s + CONTEXT])
# target    w i n k l e ,   t      (ids[s + 1 : s + CONTEXT + 1])
# ```
#
# The loss is the mean cross-entropy over every position of the batch,
# $\mathcal{L} = -\frac{1}{BT}\sum_{b,t} \log p(\text{target}_{b,t} \mid \text{input}_{b, \le t})$
# (`F.cross_entropy` on the logits flattened to `(B*T, V)`). Then the three lines of every PyTorch
# training step: zero the old gradients, backpropagate (`.backward()` on the loss), and take the
# optimiser's step (AdamW, a refined gradient descent). An untrained model spreads its probability
# evenly, a loss of $\ln V$; a model that has learned the rhyme gets close to 0.
#
# Seed PyTorch's random numbers with `seed` first: the initial weights and the windows are random,
# and the grader checks that the same seed gives the same run. It trains on the first stanza of
# `twinkle.txt` for 150 steps and wants a loss below 1.0 nats per character, from the last losses
# and from the model you return, which it asks to predict each character of the stanza.

# %% solution train_tiny_gpt

# %% tests train_tiny_gpt
model, losses = train_tiny_gpt("abcabcabc" * 4, 50, seed=0)
assert isinstance(model, TinyGPT), f"train_tiny_gpt returns (model, losses) with model the trained TinyGPT, got {model!r}"
assert isinstance(losses, list) and len(losses) == 50, f"losses should be a list of 50 floats (one per step), got {losses!r}"
assert all(type(loss) is float for loss in losses), "each loss should be a Python float: loss.item()"
assert abs(losses[0] - math.log(3)) < 0.3, (
    f"an untrained TinyGPT (std 0.02 weights) should start near ln 3 = 1.10 on three characters, got {losses[0]:.3f}")
assert losses[-1] < 0.1, f"after 50 steps on 'abcabc...' the loss should be near 0, got {losses[-1]:.3f}"
_, again = train_tiny_gpt("abcabcabc" * 4, 50, seed=0)
assert again == losses, "the same seed should give the same losses: call torch.manual_seed with the seed before anything random"
print("train_tiny_gpt: sanity checks passed")

# %% [markdown]
# Now the real thing: the whole rhyme, `twinkle.txt` (Jane Taylor, "The Star", 1806), 617 characters,
# 800 steps (a few seconds). Before training, the model's greedy continuations are noise; after it,
# the rhyme comes back, mostly: 16 characters of context are not always enough to know which
# stanza you are in.

# %% figure
from pathlib import Path

rhyme = Path("twinkle.txt").read_text(encoding="utf-8")  # beside this notebook
characters = sorted(set(rhyme))


def continue_text(model, start):
    """The model's greedy continuation of `start`, up to CONTEXT characters in all."""
    ids = generate_greedy(model, [characters.index(c) for c in start], CONTEXT - len(start))
    return "".join(characters[i] for i in ids)


torch.manual_seed(0)
untrained = TinyGPT(char_config(len(characters)))
trained_model, rhyme_losses = train_tiny_gpt(rhyme, 800, seed=0)
starts = ["Twinkle", "How I", "Up above", "When the", "Then the", "In the", "As your"]
for title, model in (("before training", untrained), ("after 800 steps", trained_model)):
    print(f"{title}:")
    for start in starts:
        print(f"  {start!r:12} -> {continue_text(model, start)!r}")
plt.figure(figsize=(7, 3.6))
plt.plot(rhyme_losses, linewidth=0.8, label="loss of each step's batch")
plt.axhline(math.log(len(characters)), color="grey", linestyle="--", label=f"ln V = ln {len(characters)} (uniform guess)")
plt.title("Training TinyGPT on twinkle.txt, one character per token")
plt.xlabel("step")
plt.ylabel("cross-entropy (nats per character)")
plt.legend()
plt.show()

# %% [markdown]
# The weights you trained are GPT-2 weights: the same names, the same shapes, the same computation.
# Hugging Face's `GPT2LMHeadModel` runs them with its own code:

# %% figure
their_model = GPT2LMHeadModel(GPT2Config(**char_config(len(characters)))).eval()
their_model.load_state_dict(trained_model.state_dict())
start = [characters.index(c) for c in "Twinkle"]
with torch.no_grad():
    ids = their_model.generate(torch.tensor([start]), attention_mask=torch.ones(1, len(start), dtype=torch.long),
                               do_sample=False, max_new_tokens=CONTEXT - len(start), eos_token_id=None,
                               pad_token_id=0)[0].tolist()
print("GPT2LMHeadModel with your weights:", repr("".join(characters[i] for i in ids)))
print("your TinyGPT:                     ", repr(continue_text(trained_model, "Twinkle")))

# %% [markdown]
# ## Exercise 4: `memory_footprint`, what a model weighs
#
# Your model has about 27,000 **parameters**; the course's models have billions, and each parameter
# takes memory according to the number format it is stored in:
#
# | dtype | bits | bytes per parameter | used for |
# | --- | --- | --- | --- |
# | `fp32` | 32 | 4 | training (PyTorch's default) |
# | `fp16` | 16 | 2 | inference on GPUs |
# | `bf16` | 16 | 2 | training and inference: fp32's range, fewer digits |
# | `int8` | 8 | 1 | quantized inference |
# | `int4` | 4 | 0.5 | quantized inference: two parameters per byte |
#
# So Llama 3 8B (8.03 billion parameters) takes about 16 GB in bf16 and 4 GB in int4, and Mixtral
# 8x7B must load all 46.7 billion parameters of its experts even though only 12.9 billion are active
# for each token (lesson 12). An odd number of int4 parameters leaves half a byte, which still
# occupies a whole byte: round up. This counts the weights only: running a model also needs memory
# for its activations and its KV cache (lesson 09's `kv_cache_bytes`), and training needs the
# gradients and the optimiser's state too.

# %% solution memory_footprint

# %% tests memory_footprint
assert memory_footprint(8_030_261_248, "bf16") == 16_060_522_496, "Llama 3 8B in bf16: 2 bytes per parameter"
assert memory_footprint(7, "fp32") == 28 and memory_footprint(7, "fp16") == 14 and memory_footprint(7, "int8") == 7, (
    "fp32, fp16 and int8 take 4, 2 and 1 bytes per parameter")
assert memory_footprint(7, "int4") == 4, f"7 int4 parameters take 3.5 bytes, rounded up to 4, got {memory_footprint(7, 'int4')!r}"
assert type(memory_footprint(8, "int4")) is int, "return an int number of bytes (n_params / 2 is a float)"
try:
    memory_footprint(7, "fp64")
    raise AssertionError("memory_footprint(7, 'fp64') should raise ValueError: fp64 is not one of the five dtypes")
except ValueError:
    pass
print("memory_footprint: sanity checks passed")

# %% figure
tiny = TinyGPT(char_config(37))  # the size of the model you trained: twinkle.txt has 37 distinct characters
models = {"TinyGPT (yours)": sum(parameter.numel() for parameter in tiny.parameters()),
          "GPT-2 small": 124_439_808, "Phi-3-mini": 3_821_079_552, "Llama 3 8B": 8_030_261_248,
          "Mixtral 8x7B": 46_702_792_704, "Llama 3 70B": 70_553_706_496}
dtypes = ["fp32", "bf16", "int8", "int4"]
positions = np.arange(len(models))
plt.figure(figsize=(9, 4.2))
for k, dtype in enumerate(dtypes):
    sizes = [memory_footprint(n, dtype) / 1e9 for n in models.values()]
    plt.bar(positions + (k - 1.5) * 0.2, sizes, width=0.2, label=dtype)
for gigabytes, device in ((24, "24 GB: a large consumer GPU"), (80, "80 GB: a data-centre GPU")):
    plt.axhline(gigabytes, color="black", linestyle=":", linewidth=1)
    plt.text(-0.45, gigabytes * 1.15, device, fontsize=8)
plt.yscale("log")
plt.ylim(top=3e4)  # room for the legend above the tallest bars
plt.xticks(positions, list(models), fontsize=8)
plt.ylabel("memory of the weights (GB, log scale)")
plt.title("Memory of the parameters alone, by dtype")
plt.legend(ncol=4, fontsize=8, loc="upper left")
plt.show()

# %% [markdown]
# ## What you built
#
# You wrote a GPT from its parts: **token embeddings**, **Transformer blocks** of **self-attention**
# and a **feedforward network**, the **LM head**, and **autoregressive generation** with **greedy
# decoding**, under GPT-2's names, so that GPT-2's weights run in your code and yours in GPT-2's.
# You trained it, and sized its big siblings. What separates it from the models of the course is not
# new machinery but what lessons 06-12 showed:
#
# - a learned subword **tokenizer** (BPE, lesson 06) instead of characters, with a vocabulary of
#   tens of thousands of tokens;
# - a **KV cache** in the generation loop (07), so that each new token costs one track, not all;
# - sampling with temperature or top-p instead of greedy decoding (07);
# - RoPE instead of learned positions, RMSNorm, SwiGLU and grouped-query attention (09, 11), and
#   perhaps a mixture of experts (12);
# - and scale: billions of parameters, a **context length** of thousands of tokens, trillions of
#   tokens of training data, then fine-tuning to follow instructions.
#
# And **representation models** such as BERT are built from the same blocks, without the causal
# mask and read for their contextualized embeddings rather than for the next token: the two
# families of lesson 05 are one architecture put to two uses. Congratulations on finishing the
# course.
