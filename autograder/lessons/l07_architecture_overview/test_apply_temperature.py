"""Hidden tests: apply_temperature."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: apply_temperature(x) equals ... for any float array x."""
    expect_close(student.apply_temperature(x), ref.apply_temperature(x))
