"""Hidden tests: moe_layer."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=3)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: moe_layer(x) equals ... for any float array x."""
    expect_close(student.moe_layer(x), ref.moe_layer(x))
