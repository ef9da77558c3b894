"""Hidden tests: memory_footprint."""

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, expect_value_error, graded

DTYPES = ("fp32", "fp16", "bf16", "int8", "int4")
UNKNOWN_DTYPES = ("fp64", "int2", "float16", "fp8")
# The course's models: Phi-3-mini, Llama 3 8B and 70B, Mixtral 8x7B (all its experts are loaded).
COURSE_MODELS = (3_821_079_552, 8_030_261_248, 70_553_706_496, 46_702_792_704)


def known_mistakes(n_params, dtype):
    mistakes = {
        "sizes are in bytes, not bits: an fp16 parameter takes 16 bits = 2 bytes":
            n_params * {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}[dtype],
    }
    if dtype == "bf16":
        mistakes["bf16 is a 16-bit format (fp32's range, fewer digits): 2 bytes per parameter, not 4"] = 4 * n_params
    if dtype == "int4":
        mistakes.update({
            "int4 is 4 BITS, half a byte per parameter, not 4 bytes": 4 * n_params,
            "two int4 parameters share a byte, so an odd count needs one more byte: round up, "
            "(n_params + 1) // 2, not n_params // 2": n_params // 2,
            "return a whole number of bytes, rounded up for int4: n_params / 2 is a float (and half a byte "
            "short for an odd count)": n_params / 2,
        })
    return mistakes


@graded
@given(n_params=st.integers(0, 10**12), unknown=st.sampled_from(UNKNOWN_DTYPES))
@example(n_params=7, unknown="fp64")
@example(n_params=COURSE_MODELS[1], unknown="int2")
def test_bytes_for_each_dtype(student, ref, n_params, unknown):
    """memory_footprint(n_params, dtype) is the int n_params * 4, 2, 2, 1 bytes for fp32, fp16, bf16, int8, and half a byte per parameter rounded up for int4; any other dtype raises ValueError."""
    for dtype in DTYPES:
        expect_equal(student.memory_footprint(n_params, dtype), ref.memory_footprint(n_params, dtype),
                     what=f"memory_footprint({n_params}, {dtype!r})", mistakes=known_mistakes(n_params, dtype))
    expect_value_error(lambda: student.memory_footprint(n_params, unknown), "memory_footprint",
                       f"For the dtype {unknown!r}, not one of {', '.join(DTYPES)}")
