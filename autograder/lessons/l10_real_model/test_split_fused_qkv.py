"""Hidden tests: split_fused_qkv."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: split_fused_qkv(x) equals ... for any float array x."""
    expect_close(student.split_fused_qkv(x), ref.split_fused_qkv(x))
