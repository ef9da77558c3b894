"""Hidden tests: pretokenize."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=2)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: pretokenize(x) equals ... for any float array x."""
    expect_close(student.pretokenize(x), ref.pretokenize(x))
