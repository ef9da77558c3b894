"""Hidden tests: TinyGPT."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=4)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: TinyGPT(x) equals ... for any float array x."""
    expect_close(student.TinyGPT(x), ref.TinyGPT(x))
