"""Strategies and comparisons shared by the hidden suites of lesson 08, the Transformer block.

Sizes stay small (widths up to 6, up to 5 tokens) so that a failing input can be read. Inputs lie
in [-2, 2] and weights in [-1, 1] on a 0.1 grid. Comparisons are tight (1e-10): GELU's exact erf
form differs from the pinned tanh form by about 1e-4, and eps outside the square root by less.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.lessons.toolkit import GridValues, Mismatch, draw_arrays, expect_close

TOLERANCE = {"rtol": 1e-10, "atol": 1e-12}

# (d, n_heads) with n_heads dividing d: several heads, down to heads of width 1.
SEVERAL_HEADS = [(2, 2), (4, 2), (4, 4), (6, 2), (6, 3), (3, 3)]
ONE_HEAD = [(d, 1) for d in range(1, 7)]

# The keys of Hugging Face's GPT2Block.state_dict(), with their shapes for a width d.
BLOCK_SHAPES = {
    "ln_1.weight": lambda d: (d,), "ln_1.bias": lambda d: (d,),
    "attn.c_attn.weight": lambda d: (d, 3 * d), "attn.c_attn.bias": lambda d: (3 * d,),
    "attn.c_proj.weight": lambda d: (d, d), "attn.c_proj.bias": lambda d: (d,),
    "ln_2.weight": lambda d: (d,), "ln_2.bias": lambda d: (d,),
    "mlp.c_fc.weight": lambda d: (d, 4 * d), "mlp.c_fc.bias": lambda d: (4 * d,),
    "mlp.c_proj.weight": lambda d: (4 * d, d), "mlp.c_proj.bias": lambda d: (d,),
}


def expect_tight(got, expected, mistakes, rtol=TOLERANCE["rtol"], atol=TOLERANCE["atol"]):
    """`got` matches `expected` to 1e-10; `mistakes` is a function giving {hint: wrong value}, called
    only when they differ (computing every known mistake costs more than the comparison)."""
    try:
        expect_close(got, expected, rtol=rtol, atol=atol)
    except Mismatch:
        expect_close(got, expected, rtol=rtol, atol=atol, mistakes=mistakes())


def leading_dims(draw, batched):
    """() or one or two leading axes (batch, sentences) of side 1-2."""
    return tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2))) if batched else ()


@st.composite
def layer_norm_inputs(draw, tiny_spread=False):
    """(x (..., d), gamma (d,), beta (d,)) with 0-2 leading axes. With `tiny_spread`, each vector's
    values lie within 0.003 of one another (some are constant), so that eps decides the result."""
    shape = tuple(draw(st.lists(st.integers(1, 3), max_size=2))) + (draw(st.integers(1, 6)),)
    d = shape[-1]
    x, gamma, beta = draw_arrays(draw, [shape, (d,), (d,)], st.integers(-20, 20))
    if tiny_spread:
        steps, = draw_arrays(draw, [shape], st.integers(-3, 3))
        x = x[..., :1] / 10 + steps / 1000
    else:
        x = x / 10
    return x, gamma / 20, beta / 20


@st.composite
def gelu_inputs(draw):
    """x of 1 or 2 axes (side 1-6), values in [-6, 6] on a 0.1 grid."""
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=2)))
    x, = draw_arrays(draw, [shape], st.integers(-60, 60))
    return x / 10


@st.composite
def feed_forward_inputs(draw, batched=False):
    """(x (..., T, d), W_in (d, f), b_in (f,), W_out (f, d), b_out (d,)), f drawn apart from d."""
    d, f, T = draw(st.integers(1, 5)), draw(st.integers(1, 6)), draw(st.integers(1, 4))
    grid = GridValues(draw)
    return (grid.inputs(*leading_dims(draw, batched), T, d), grid.weights(d, f), grid.weights(f),
            grid.weights(f, d), grid.weights(d))


@st.composite
def attention_inputs(draw, heads, batched=False):
    """(x (..., T, d), W_attn (d, 3d), b_attn (3d,), W_proj (d, d), b_proj (d,), n_heads) with
    (d, n_heads) drawn from `heads`, a list of pairs."""
    d, n_heads = draw(st.sampled_from(heads))
    T = draw(st.integers(1, 5))
    grid = GridValues(draw)
    return (grid.inputs(*leading_dims(draw, batched), T, d), grid.weights(d, 3 * d), grid.weights(3 * d),
            grid.weights(d, d), grid.weights(d), n_heads)


def block_params(grid, d):
    """A GPT2Block state dict of width d, each weight in [-1, 1]."""
    return {key: grid.weights(*shape(d)) for key, shape in BLOCK_SHAPES.items()}


@st.composite
def block_inputs(draw, heads, batched=False, eps=None):
    """(x (..., T, d), params keyed as GPT2Block.state_dict(), n_heads, eps); eps None means the
    default is used (not passed)."""
    d, n_heads = draw(st.sampled_from(heads))
    T = draw(st.integers(1, 4))
    grid = GridValues(draw)
    x = grid.inputs(*leading_dims(draw, batched), T, d)
    return x, block_params(grid, d), n_heads, None if eps is None else draw(eps)
