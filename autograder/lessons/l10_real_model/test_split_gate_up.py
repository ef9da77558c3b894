"""Hidden tests: split_gate_up."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: split_gate_up(x) equals ... for any float array x."""
    expect_close(student.split_gate_up(x), ref.split_gate_up(x))
