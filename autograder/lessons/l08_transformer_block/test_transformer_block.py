"""Hidden tests: transformer_block. While it is graded, the notebook's layer_norm,
causal_self_attention and feed_forward are the course's own: only the block's wiring is graded."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, graded
from .strategies import ONE_HEAD, SEVERAL_HEADS, BLOCK_SHAPES, block_inputs, expect_tight

_rng = np.random.default_rng(8)


def _params(d):
    return {key: _rng.integers(-10, 11, shape(d)) / 10 for key, shape in BLOCK_SHAPES.items()}


# Worked examples: two tokens of width 2 (one head), then width 4 (two heads, eps 0.1); every known
# mistake gives a different answer on them.
TEACHING_ONE_HEAD = (_rng.integers(-20, 21, (2, 2)) / 10, _params(2), 1, None)
TEACHING_TWO_HEADS = (_rng.integers(-20, 21, (2, 4)) / 10, _params(4), 2, 0.1)
TEACHING_BATCH = (_rng.integers(-20, 21, (2, 2, 4)) / 10, *TEACHING_TWO_HEADS[1:])


def block_variant(ref, x, p, n_heads, eps, wiring="pre_norm", swap_norms=False, layer_norm_eps=None, heads=None):
    """The GPT-2 block, or one of the usual mistakes, built from the reference's pieces."""
    first, second = ("ln_2", "ln_1") if swap_norms else ("ln_1", "ln_2")
    norm_eps = eps if layer_norm_eps is None else layer_norm_eps

    def norm(v, name):
        return ref.layer_norm(v, p[f"{name}.weight"], p[f"{name}.bias"], norm_eps)

    def attention(v):
        return ref.causal_self_attention(v, p["attn.c_attn.weight"], p["attn.c_attn.bias"], p["attn.c_proj.weight"],
                                         p["attn.c_proj.bias"], n_heads if heads is None else heads)

    def mlp(v):
        return ref.feed_forward(v, p["mlp.c_fc.weight"], p["mlp.c_fc.bias"], p["mlp.c_proj.weight"],
                                p["mlp.c_proj.bias"])

    if wiring == "post_norm":
        h = norm(x + attention(x), first)
        return norm(h + mlp(h), second)
    if wiring == "parallel":
        return x + attention(norm(x, first)) + mlp(norm(x, second))
    if wiring == "residual_from_normed":
        a = norm(x, first)
        h = a + attention(a)
        b = norm(h, second)
        return b + mlp(b)
    if wiring == "no_attention_residual":
        h = attention(norm(x, first))
        return h + mlp(norm(h, second))
    if wiring == "no_mlp_residual":
        h = x + attention(norm(x, first))
        return mlp(norm(h, second))
    if wiring == "no_residuals":
        return mlp(norm(attention(norm(x, first)), second))
    if wiring == "extra_final_norm":
        h = x + attention(norm(x, first))
        return norm(h + mlp(norm(h, second)), second)
    h = x + attention(norm(x, first))
    return h + mlp(norm(h, second))


def known_mistakes(ref, x, params, n_heads, eps):
    eps = 1e-5 if eps is None else eps
    variants = {
        "GPT-2 is pre-norm: each sub-layer reads layer_norm of the stream and adds to the stream, "
        "x + attention(layer_norm(x)); the stream itself is never normalized": dict(wiring="post_norm"),
        "feed_forward reads the stream after attention was added: h = x + attention(...), then "
        "h + feed_forward(layer_norm(h, ln_2))": dict(wiring="parallel"),
        "the residual connection adds to the stream x itself, not to its normalized copy":
            dict(wiring="residual_from_normed"),
        "add attention's output to its input (residual connection): h = x + causal_self_attention(...)":
            dict(wiring="no_attention_residual"),
        "add the feed-forward output to its input (residual connection): out = h + feed_forward(...)":
            dict(wiring="no_mlp_residual"),
        "each sub-layer adds its result to the stream: x + ..., then h + ... (residual connections)":
            dict(wiring="no_residuals"),
        "the block ends with the second residual addition; the final norm (ln_f) comes after the last block":
            dict(wiring="extra_final_norm"),
        "ln_1 goes before attention, ln_2 before the feed-forward network": dict(swap_norms=True),
    }
    if eps != 1e-5:
        variants["pass eps on to both layer norms (layer_norm(..., eps))"] = dict(layer_norm_eps=1e-5)
    if n_heads > 1:
        variants["pass n_heads on to causal_self_attention"] = dict(heads=1)
    return {hint: block_variant(ref, x, params, n_heads, eps, **options) for hint, options in variants.items()}


def arguments(x, params, n_heads, eps):
    return (x, params, n_heads) if eps is None else (x, params, n_heads, eps)


def expect_block(student, ref, inputs):
    expect_tight(student.transformer_block(*arguments(*inputs)), ref.transformer_block(*arguments(*inputs)),
                 lambda: known_mistakes(ref, *inputs))


@graded
@given(inputs=block_inputs(ONE_HEAD))
@example(inputs=TEACHING_ONE_HEAD)
def test_pre_norm_sublayers_add_to_the_stream(student, ref, inputs):
    """transformer_block(x, params, 1) = h + feed_forward(layer_norm(h, ln_2)) where h = x + causal_self_attention(layer_norm(x, ln_1)), with params keyed as GPT2Block.state_dict()."""
    expect_block(student, ref, inputs)


@graded
@given(inputs=block_inputs(SEVERAL_HEADS, eps=st.sampled_from([1e-3, 0.1, 1.0])))
@example(inputs=TEACHING_TWO_HEADS)
def test_passes_n_heads_and_eps_on(student, ref, inputs):
    """transformer_block(x, params, n_heads, eps) uses n_heads attention heads and the given eps in both layer norms."""
    expect_block(student, ref, inputs)


@graded
@given(inputs=block_inputs(ONE_HEAD + SEVERAL_HEADS, batched=True))
@example(inputs=TEACHING_BATCH)
def test_works_on_batches_and_modifies_nothing(student, ref, inputs):
    """transformer_block works on x of shape (..., T, d) with any leading axes, and modifies neither x nor params."""
    x, params, n_heads, eps = inputs
    x_before = x.copy()
    params_before = {key: value.copy() for key, value in params.items()}
    got, (x_after, params_after, *_) = student.call_and_inputs("transformer_block", *arguments(*inputs))
    expect_tight(got, ref.transformer_block(*arguments(*inputs)), lambda: known_mistakes(ref, *inputs))
    check(np.array_equal(x_after, x_before), "transformer_block modified its argument x (the caller's array)",
          hint="x += ... adds in place, into the caller's array: write h = x + ... instead")
    check(isinstance(params_after, dict) and params_after.keys() == params_before.keys()
          and all(np.array_equal(params_after[key], value) for key, value in params_before.items()),
          "transformer_block modified its argument params (the caller's dict or its arrays)")
