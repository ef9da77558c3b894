"""Hidden tests: lm_head_logits."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: lm_head_logits(x) equals ... for any float array x."""
    expect_close(student.lm_head_logits(x), ref.lm_head_logits(x))
