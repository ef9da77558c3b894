"""Hidden tests: kv_cache_bytes."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: kv_cache_bytes(x) equals ... for any float array x."""
    expect_close(student.kv_cache_bytes(x), ref.kv_cache_bytes(x))
