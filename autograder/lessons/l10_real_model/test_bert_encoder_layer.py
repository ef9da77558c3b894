"""Hidden tests: bert_encoder_layer."""

import math

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import GridValues, Mismatch, check, expect_close, graded, show
from .strategies import (BATCH_MASK, BATCH_SENTENCES, layer_inputs, real_hidden_states, real_layer_arrays,
                         real_layer_weights, small_layer_weights)

RTOL, ATOL = 1e-10, 1e-12
erf = np.vectorize(math.erf, otypes=[float])


class FixedDraws:
    """A stand-in for hypothesis' `draw` that always answers `seed`: fixed worked examples built with
    the suite's own grid of values."""

    def __init__(self, seed):
        self.seed = seed

    def __call__(self, strategy):
        return self.seed


# d = 4 in 2 heads of 2, an MLP 3 wide (not 4: a forgotten transpose there would not even run), 3 tokens,
# eps = 0.5 so that where eps goes and how the variance is taken both show. The seed gives LayerNorm
# weights at least 0.3 from 0 (no output column is blank) and every mistake below a different output.
EXAMPLE_GRID = GridValues(FixedDraws(2041))
EXAMPLE_WEIGHTS = small_layer_weights(EXAMPLE_GRID, 4, 3)
EXAMPLE_H = EXAMPLE_GRID.inputs(3, 4)
PADDED_H = EXAMPLE_GRID.inputs(2, 3, 4)
PADDED_MASK = np.array([[1, 1, 0], [1, 0, 1]])


def layer_variant(h, weights, attention_mask, n_heads=12, eps=1e-12, pre_ln=False, gelu="erf",
                  transpose_qkv=True, transpose_output=True, heads="contiguous", attention_residual=True, mlp_residual=True,
                  scale_by="head_dim", padding="masked", ddof=0, eps_inside=True):
    """bert_encoder_layer, or one of the usual mistakes."""
    def linear(x, name, transpose=True):
        W = weights[name + ".weight"]
        return (x @ W.T if transpose else x @ W) + weights[name + ".bias"]

    def norm(x, name):
        centred = x - x.mean(axis=-1, keepdims=True)
        variance = x.var(axis=-1, ddof=ddof, keepdims=True)
        spread = np.sqrt(variance + eps) if eps_inside else np.sqrt(variance) + eps
        return weights[name + ".weight"] * centred / spread + weights[name + ".bias"]

    *batch, T, d = h.shape
    n = 1 if heads == "one" else n_heads
    head_dim = d // n

    def by_head(x):
        if heads == "interleaved":  # head j takes columns j, j + n, j + 2n, ...
            return np.moveaxis(x.reshape(*batch, T, head_dim, n), -1, -3)
        return np.swapaxes(x.reshape(*batch, T, n, head_dim), -3, -2)

    def merged(x):
        if heads == "interleaved":
            return np.moveaxis(x, -3, -1).reshape(*batch, T, d)
        return np.swapaxes(x, -3, -2).reshape(*batch, T, d)

    def attention(x):
        q, k, v = (by_head(linear(x, f"attention.self.{part}", transpose_qkv))
                   for part in ("query", "key", "value"))
        scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(head_dim if scale_by == "head_dim" else d)
        real = np.asarray(attention_mask, dtype=bool)[..., None, None, :]
        if padding == "masked":
            scores = np.where(real, scores, -np.inf)
        elif padding == "inverted":
            scores = np.where(real, -np.inf, scores)
        elif padding == "added":
            scores = scores + np.asarray(attention_mask, dtype=float)[..., None, None, :]
        exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return linear(merged((exps / exps.sum(axis=-1, keepdims=True)) @ v), "attention.output.dense",
                      transpose_output)

    def mlp(x):
        inner = linear(x, "intermediate.dense")
        if gelu == "tanh":
            activated = 0.5 * inner * (1 + np.tanh(np.sqrt(2 / np.pi) * (inner + 0.044715 * inner ** 3)))
        else:
            activated = 0.5 * inner * (1 + erf(inner / np.sqrt(2)))
        return linear(activated, "output.dense")

    with np.errstate(all="ignore"):
        if pre_ln:
            attended = h + attention(norm(h, "attention.output.LayerNorm"))
            return attended + mlp(norm(attended, "output.LayerNorm"))
        attended = norm((h if attention_residual else 0) + attention(h), "attention.output.LayerNorm")
        return norm((attended if mlp_residual else 0) + mlp(attended), "output.LayerNorm")


LAYOUT_MISTAKES = {
    "BERT is post-LN: LayerNorm(h + attention(h)), then LayerNorm(a + MLP(a)), not h + attention(LayerNorm(h))":
        dict(pre_ln=True),
    "BERT's GELU is the exact one, 0.5 x (1 + erf(x / sqrt(2))), not the tanh approximation": dict(gelu="tanh"),
    "a Linear weight is stored (out, in): query, key, value and attention.output.dense compute x @ W.T + b "
    "(a square weight runs without the transpose, and gives another result)":
        dict(transpose_qkv=False, transpose_output=False),
    "a Linear weight is stored (out, in): query, key and value compute x @ W.T + b, as every Linear does "
    "(a square weight runs without the transpose, and gives another result)": dict(transpose_qkv=False),
    "a Linear weight is stored (out, in): attention.output.dense computes x @ W.T + b, as every Linear does "
    "(a square weight runs without the transpose, and gives another result)": dict(transpose_output=False),
    "head j takes the contiguous columns j * head_dim ... (j + 1) * head_dim - 1 (reshape to (T, n_heads, "
    "head_dim)), not every n_heads-th column": dict(heads="interleaved"),
    "use n_heads heads of d // n_heads, each scaled by 1 / sqrt(head_dim), not one head over all d columns":
        dict(heads="one"),
    "scale the scores by 1 / sqrt(head_dim), the width of one head, not 1 / sqrt(d)": dict(scale_by="d"),
    "add the input back before the first LayerNorm: LayerNorm(h + attention output) (the residual "
    "connection)": dict(attention_residual=False),
    "add the MLP's input back before the last LayerNorm: LayerNorm(a + MLP output)": dict(mlp_residual=False),
    "LayerNorm's variance divides by d, not d - 1 (np.var's default ddof=0)": dict(ddof=1),
    "eps goes inside the square root: sqrt(var + eps), not sqrt(var) + eps": dict(eps_inside=False),
}
PADDING_MISTAKES = {
    "leave padding out: a key whose attention_mask is 0 gets the score -inf before the softmax": dict(padding="none"),
    "attention_mask is 1 for real tokens and 0 for padding: mask the keys where it is 0": dict(padding="inverted"),
    "adding the mask (0 or 1) to the scores does not remove padding: a padded key needs -inf": dict(padding="added"),
}


def known_mistakes(h, weights, attention_mask, n_heads, eps, rows=(), padded=False):
    """{hint: that mistake's output (the real rows only, `rows`, when given)}."""
    mistakes = dict(PADDING_MISTAKES, **LAYOUT_MISTAKES) if padded else LAYOUT_MISTAKES
    wrong = {hint: layer_variant(h, weights, attention_mask, n_heads, eps, **options)
             for hint, options in mistakes.items()}
    return {hint: value[rows] if padded else value for hint, value in wrong.items()}


def call(student, h, weights, attention_mask, n_heads, eps):
    """The student's layer with the default eps where `eps` is None."""
    if eps is None:
        return student.bert_encoder_layer(h, weights, attention_mask, n_heads)
    return student.bert_encoder_layer(h, weights, attention_mask, n_heads, eps)


def expect_real_rows(got, expected, attention_mask, what, mistakes):
    """The rows of the real tokens (attention_mask 1) agree; padding rows are not graded."""
    check(isinstance(got, np.ndarray) and got.shape == expected.shape,
          f"bert_encoder_layer should return an array shaped like h, {expected.shape}, got {show(got)}")
    real = np.asarray(attention_mask, dtype=bool)
    expect_close(got[real], expected[real], rtol=RTOL, atol=ATOL, what=what, mistakes=mistakes(real))


@graded
@given(inputs=layer_inputs())
@example(inputs=(EXAMPLE_H, EXAMPLE_WEIGHTS, np.ones(3, dtype=np.int64), 2, 0.5))
def test_one_sentence(student, ref, inputs):
    """For h (T, d) without padding: post-LN self-attention with n_heads contiguous heads scaled by 1/sqrt(head_dim), add & LayerNorm, exact-erf GELU MLP, add & LayerNorm, every Linear x @ W.T + b, eps as given (1e-12 by default) inside the square root."""
    h, weights, attention_mask, n_heads, eps = inputs
    eps_used = 1e-12 if eps is None else eps
    expect_close(call(student, h, weights, attention_mask, n_heads, eps),
                 ref.bert_encoder_layer(h, weights, attention_mask, n_heads, eps_used), rtol=RTOL, atol=ATOL,
                 what="the layer's output", mistakes=known_mistakes(h, weights, attention_mask, n_heads, eps_used))


@graded
@given(inputs=layer_inputs(padded=True))
@example(inputs=(PADDED_H, EXAMPLE_WEIGHTS, PADDED_MASK, 2, 0.5))
def test_padded_batch(student, ref, inputs):
    """For a batch h (B, T, d) with attention_mask (B, T) (1 = real token, 0 = padding): each real token's output is what it gets when every padding key is left out of its softmax; padding rows are not graded."""
    h, weights, attention_mask, n_heads, eps = inputs
    eps_used = 1e-12 if eps is None else eps
    expected = ref.bert_encoder_layer(h, weights, attention_mask, n_heads, eps_used)
    expect_real_rows(call(student, h, weights, attention_mask, n_heads, eps), expected, attention_mask,
                     "the outputs of the real tokens",
                     lambda real: known_mistakes(h, weights, attention_mask, n_heads, eps_used, real, padded=True))


DEFAULT_MISTAKES = {
    "n_heads defaults to 12 (all-MiniLM-L6-v2 has 12 heads of 32)": dict(n_heads=1),
    "eps defaults to 1e-12, BERT's layer_norm_eps": dict(eps=1e-5),
}


@graded
def test_real_model(student, ref):
    """all-MiniLM-L6-v2's 6 real layers, called with the default n_heads and eps on the padded batch of "The dog chased the llama because it was tired" and "I love llamas", reproduce the real model's hidden states (real tokens)."""
    states = real_hidden_states(ref)
    for n in range(6):
        got = student.bert_encoder_layer(states[n], real_layer_weights(n), BATCH_MASK)
        try:
            expect_real_rows(got, states[n + 1], BATCH_MASK, f"layer {n}'s outputs", lambda real: {})
        except Mismatch:  # the usual mistakes cost a few full layers: worked out only when needed
            arrays = real_layer_arrays(n)
            variants = dict(DEFAULT_MISTAKES, **PADDING_MISTAKES, **LAYOUT_MISTAKES)
            expect_real_rows(got, states[n + 1], BATCH_MASK,
                             f"layer {n}'s outputs for {list(BATCH_SENTENCES)} (real tokens)",
                             lambda real: {hint: layer_variant(states[n], arrays, BATCH_MASK,
                                                               **dict({"n_heads": 12}, **options))[real]
                                           for hint, options in variants.items()})
