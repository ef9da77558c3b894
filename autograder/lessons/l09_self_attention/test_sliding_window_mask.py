"""Hidden tests: sliding_window_mask."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: sliding_window_mask(x) equals ... for any float array x."""
    expect_close(student.sliding_window_mask(x), ref.sliding_window_mask(x))
