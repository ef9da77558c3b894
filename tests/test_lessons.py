"""Every available lesson: the grader is strict (each known mistake loses points) and fair
(correct-but-different code gets full marks); source notebooks score full, released ones zero."""

import pytest

from autograder.authoring.build import build_notebook
from autograder.engine.pipeline import grade
from support import (COURSE, exercise_result, grade_with, lesson_mistakes, released_notebook, write)

LESSONS = COURSE.available


def mistake_cases():
    """One case per known mistake; a lesson whose mistakes file cannot be read gets one failing case
    of its own instead of stopping every lesson's collection."""
    for lesson in LESSONS:
        try:
            mistakes = lesson_mistakes(lesson).MISTAKES
        except Exception as error:  # noqa: BLE001 -- reported by the case below
            yield pytest.param(lesson, None, f"{type(error).__name__}: {error}", None, id=f"{lesson.id}-mistakes-file")
            continue
        for exercise, cases in mistakes.items():
            for label, code in cases.items():
                yield pytest.param(lesson, exercise, label, code, id=f"{lesson.id}-{exercise}-{label}")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_exercise_has_three_mistakes_and_an_alternative(lesson):
    module = lesson_mistakes(lesson)
    for exercise in lesson.exercises:
        assert len(module.MISTAKES.get(exercise.name, {})) >= 3, exercise.name
        assert exercise.name in module.ALTERNATIVES, exercise.name
    assert set(module.MISTAKES) <= {e.name for e in lesson.exercises}


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_source_notebook_gets_full_marks(lesson):
    report = grade(lesson.notebook, COURSE)
    assert report.assignment == lesson.id
    assert report.sandboxed
    assert report.max_score == lesson.max_score
    failures = [t.message for e in report.exercises for t in e.tests if not t.passed]
    assert report.score == report.max_score, failures


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_released_notebook_scores_zero_with_not_implemented(lesson, tmp_path):
    report = grade(write(released_notebook(lesson), tmp_path / "released.ipynb"), COURSE)
    assert report.assignment == lesson.id
    assert report.score == 0
    assert report.max_score == lesson.max_score
    for exercise in report.exercises:
        assert exercise.tests
        for test in exercise.tests:
            assert not test.passed
            assert "not implemented" in test.message, test.message


@pytest.mark.parametrize("lesson, exercise, label, code", mistake_cases())
def test_mistake_loses_points(lesson, exercise, label, code, tmp_path):
    """Graded in the source notebook, so every other function is correct: the mistake alone must
    cost points, and for its own reason (not because something it calls is still a stub)."""
    if exercise is None:
        pytest.fail(f"tests/lessons/{lesson.package}/mistakes.py cannot be used: {label}")
    report = grade_with(lesson, {exercise: code}, tmp_path, only=[exercise], base=build_notebook(lesson))
    result = exercise_result(report, exercise)
    assert result.score < result.max_score, f"{label!r} kept all {result.max_score} points"
    failing = [t.message for t in result.tests if not t.passed]
    assert all(message and "not implemented" not in message for message in failing), failing


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_correct_but_different_code_gets_full_marks(lesson, tmp_path):
    report = grade_with(lesson, lesson_mistakes(lesson).ALTERNATIVES, tmp_path, base=build_notebook(lesson))
    failures = [t.message for e in report.exercises for t in e.tests if not t.passed]
    assert report.score == report.max_score, failures


@pytest.mark.parametrize("lesson_id, exercise, label, shown", [
    # a shrunk random input
    ("01-introduction", "softmax", "no max shift", ["Smallest failing input: x=", "expected", "got"]),
    # the suite's worked example, reported without shrinking
    ("05-transformers", "scaled_dot_product_attention", "no scaling",
     ["Failing input: inputs=(array([[1., 0., 1., 0.], [0., 1., 0., 0.]])", "weights differs: expected",
      "Hint: divide the scores Q K^T by sqrt(d_k)"]),
])
def test_feedback_shows_the_property_the_input_expected_and_got(lesson_id, exercise, label, shown, tmp_path):
    lesson = COURSE.lesson(lesson_id)
    code = lesson_mistakes(lesson).MISTAKES[exercise][label]
    report = grade_with(lesson, {exercise: code}, tmp_path, only=[exercise], base=build_notebook(lesson))
    message = next(t.message for t in exercise_result(report, exercise).tests if not t.passed)
    for text in shown:
        assert text in message, message
