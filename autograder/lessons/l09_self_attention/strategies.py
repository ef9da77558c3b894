"""Strategies, comparisons and known-mistake variants shared by the hidden suites of lesson 09.

Sizes stay small (at most 6 positions, heads of width 1-3) so that a failing input can be read.
Inputs lie in [-2, 2] and weights in [-1, 1] on a 0.1 grid (GridValues). Comparisons are tight
(1e-10): scaling by 1/sqrt(d) instead of 1/sqrt(d / n_heads) changes results far more than that.
The variants below recompute attention the way a known mistake does, to name it in the feedback;
they are computed only when the student's value differs from the reference.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.lessons.toolkit import GridValues, Mismatch, expect_close

TOLERANCE = {"rtol": 1e-10, "atol": 1e-12}

# (d, n_heads) with n_heads dividing d
ONE_HEAD = [(1, 1), (2, 1), (3, 1)]
SEVERAL_HEADS = [(2, 2), (4, 2), (6, 2), (6, 3), (3, 3), (4, 4)]
# (n_heads, n_kv_heads) of grouped-query attention with groups of 2 or 3 and at least 2 kv heads
GROUPED = [(4, 2), (6, 2), (6, 3)]


def expect_tight(got, expected, mistakes, what="result"):
    """`got` matches `expected` to 1e-10; `mistakes` is a function giving {hint: wrong value},
    called only when they differ (computing every known mistake costs more than the comparison)."""
    try:
        expect_close(got, expected, what=what, **TOLERANCE)
    except Mismatch:
        expect_close(got, expected, what=what, mistakes=mistakes(), **TOLERANCE)


def leading_dims(draw):
    """() or one or two leading axes (sentences, batches) of side 1-2."""
    return tuple(draw(st.lists(st.integers(1, 2), max_size=2)))


# -- heads -------------------------------------------------------------------------------------------
@st.composite
def split_inputs(draw):
    """(x (..., T, d), n_heads) with d = n_heads * head width."""
    n_heads, head_width, T = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    return GridValues(draw).inputs(*leading_dims(draw), T, n_heads * head_width), n_heads


@st.composite
def merge_inputs(draw):
    """x (..., H, T, hd)."""
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3)))
    return GridValues(draw).inputs(*leading_dims(draw), *shape)


def split_variant(x, n_heads, layout):
    """x cut into heads the wrong way: `layout` "interleaved" (head h = every H-th column),
    "reshape" (a reshape to (..., H, T, hd) without moving any axis)."""
    *batch, T, d = x.shape
    if layout == "interleaved":
        return np.moveaxis(x.reshape(*batch, T, d // n_heads, n_heads), -1, -3)
    return x.reshape(*batch, n_heads, T, d // n_heads)


# -- masks --------------------------------------------------------------------------------------------
def draw_mask(draw, grid, T, kinds=("none", "causal", "random")):
    """None, the causal mask, or a random (T, T) keep mask leaving every query at least one key."""
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "causal":
        return np.tril(np.ones((T, T), dtype=bool))
    return grid.keep_mask((T, T))


# -- multi-head and grouped-query attention --------------------------------------------------------------
@st.composite
def attention_inputs(draw, heads, masks=("none",)):
    """(x (..., T, d), W_q, W_k, W_v, W_o (d, d), n_heads, mask) with (d, n_heads) drawn from `heads`."""
    d, n_heads = draw(st.sampled_from(heads))
    T = draw(st.integers(1, 4))
    grid = GridValues(draw)
    x = grid.inputs(*leading_dims(draw), T, d)
    return (x, *(grid.weights(d, d) for _ in range(4)), n_heads, draw_mask(draw, grid, T, masks))


@st.composite
def grouped_inputs(draw, layouts):
    """(x (..., T, d), W_q (d, d), W_k, W_v (d, n_kv_heads * hd), W_o (d, d), n_heads, n_kv_heads, mask)
    with (n_heads, n_kv_heads) drawn from `layouts`, heads of width hd 1-2."""
    n_heads, n_kv_heads = draw(st.sampled_from(layouts))
    hd, T = draw(st.integers(1, 2)), draw(st.integers(1, 4))
    d = n_heads * hd
    grid = GridValues(draw)
    x = grid.inputs(*leading_dims(draw), T, d)
    W_q, W_k, W_v, W_o = grid.weights(d, d), grid.weights(d, n_kv_heads * hd), grid.weights(d, n_kv_heads * hd), \
        grid.weights(d, d)
    return x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, draw_mask(draw, grid, T)


def attention_variant(x, W_q, W_k, W_v, W_o, n_heads, n_kv_heads, mask, scale="head", heads="contiguous",
                      kv_groups="contiguous", merge="swap_back", softmax_axis=-1, mask_use="before",
                      output="as_stored"):
    """Multi-head (n_kv_heads == n_heads) or grouped-query attention, or one of the usual mistakes.
    `scale`: "head" 1/sqrt(hd), "width" 1/sqrt(d), "none"; `heads`: "contiguous" column blocks,
    "interleaved" (head h takes every H-th column) or "none" (one head over all d columns);
    `kv_groups`: "contiguous" (query head i uses kv head i // g) or "modulo" (i % n_kv_heads);
    `merge`: "swap_back" or "reshape" (no axis moved back); `mask_use`: "before" (scores set to -inf),
    "after" (weights zeroed after the softmax), "inverted" (True taken as remove), "ignored";
    `output`: "as_stored" (merged @ W_o), "transposed" (merged @ W_o.T), "missing" (no W_o)."""
    *batch, T, d = x.shape
    if heads == "none":
        n_heads = n_kv_heads = 1

    def split(m, count):
        if heads == "interleaved":
            return np.moveaxis(m.reshape(*batch, T, m.shape[-1] // count, count), -1, -3)
        return np.swapaxes(m.reshape(*batch, T, count, m.shape[-1] // count), -2, -3)

    q = split(x @ W_q, n_heads)
    k, v = split(x @ W_k, n_kv_heads), split(x @ W_v, n_kv_heads)
    group = n_heads // n_kv_heads
    if kv_groups == "modulo":
        k, v = (np.concatenate([m] * group, axis=-3) for m in (k, v))
    else:
        k, v = (np.repeat(m, group, axis=-3) for m in (k, v))
    hd = q.shape[-1]
    factor = {"head": 1 / np.sqrt(hd), "width": 1 / np.sqrt(d), "none": 1.0}[scale]
    scores = q @ np.swapaxes(k, -1, -2) * factor
    keep = np.ones((T, T), dtype=bool) if mask is None or mask_use == "ignored" else mask
    with np.errstate(all="ignore"):
        if mask_use in ("before", "ignored"):
            scores = np.where(keep, scores, -np.inf)
        elif mask_use == "inverted":
            scores = np.where(keep, -np.inf, scores)
        weights = np.exp(scores - scores.max(axis=softmax_axis, keepdims=True))
        weights = weights / weights.sum(axis=softmax_axis, keepdims=True)
        if mask_use == "after":
            weights = weights * keep
        out = weights @ v
    if merge == "reshape":
        merged = out.reshape(*batch, T, -1)
    elif heads == "interleaved":
        merged = np.moveaxis(out, -3, -1).reshape(*batch, T, -1)
    else:
        merged = np.swapaxes(out, -2, -3).reshape(*batch, T, -1)
    if output == "missing":
        return merged
    return merged @ (W_o.T if output == "transposed" else W_o)


# -- blockwise attention ---------------------------------------------------------------------------------
@st.composite
def blockwise_inputs(draw, causal=False, large=False):
    """(Q (..., T_q, d_k), K (..., T_k, d_k), V (..., T_k, d_v), block_size): T_q == T_k when causal;
    block sizes 1 .. T_k + 1, so that the last block is often shorter and sometimes the only one.
    `large`: Q and K entries are whole numbers up to 30 in size, so that scores reach the thousands."""
    T_k = draw(st.integers(1, 6))
    T_q = T_k if causal else draw(st.integers(1, 4))
    d_k, d_v = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    batch = leading_dims(draw)
    grid = GridValues(draw)
    Q, K, V = grid.inputs(*batch, T_q, d_k), grid.inputs(*batch, T_k, d_k), grid.inputs(*batch, T_k, d_v)
    if large:
        Q, K = np.round(15 * Q), np.round(15 * K)
    return Q, K, V, draw(st.integers(1, T_k + 1))


def blockwise_variant(Q, K, V, block_size, causal=False, rescale_sum=True, rescale_output=True, scale=True,
                      running_max=True, last_block=True, mask_positions="global", combine="online"):
    """Blockwise attention, or one of the usual mistakes: sums not rescaled when the maximum grows,
    no scale, no running maximum (exp of the raw scores), the last short block dropped, the causal
    mask compared with positions inside the block ("local") or with j < i ("strict"), or each
    block's own softmax output averaged over the blocks (`combine` "average")."""
    T_q, d_k = Q.shape[-2:]
    T_k = K.shape[-2]
    m = np.full(Q.shape[:-1] + (1,), -np.inf)
    l = np.zeros(Q.shape[:-1] + (1,))
    o = np.zeros(Q.shape[:-1] + V.shape[-1:])
    outputs = []
    stop_at = T_k if last_block else T_k - T_k % block_size
    with np.errstate(all="ignore"):
        for start in range(0, stop_at, block_size):
            stop = min(start + block_size, T_k)
            s = Q @ np.swapaxes(K[..., start:stop, :], -1, -2) / (np.sqrt(d_k) if scale else 1.0)
            if causal:
                keys = np.arange(start, stop) if mask_positions != "local" else np.arange(stop - start)
                visible = keys[None, :] < np.arange(T_q)[:, None] if mask_positions == "strict" \
                    else keys[None, :] <= np.arange(T_q)[:, None]
                s = np.where(visible, s, -np.inf)
            if combine == "average":
                e = np.exp(s - s.max(axis=-1, keepdims=True))
                outputs.append(e / e.sum(axis=-1, keepdims=True) @ V[..., start:stop, :])
                continue
            new_m = np.maximum(m, s.max(axis=-1, keepdims=True)) if running_max else np.zeros_like(m)
            correction = np.exp(m - new_m) if running_max else 1.0
            e = np.exp(s - new_m)
            l = (l * correction if rescale_sum else l) + e.sum(axis=-1, keepdims=True)
            o = (o * correction if rescale_output else o) + e @ V[..., start:stop, :]
            m = new_m
        if combine == "average":
            return np.mean(outputs, axis=0) if outputs else np.full(o.shape, np.nan)
        return o / l
