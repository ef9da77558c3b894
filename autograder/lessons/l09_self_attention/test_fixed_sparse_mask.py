"""Hidden tests: fixed_sparse_mask."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: fixed_sparse_mask(x) equals ... for any float array x."""
    expect_close(student.fixed_sparse_mask(x), ref.fixed_sparse_mask(x))
