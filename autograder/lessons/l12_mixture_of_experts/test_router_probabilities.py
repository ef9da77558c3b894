"""Hidden tests: router_probabilities."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: router_probabilities(x) equals ... for any float array x."""
    expect_close(student.router_probabilities(x), ref.router_probabilities(x))
