"""Hidden tests: kv_cache_bytes."""

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, graded

GIB = 2 ** 30


def known_mistakes(batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value):
    size = batch * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value
    return {
        "the cache holds a key AND a value vector per position, head and layer: multiply by 2": size,
        "every sequence of the batch has its own cache: multiply by batch": 2 * size // batch,
        "every layer has its own keys and values: multiply by n_layers": 2 * size // n_layers,
        "bytes, not bits: bytes_per_value is already the size of one number in bytes": 8 * 2 * size,
        "return bytes, not GiB (no division by 2**30)": 2 * size / GIB,
    }


@graded
@given(batch=st.integers(1, 8), seq_len=st.integers(1, 200_000), n_layers=st.integers(1, 128),
       n_kv_heads=st.integers(1, 16), head_dim=st.sampled_from([32, 64, 80, 96, 128, 256]),
       bytes_per_value=st.sampled_from([1, 2, 4]))
# Llama 3 70B serving 4 sequences of 8192 tokens in bfloat16: 10 GiB; each known mistake gives another size.
@example(batch=4, seq_len=8192, n_layers=80, n_kv_heads=8, head_dim=128, bytes_per_value=2)
# Llama 3 8B, one sequence of 8192 tokens in bfloat16: exactly 1 GiB.
@example(batch=1, seq_len=8192, n_layers=32, n_kv_heads=8, head_dim=128, bytes_per_value=2)
def test_two_vectors_per_position_head_and_layer(student, ref, batch, seq_len, n_layers, n_kv_heads, head_dim,
                                                 bytes_per_value):
    """kv_cache_bytes = 2 (a key and a value) * batch * seq_len * n_layers * n_kv_heads * head_dim * bytes_per_value, an int (Llama 3 8B at 8192 tokens in bfloat16: 1,073,741,824 bytes, 1 GiB)."""
    arguments = (batch, seq_len, n_layers, n_kv_heads, head_dim, bytes_per_value)
    expect_equal(student.kv_cache_bytes(*arguments), ref.kv_cache_bytes(*arguments), what="bytes",
                 mistakes=known_mistakes(*arguments))
