"""Hidden tests: wordpiece_tokenize."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=3)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: wordpiece_tokenize(x) equals ... for any float array x."""
    expect_close(student.wordpiece_tokenize(x), ref.wordpiece_tokenize(x))
