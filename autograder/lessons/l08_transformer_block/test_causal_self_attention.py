"""Hidden tests: causal_self_attention."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=3)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: causal_self_attention(x) equals ... for any float array x."""
    expect_close(student.causal_self_attention(x), ref.causal_self_attention(x))
