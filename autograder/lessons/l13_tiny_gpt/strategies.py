"""Shared material of lesson 13's hidden suites: tiny GPT-2 configurations and their weights, a NumPy
GPT-2 whose usual mistakes can be switched on (to name a student's mistake in the feedback), and the
grader's models that `generate_greedy` decodes with.

The student's TinyGPT lives in the sandbox: the suites build it there (`student.new`), convert it to
float64 (`.double()`), load float64 weights and read its logits back as arrays, so that logits are
compared at 1e-9 with the reference TinyGPT (itself checked against Hugging Face's GPT2LMHeadModel in
tests/lessons/l13_tiny_gpt). Sizes stay tiny: vocabularies of 2-8 tokens, widths 2-6, 1-2 layers.
"""

import math

import numpy as np
import torch
from hypothesis import strategies as st

from autograder.engine.wire import TorchCallable
from autograder.lessons.toolkit import Mismatch, check, expect_close, show

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}

# The reference models here are tiny: with its default thread pool, each torch operation of the grader
# waited ~10 ms for its threads on a busy 2-core machine (a layer norm of 4 numbers), 3 s per grading.
torch.set_num_threads(1)


def gpt_config(vocab_size, n_positions, n_head, head_dim, n_layer, layer_norm_epsilon=1e-5):
    return {"vocab_size": vocab_size, "n_positions": n_positions, "n_embd": n_head * head_dim,
            "n_layer": n_layer, "n_head": n_head, "layer_norm_epsilon": layer_norm_epsilon}


# The docstring's configuration: two heads of width 2 (so that the scale and the head split show),
# five tokens, one layer.
WORKED_CONFIG = gpt_config(5, 4, n_head=2, head_dim=2, n_layer=1)
WORKED_IDS = np.array([[1, 2, 3], [3, 0, 4]])


@st.composite
def gpt_configs(draw, epsilons=(1e-5,)):
    """A tiny GPT-2 configuration (heads of width 2 or 3, so that 1 / sqrt(head_dim) is not 1)."""
    return gpt_config(vocab_size=draw(st.integers(2, 8)), n_positions=draw(st.integers(2, 6)),
                      n_head=draw(st.integers(1, 2)), head_dim=draw(st.integers(2, 3)),
                      n_layer=draw(st.integers(1, 2)), layer_norm_epsilon=draw(st.sampled_from(epsilons)))


@st.composite
def model_cases(draw, epsilons=(1e-5,)):
    """(config, seed of its weights, ids (B, T) int64 with B 1-2 and T up to the context length)."""
    config = draw(gpt_configs(epsilons))
    batch, length = draw(st.integers(1, 2)), draw(st.integers(1, config["n_positions"]))
    values = draw(st.lists(st.integers(0, config["vocab_size"] - 1), min_size=batch * length,
                           max_size=batch * length))
    return config, draw(st.integers(0, 2**16)), np.array(values, dtype=np.int64).reshape(batch, length)


def block_shapes(d):
    return {"ln_1.weight": (d,), "ln_1.bias": (d,), "attn.c_attn.weight": (d, 3 * d), "attn.c_attn.bias": (3 * d,),
            "attn.c_proj.weight": (d, d), "attn.c_proj.bias": (d,), "ln_2.weight": (d,), "ln_2.bias": (d,),
            "mlp.c_fc.weight": (d, 4 * d), "mlp.c_fc.bias": (4 * d,), "mlp.c_proj.weight": (4 * d, d),
            "mlp.c_proj.bias": (d,)}


def state_shapes(config):
    """{key: shape} of GPT2LMHeadModel.state_dict() for `config`, in its order."""
    d, vocab = config["n_embd"], config["vocab_size"]
    shapes = {"transformer.wte.weight": (vocab, d), "transformer.wpe.weight": (config["n_positions"], d)}
    for layer in range(config["n_layer"]):
        shapes.update({f"transformer.h.{layer}.{key}": shape for key, shape in block_shapes(d).items()})
    shapes.update({"transformer.ln_f.weight": (d,), "transformer.ln_f.bias": (d,), "lm_head.weight": (vocab, d)})
    return shapes


def random_weights(config, seed):
    """A float64 state_dict for `config`, keyed as GPT2LMHeadModel's, with lm_head.weight the same array
    as transformer.wte.weight (tied). Scales are chosen so that every mistake shows in the logits:
    embeddings small enough for layer_norm_epsilon to matter, LayerNorm weights away from 1."""
    rng = np.random.default_rng(seed)
    weights = {}
    for key, shape in state_shapes(config).items():
        if key == "lm_head.weight":
            weights[key] = weights["transformer.wte.weight"]
        elif key.endswith(("wte.weight", "wpe.weight")):
            weights[key] = 0.4 * rng.standard_normal(shape)
        elif ".ln_" in key and key.endswith("weight"):
            weights[key] = 1 + 0.3 * rng.standard_normal(shape)
        elif key.endswith("bias"):
            weights[key] = 0.2 * rng.standard_normal(shape)
        else:
            weights[key] = rng.standard_normal(shape) / math.sqrt(shape[0])
    return weights


def reference_logits(ref, config, weights, ids):
    """The reference TinyGPT's logits (float64) with these weights."""
    model = ref.TinyGPT(config).double()
    model.load_state_dict({key: torch.from_numpy(value) for key, value in weights.items()})
    with torch.no_grad():
        return model(torch.from_numpy(ids)).numpy()


# -- a NumPy GPT-2 with switchable mistakes ------------------------------------------------------------
def _layer_norm(x, weight, bias, eps):
    centered = x - x.mean(axis=-1, keepdims=True)
    return weight * centered / np.sqrt((centered ** 2).mean(axis=-1, keepdims=True) + eps) + bias


def _gelu(x, exact):
    if exact:
        return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def _attention(x, w, prefix, n_head, causal, scale, head_split):
    batch, length, d = x.shape
    head_dim = d // n_head
    qkv = x @ w[prefix + "c_attn.weight"] + w[prefix + "c_attn.bias"]

    def heads(part):
        if head_split == "interleaved":  # column c of Q belongs to head c % n_head
            return part.reshape(batch, length, head_dim, n_head).transpose(0, 3, 1, 2)
        return part.reshape(batch, length, n_head, head_dim).transpose(0, 2, 1, 3)

    q, k, v = (heads(qkv[..., i * d:(i + 1) * d]) for i in range(3))
    factor = {"head_dim": 1 / math.sqrt(head_dim), "width": 1 / math.sqrt(d), "none": 1.0}[scale]
    scores = q @ k.transpose(0, 1, 3, 2) * factor
    if causal:
        scores = np.where(np.tril(np.ones((length, length), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    out = weights @ v
    if head_split == "interleaved":
        merged = out.transpose(0, 2, 3, 1).reshape(batch, length, d)
    else:
        merged = out.transpose(0, 2, 1, 3).reshape(batch, length, d)
    return merged @ w[prefix + "c_proj.weight"] + w[prefix + "c_proj.bias"]


def numpy_gpt2(config, w, ids, eps=None, post_norm=False, causal=True, exact_gelu=False, scale="head_dim",
               head_split="blocks", positions=True, final_norm=True):
    """GPT-2's logits (B, T, V) in NumPy float64; each keyword switches on one known mistake."""
    eps = config["layer_norm_epsilon"] if eps is None else eps
    length = ids.shape[1]
    x = w["transformer.wte.weight"][ids] + (w["transformer.wpe.weight"][:length] if positions else 0)
    for layer in range(config["n_layer"]):
        p = f"transformer.h.{layer}."

        def norm(name, h):
            return _layer_norm(h, w[p + name + ".weight"], w[p + name + ".bias"], eps)

        def attention(h):
            return _attention(h, w, p + "attn.", config["n_head"], causal, scale, head_split)

        def mlp(h):
            hidden = _gelu(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], exact_gelu)
            return hidden @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]

        if post_norm:
            x = norm("ln_1", x + attention(x))
            x = norm("ln_2", x + mlp(x))
        else:
            x = x + attention(norm("ln_1", x))
            x = x + mlp(norm("ln_2", x))
    if final_norm:
        x = _layer_norm(x, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
    return x @ w["lm_head.weight"].T


def logits_mistakes(config, weights, ids):
    """{hint: the logits of that mistake} on this input."""
    variants = {
        "GPT-2 is pre-norm: x = x + attn(ln_1(x)), then x = x + mlp(ln_2(x)); normalising after the "
        "residual sum (post-norm, the 2017 Transformer) gives other logits": dict(post_norm=True),
        "the attention must be causal: position i attends to positions j <= i only (mask the scores "
        "above the diagonal with -inf before the softmax)": dict(causal=False),
        "GPT-2's GELU is the tanh form: F.gelu(h, approximate=\"tanh\"), not F.gelu's default exact erf form":
            dict(exact_gelu=True),
        "divide the scores Q K^T by sqrt(head_dim), head_dim = n_embd / n_head": dict(scale="none"),
        "scale by 1 / sqrt(head_dim), the width of ONE head (n_embd / n_head), not of the whole vector":
            dict(scale="width"),
        "head h uses the contiguous columns h*head_dim .. (h+1)*head_dim - 1 of Q, K and V: reshape to "
        "(B, T, n_head, head_dim), not (B, T, head_dim, n_head)": dict(head_split="interleaved"),
        "add the position embeddings: wte(ids) + wpe(positions 0 .. T-1)": dict(positions=False),
        "apply the final layer norm transformer.ln_f before the LM head": dict(final_norm=False),
    }
    if config["layer_norm_epsilon"] != 1e-5:
        variants["every LayerNorm takes its eps from config[\"layer_norm_epsilon\"]: nn.LayerNorm's default "
                 "is 1e-5"] = dict(eps=1e-5)
    return {hint: numpy_gpt2(config, weights, ids, **options) for hint, options in variants.items()}


# -- the student's model, in the sandbox -------------------------------------------------------------------
def load_in_double(student, config, weights):
    """The student's TinyGPT(config), converted with .double() and loaded with `weights` (a handle)."""
    model = student.new("TinyGPT", config)
    model.call("double")
    model.call("load_state_dict", weights, tensors=True)
    return model


def expect_logits(model, config, weights, ids, ref):
    """The model's logits on `ids` equal the reference's at 1e-9; on a difference, the known mistake
    it matches is named."""
    got = model.call("", ids, tensors=True)
    expected = reference_logits(ref, config, weights, ids)
    if isinstance(got, np.ndarray) and got.dtype == np.float32:
        raise Mismatch(f"the logits came back float32: {show(got)}",
                       "the grader converted your model with model.double() and loaded float64 weights, so its "
                       "logits should be float64: something in forward makes float32 tensors (torch.tensor, "
                       "torch.zeros or torch.ones without dtype=x.dtype, or a .float())")
    try:
        expect_close(got, expected, what="logits", **TOLERANCE)
    except Mismatch:
        expect_close(got, expected, what="logits", mistakes=logits_mistakes(config, weights, ids), **TOLERANCE)


def describe_keys(keys, shapes=None):
    keys = sorted(keys)
    shown = [f"{key} {shapes[key]}" if shapes else key for key in keys[:4]]
    return ", ".join(shown) + (f" (and {len(keys) - 4} more)" if len(keys) > 4 else "")


def state_dict_hint(missing, unexpected, transposed):
    if transposed:
        return ("GPT-2's Conv1D stores weight as (in, out) and computes x @ weight + bias: nn.Linear stores "
                "(out, in), so its state_dict holds the transposes")
    if any(key.endswith("wpe.weight") for key in missing):
        return "GPT-2 learns its position embeddings: transformer.wpe = nn.Embedding(n_positions, n_embd)"
    if any("ln_f" in key for key in missing):
        return "GPT-2 has a final layer norm, transformer.ln_f, between the last block and the LM head"
    if "lm_head.weight" in missing:
        return "the LM head is the module lm_head (its weight tied to transformer.wte.weight)"
    if "lm_head.bias" in unexpected:
        return "GPT-2's LM head has no bias: nn.Linear(n_embd, vocab_size, bias=False)"
    if unexpected and not missing:
        return ("GPT2LMHeadModel's state_dict holds parameters only: register a mask buffer with "
                "persistent=False, or build the mask in forward")
    return ("the keys are the names of the module tree: self.transformer = nn.ModuleDict with wte, wpe, "
            "h (an nn.ModuleList of Blocks) and ln_f, then self.lm_head; inside a Block ln_1, attn "
            "(c_attn, c_proj), ln_2, mlp (c_fc, c_proj)")


def expect_gpt2_state_dict(state, config):
    """`state` (what the student's state_dict() returned) has GPT2LMHeadModel's keys and shapes."""
    check(isinstance(state, dict), f"state_dict() should return a dict of tensors, got {show(state)}")
    expected = state_shapes(config)
    got = {key: tuple(np.shape(value)) for key, value in state.items()}
    missing = set(expected) - set(got)
    unexpected = set(got) - set(expected)
    wrong = {key for key in set(expected) & set(got) if got[key] != expected[key]}
    transposed = {key for key in wrong if got[key] == expected[key][::-1]}
    problems = []
    if missing:
        problems.append(f"missing keys: {describe_keys(missing, expected)}")
    if unexpected:
        problems.append(f"keys GPT-2 does not have: {describe_keys(unexpected, got)}")
    if wrong:
        problems.append("wrong shapes: " + ", ".join(f"{key} is {got[key]}, expected {expected[key]}"
                                                     for key in sorted(wrong)[:4]))
    check(not problems, "the state_dict differs from GPT2LMHeadModel's: " + "; ".join(problems),
          state_dict_hint(missing, unexpected, transposed))


# -- the grader's models, for generate_greedy ------------------------------------------------------------
class GraderModel:
    """model(ids): ids a (1, T) array of token ids (the student's torch tensor arrives as an array)
    -> logits (1, T, V) float64 (the student receives a torch tensor)."""

    def __init__(self, logits_of, vocab_size, context, description):
        self.logits_of = logits_of
        self.vocab_size = vocab_size
        self.context = context
        self.description = description

    def __call__(self, ids, *rest, **options):
        if rest or options:
            raise TypeError("model(ids) takes one argument, the (1, T) tensor of token ids")
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.shape[0] != 1 or ids.dtype.kind not in "iu":
            raise ValueError(f"model(ids) takes a (1, T) tensor of token ids (torch.long), got {show(ids)}: "
                             "wrap the list of ids as torch.tensor([ids])")
        if not 1 <= ids.shape[1] <= self.context:
            raise ValueError(f"model(ids) takes between 1 and {self.context} ids (its context length), "
                             f"got {ids.shape[1]}")
        if ids.min() < 0 or ids.max() >= self.vocab_size:
            raise ValueError(f"token ids run from 0 to {self.vocab_size - 1}, got {show(ids)}")
        return self.logits_of(ids.astype(np.int64))

    def __repr__(self):
        return f"<{self.description}>"

    def torch_callable(self):
        """This model as the student's code receives it: called with tensors, answering with tensors."""
        return TorchCallable(self)


def table_model(table, context=8):
    """A bigram model: the logits at position t are row ids[t] of `table` (V, V)."""
    table = np.asarray(table, dtype=np.float64)
    rows = np.array2string(table, separator=", ").replace("\n", "")
    return GraderModel(lambda ids: table[ids], len(table), context,
                       f"a model whose logits at position t are row ids[t] of {rows}")


def gpt_model(ref, config, seed):
    """The reference TinyGPT in float64, with random_weights(config, seed)."""
    model = ref.TinyGPT(config).double()
    model.load_state_dict({key: torch.from_numpy(value) for key, value in random_weights(config, seed).items()})

    def logits_of(ids):
        with torch.no_grad():
            return model(torch.from_numpy(ids)).numpy()

    return GraderModel(logits_of, config["vocab_size"], config["n_positions"],
                       f"a tiny GPT-2 of the grader's (vocab_size {config['vocab_size']}, {config['n_layer']} "
                       f"layer(s), context length {config['n_positions']}, weights of seed {seed})")


def as_torch_model(model):
    """The grader's model as the reference's generate_greedy calls it: tensors in, tensors out."""
    return lambda ids: torch.from_numpy(model(ids.numpy()))
