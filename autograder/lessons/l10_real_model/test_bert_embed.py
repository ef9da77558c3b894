"""Hidden tests: bert_embed."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded(points=2)
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: bert_embed(x) equals ... for any float array x."""
    expect_close(student.bert_embed(x), ref.bert_embed(x))
