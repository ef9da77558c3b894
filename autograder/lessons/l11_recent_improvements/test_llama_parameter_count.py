"""Hidden tests: llama_parameter_count."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=2)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: llama_parameter_count(x) equals ... for any float array x."""
    expect_close(student.llama_parameter_count(x), ref.llama_parameter_count(x))
