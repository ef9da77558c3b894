"""Hidden tests: multi_head_attention."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=2)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: multi_head_attention(x) equals ... for any float array x."""
    expect_close(student.multi_head_attention(x), ref.multi_head_attention(x))
