"""Hidden tests: rope_frequencies."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: rope_frequencies(x) equals ... for any float array x."""
    expect_close(student.rope_frequencies(x), ref.rope_frequencies(x))
