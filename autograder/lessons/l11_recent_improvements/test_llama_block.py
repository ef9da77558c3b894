"""Hidden tests: llama_block. Each property is checked against the reference to 1e-10, and a
failure is matched against the block written with each usual mistake (built from the reference's
rms_norm, apply_rope and swiglu, so that only the assembly differs)."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import check, expect_close, graded
from .strategies import block_problems, worked_block

# Explicit examples (not shrunk), one per property: small, the first with head_dim 2 while d is 3
# (so that the head width is not d // n_heads); four query heads for two key/value heads (the groups
# i // 2 and i % 2 differ); a batch of two rows whose positions restart at token 2.
WORKED_MULTI_HEAD = worked_block(1, (3, 3), n_heads=2, n_kv_heads=2, head_dim=2, ffn=2, positions=[0, 1, 2])
WORKED_GROUPED = worked_block(2, (3, 8), n_heads=4, n_kv_heads=2, head_dim=2, ffn=2, positions=[0, 1, 2])
WORKED_PACKED = worked_block(3, (2, 4, 4), n_heads=2, n_kv_heads=1, head_dim=2, ffn=2, positions=[0, 1, 0, 1])


def block(ref, x, params, positions, n_heads, n_kv_heads, eps=1e-5, base=10000.0, *, attention_residual=True,
          ffn_residual=True, post_norm=False, rope_on_values=False, rope=True, causal=True, kv_groups="contiguous",
          scale_width="head", count_positions=False, swapped_norms=False, ffn_reads="normed h", transpose=True):
    """llama_block written with one of the usual mistakes (the defaults give the right block)."""
    p = {name: (weight.T if transpose else weight) for name, weight in params.items()}  # now (in, out)
    first_norm, second_norm = p["input_layernorm.weight"], p["post_attention_layernorm.weight"]
    if swapped_norms:
        first_norm, second_norm = second_norm, first_norm
    *batch, T, d = x.shape
    head_dim = params["self_attn.q_proj.weight"].shape[0] // n_heads
    positions = np.arange(T) if count_positions else positions

    def heads(projected, count):
        return np.swapaxes(projected.reshape(*batch, T, count, head_dim), -2, -3)

    def turn(vectors):
        return ref.apply_rope(vectors, positions, base) if rope else vectors

    normed = x if post_norm else ref.rms_norm(x, first_norm, eps)
    q = turn(heads(normed @ p["self_attn.q_proj.weight"], n_heads))
    k = turn(heads(normed @ p["self_attn.k_proj.weight"], n_kv_heads))
    v = heads(normed @ p["self_attn.v_proj.weight"], n_kv_heads)
    if rope_on_values:
        v = turn(v)
    group = n_heads // n_kv_heads
    if kv_groups == "contiguous":
        k, v = np.repeat(k, group, axis=-3), np.repeat(v, group, axis=-3)
    else:  # query head i reads key/value head i % n_kv_heads
        k, v = (np.concatenate([m] * group, axis=-3) for m in (k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(head_dim if scale_width == "head" else d)
    if causal:
        scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    attended = np.swapaxes(weights @ v, -2, -3).reshape(*batch, T, n_heads * head_dim) @ p["self_attn.o_proj.weight"]
    h = x + attended if attention_residual else attended
    if post_norm:
        h = ref.rms_norm(h, first_norm, eps)
        ffn_input = h
    else:
        ffn_input = {"normed h": ref.rms_norm(h, second_norm, eps), "normed x": ref.rms_norm(x, second_norm, eps),
                     "h": h}[ffn_reads]
    transformed = ref.swiglu(ffn_input, p["mlp.gate_proj.weight"], p["mlp.up_proj.weight"], p["mlp.down_proj.weight"])
    out = h + transformed if ffn_residual else transformed
    return ref.rms_norm(out, second_norm, eps) if post_norm else out


MISTAKES = {
    "add the attention's output to its input (the residual connection: h = x + attention(...))":
        dict(attention_residual=False),
    "add the feedforward network's output to its input (the residual connection: out = h + swiglu(...))":
        dict(ffn_residual=False),
    "pre-norm: normalize the INPUT of each sublayer (x + sublayer(rms_norm(x))), not the sum after it":
        dict(post_norm=True),
    "RoPE turns the queries and the keys only, never the values": dict(rope_on_values=True),
    "turn the queries and keys with apply_rope at `positions`": dict(rope=False),
    "the attention is causal: query t sees keys j <= t only": dict(causal=False),
    "query head i uses key/value head i // (n_heads // n_kv_heads) (contiguous groups, as np.repeat), "
    "not i % n_kv_heads (as np.tile)": dict(kv_groups="interleaved"),
    "scale the scores by 1 / sqrt(head_dim), the width of one head, not of the model": dict(scale_width="model"),
    "use `positions` as given, not 0 .. T-1: in a packed row they restart": dict(count_positions=True),
    "input_layernorm comes before attention, post_attention_layernorm before the feedforward network":
        dict(swapped_norms=True),
    "the feedforward network reads rms_norm(h), h being x plus the attention's output": dict(ffn_reads="normed x"),
    "normalize h with post_attention_layernorm before the feedforward network": dict(ffn_reads="h"),
    "nn.Linear weights are stored (out, in): a projection is x @ W.T": dict(transpose=False),
}


def known_mistakes(ref, args, kwargs):
    mistakes = {}
    for hint, flags in MISTAKES.items():
        try:
            mistakes[hint] = block(ref, *args, **kwargs, **flags)
        except ValueError:  # shapes that do not fit this mistake: the student's code would have raised
            continue
    return mistakes


def expect_block(got, ref, args, kwargs):
    expect_close(got, ref.llama_block(*args, **kwargs), rtol=1e-10, atol=1e-12,
                 mistakes=known_mistakes(ref, args, kwargs))


@graded
@given(problem=block_problems(any_head_dim=True))
@example(problem=WORKED_MULTI_HEAD)
def test_pre_norm_attention_and_swiglu_with_residuals(student, ref, problem):
    """With one key/value head per query head and positions 0 .. T-1: h = x + attention(rms_norm(x)) o_proj^T,
    out = h + swiglu(rms_norm(h), ...), the attention causal with RoPE on queries and keys, and head_dim =
    rows of q_proj // n_heads (not always d // n_heads).
    """
    args, kwargs = problem
    expect_block(student.llama_block(*args, **kwargs), ref, args, kwargs)


@graded
@given(problem=block_problems(grouped=True))
@example(problem=WORKED_GROUPED)
def test_grouped_query_attention(student, ref, problem):
    """With fewer key/value heads than query heads (grouped-query attention), query head i uses key/value
    head i // (n_heads // n_kv_heads).
    """
    args, kwargs = problem
    expect_block(student.llama_block(*args, **kwargs), ref, args, kwargs)


@graded
@given(problem=block_problems(packed=True))
@example(problem=WORKED_PACKED)
def test_packed_rows_in_a_batch(student, ref, problem):
    """For a batch x (B, T, d) whose positions restart (packed documents), RoPE uses the positions given; neither x nor
    params is modified.
    """
    args, kwargs = problem
    x_before = args[0].copy()
    params_before = {name: weight.copy() for name, weight in args[1].items()}
    got, arguments_after = student.call_and_inputs("llama_block", *args, **kwargs)
    expect_block(got, ref, args, kwargs)
    check(np.array_equal(arguments_after[0], x_before),
          "llama_block modified its argument x in place (h = x; h += ... changes x too): write h = x + ...")
    changed = sorted(name for name, weight in arguments_after[1].items()
                     if not np.array_equal(weight, params_before[name]))
    check(not changed, f"llama_block modified the weights {changed} in place: build new arrays (W.T is a view)")
