"""Hidden tests: merge_heads."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: merge_heads(x) equals ... for any float array x."""
    expect_close(student.merge_heads(x), ref.merge_heads(x))
