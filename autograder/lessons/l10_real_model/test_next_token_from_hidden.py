"""Hidden tests: next_token_from_hidden."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: next_token_from_hidden(x) equals ... for any float array x."""
    expect_close(student.next_token_from_hidden(x), ref.next_token_from_hidden(x))
