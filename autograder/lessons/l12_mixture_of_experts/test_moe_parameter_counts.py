"""Hidden tests: moe_parameter_counts."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=2)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: moe_parameter_counts(x) equals ... for any float array x."""
    expect_close(student.moe_parameter_counts(x), ref.moe_parameter_counts(x))
