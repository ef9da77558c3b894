"""Hypothesis strategies of lesson 05 (transformers). Small shapes: failures shrink to inputs a
student can read. Arrays are drawn as flat lists and reshaped, which hypothesis generates several
times faster than `hypothesis.extra.numpy.arrays` (the whole suite must grade in about a second)."""

import numpy as np
from hypothesis import strategies as st

from autograder.lessons.toolkit import draw_arrays


@st.composite
def attention_inputs(draw, mask="none"):
    """(Q, K, V, mask) for scaled dot-product attention.

    Q (..., T_q, d_k), K (..., T_k, d_k), V (..., T_k, d_v) with entries such as -1.3 (tenths in
    [-4, 4], easy to read in feedback); the batch dims of K and V broadcast against those of Q (some
    set to 1 or dropped). `mask`: "none" gives None; "some" a bool mask broadcastable to
    (..., T_q, T_k) that leaves every query at least one key; "empty_row" a mask that leaves at
    least one query with no key at all.
    """
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    kv_batch = tuple(draw(st.sampled_from([side, 1])) for side in batch)
    kv_batch = kv_batch[draw(st.integers(0, len(kv_batch))):]
    T_q, T_k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    d_k, d_v = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    tenths = draw_arrays(draw, [batch + (T_q, d_k), kv_batch + (T_k, d_k), kv_batch + (T_k, d_v)],
                         st.integers(-40, 40), np.float64)
    Q, K, V = (array / 10 for array in tenths)
    if mask == "none":
        return Q, K, V, None
    # a key-padding mask (T_k,), one mask for every batch item (T_q, T_k), or one per batch item
    mask_shape = draw(st.sampled_from([(T_k,), (T_q, T_k), batch + (T_q, T_k)]))
    keep, = draw_arrays(draw, [mask_shape], st.booleans(), np.bool_)
    rows = keep.reshape(-1, T_k)  # a view: editing a row edits the mask
    rows_without_keys = ~rows.any(axis=-1)
    if mask == "some":
        rows[rows_without_keys, draw(st.integers(0, T_k - 1))] = True
    elif not rows_without_keys.any():
        rows[draw(st.integers(0, len(rows) - 1))] = False
    return Q, K, V, keep


def even_widths(max_width=12):
    return st.integers(1, max_width // 2).map(lambda half: 2 * half)


@st.composite
def mlm_draws(draw, max_tokens=10):
    """The arguments of mlm_corrupt as a dict: ids (T,) int64 below the vocab size, special_mask
    (T,) bool, select_u and action_u (T,) in [0, 1), random_ids (T,) int64, mask_id = vocab size
    (an id no regular token has, as [MASK] in BERT's vocabulary)."""
    vocab = draw(st.integers(2, 20))
    token_id, uniform = st.integers(0, vocab - 1), st.floats(0.0, 1.0, exclude_max=True)
    tokens = draw(st.lists(st.tuples(token_id, st.booleans(), uniform, uniform, token_id),
                           min_size=1, max_size=max_tokens))
    ids, special_mask, select_u, action_u, random_ids = zip(*tokens)
    return {"ids": np.array(ids, dtype=np.int64), "special_mask": np.array(special_mask, dtype=bool),
            "select_u": np.array(select_u, dtype=np.float64), "action_u": np.array(action_u, dtype=np.float64),
            "random_ids": np.array(random_ids, dtype=np.int64), "mask_id": vocab}
