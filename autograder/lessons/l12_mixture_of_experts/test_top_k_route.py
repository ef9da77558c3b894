"""Hidden tests: top_k_route."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=2)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: top_k_route(x) equals ... for any float array x."""
    expect_close(student.top_k_route(x), ref.top_k_route(x))
