"""Every available lesson: the grader is strict (each known mistake loses points, with the failing
call in its feedback; trivial bodies score nothing) and fair (correct-but-different code and correct
values in other reasonable forms get full marks; an exercise is graded on its own); source notebooks
score full, released ones zero.

Known mistakes are graded in batches: the k-th mistake of every exercise in one notebook. Each
exercise is graded with the reference standing in for the others it calls, so a mistake elsewhere in
the notebook cannot move its score, and one grading answers for several mistakes."""

import itertools

import pytest

from autograder.authoring.build import build_notebook
from autograder.engine.pipeline import grade
from support import (COURSE, code_cell, exercise_result, grade_notebook, grade_with, lesson_mistakes,
                     notebook_with, released_notebook, write)

LESSONS = COURSE.available
ids = {"ids": lambda lesson: lesson.id}


def mistake_batches():
    """(lesson, {exercise: (label, code)}) batches; a lesson whose mistakes file cannot be read gets
    one failing case of its own instead of stopping every lesson's collection."""
    for lesson in LESSONS:
        try:
            mistakes = lesson_mistakes(lesson).MISTAKES
        except Exception as error:  # noqa: BLE001 -- reported by the case below
            yield pytest.param(lesson, f"{type(error).__name__}: {error}", id=f"{lesson.id}-mistakes-file")
            continue
        columns = [list(cases.items()) for cases in mistakes.values()]
        for k, row in enumerate(itertools.zip_longest(*columns)):
            batch = {exercise: case for exercise, case in zip(mistakes, row) if case is not None}
            yield pytest.param(lesson, batch, id=f"{lesson.id}-mistakes-{k + 1}")


@pytest.mark.parametrize("lesson", LESSONS, **ids)
def test_every_exercise_has_three_mistakes_and_an_alternative(lesson):
    module = lesson_mistakes(lesson)
    for exercise in lesson.exercises:
        assert len(module.MISTAKES.get(exercise.name, {})) >= 3, exercise.name
        assert exercise.name in module.ALTERNATIVES, exercise.name
    assert set(module.MISTAKES) <= {e.name for e in lesson.exercises}


@pytest.mark.parametrize("lesson", LESSONS, **ids)
def test_source_notebook_gets_full_marks(lesson):
    report = grade(lesson.notebook, COURSE)
    assert report.assignment == lesson.id
    assert report.sandboxed
    assert report.max_score == lesson.max_score
    failures = [t.message for e in report.exercises for t in e.tests if not t.passed]
    assert report.score == report.max_score, failures


@pytest.mark.parametrize("lesson", LESSONS, **ids)
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


@pytest.mark.parametrize("lesson, batch", mistake_batches())
def test_mistakes_lose_points_and_show_the_failing_call(lesson, batch, tmp_path):
    """Graded in the source notebook, so every other function is correct: each mistake alone must
    cost its exercise points, for its own reason (not because something is still a stub), and its
    feedback must show the call that failed, with its arguments."""
    if isinstance(batch, str):
        pytest.fail(f"tests/lessons/{lesson.package}/mistakes.py cannot be used: {batch}")
    report = grade_with(lesson, {exercise: code for exercise, (_, code) in batch.items()}, tmp_path,
                        base=build_notebook(lesson))
    problems = []
    for exercise, (label, _) in batch.items():
        result = exercise_result(report, exercise)
        failing = [t.message for t in result.tests if not t.passed]
        if result.score == result.max_score:
            problems.append(f"{exercise}: {label!r} kept all {result.max_score} points")
        elif not any(f"Failing call: {exercise}(" in m or "Calls in the failing example" in m for m in failing):
            problems.append(f"{exercise}: {label!r} lost points without showing the failing call: {failing}")
        elif any("not implemented" in m for m in failing):
            problems.append(f"{exercise}: {label!r} failed because of a stub: {failing}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS, **ids)
def test_correct_but_different_code_gets_full_marks(lesson, tmp_path):
    report = grade_with(lesson, lesson_mistakes(lesson).ALTERNATIVES, tmp_path, base=build_notebook(lesson))
    failures = [t.message for e in report.exercises for t in e.tests if not t.passed]
    assert report.score == report.max_score, failures


# What a student may reasonably return that is correct: a namedtuple for a tuple, an OrderedDict with
# NumPy string keys for a dict, a NumPy array of ids for a list of ids, NumPy numbers for numbers.
OTHER_FORMS = '''
import collections as _collections
import functools as _functools


def _other_form(value):
    if isinstance(value, tuple) and value:
        return _collections.namedtuple("Result", [f"part{{i}}" for i in range(len(value))])(*map(_other_form, value))
    if isinstance(value, dict):
        return _collections.OrderedDict((np.str_(k) if isinstance(k, str) else k, _other_form(v))
                                        for k, v in value.items())
    if isinstance(value, list) and value and all(type(v) is int for v in value):
        return np.array(value)
    if isinstance(value, list):
        return [_other_form(v) for v in value]
    if type(value) is float:
        return np.float64(value)
    if type(value) is int:
        return np.int64(value)
    return value


def _returning_other_forms(function):
    @_functools.wraps(function)
    def wrapped(*args, **kwargs):
        return _other_form(function(*args, **kwargs))
    return wrapped


for _name in {names!r}:
    globals()[_name] = _returning_other_forms(globals()[_name])
'''


@pytest.mark.parametrize("lesson", LESSONS, **ids)
def test_correct_values_in_other_forms_get_full_marks(lesson, tmp_path):
    functions = [e.name for e in lesson.exercises if e.name[0].islower()]  # classes make objects
    notebook = build_notebook(lesson)
    notebook["cells"].append(code_cell(OTHER_FORMS.format(names=functions)))
    report = grade_notebook(lesson, notebook, tmp_path)
    failures = [t.message for e in report.exercises for t in e.tests if not t.passed]
    assert report.score == report.max_score, failures


TRIVIAL_BODIES = {"pass": "pass", "return x": "return args[0] if args else None",
                  "raise ValueError": "raise ValueError('not a valid input')", "return 0": "return 0"}


@pytest.mark.parametrize("lesson", LESSONS, **ids)
@pytest.mark.parametrize("body", TRIVIAL_BODIES)
def test_trivial_bodies_score_nothing(lesson, body, tmp_path):
    """Every exercise replaced by a body that does nothing useful: no point for any property."""
    definitions = "\n\n".join(f"def {e.name}(*args, **kwargs):\n    {TRIVIAL_BODIES[body]}" for e in lesson.exercises)
    notebook = released_notebook(lesson)
    notebook["cells"].append(code_cell(definitions))
    report = grade_notebook(lesson, notebook, tmp_path)
    earned = {e.name: [t.name for t in e.tests if t.passed] for e in report.exercises if e.score}
    assert report.score == 0, f"`{body}` earned points: {earned}"


@pytest.mark.parametrize("lesson_id, wrong, right", [
    ("03-word-embeddings", "negative_sampling_loss_and_gradients", ["sgd_step"]),
    ("02-bag-of-words", "tokenize_words", ["build_vocabulary", "bag_of_words"]),
])
def test_an_exercise_is_graded_on_its_own(lesson_id, wrong, right, tmp_path):
    """A right exercise beside a wrong one it calls gets full marks; the wrong one's feedback says
    that the right one depends on it."""
    lesson = COURSE.lesson(lesson_id)
    label, code = next(iter(lesson_mistakes(lesson).MISTAKES[wrong].items()))
    report = grade_with(lesson, {wrong: code}, tmp_path, base=build_notebook(lesson))
    for name in right:
        result = exercise_result(report, name)
        assert result.score == result.max_score, [t.message for t in result.tests if not t.passed]
    wrong_result = exercise_result(report, wrong)
    assert wrong_result.score < wrong_result.max_score, label
    notes = [t.message for t in wrong_result.tests if "graded with the course's own" in t.message]
    assert notes and all(f"`{name}`" in notes[0] for name in right), [t.message for t in wrong_result.tests]


def test_feedback_shows_the_property_the_call_expected_and_got(tmp_path):
    lesson = COURSE.lesson("01-introduction")
    code = lesson_mistakes(lesson).MISTAKES["softmax"]["no max shift"]
    report = grade_with(lesson, {"softmax": code}, tmp_path, only=["softmax"], base=build_notebook(lesson))
    message = next(t.message for t in exercise_result(report, "softmax").tests if not t.passed)
    for text in ["is finite and correct for scores as large as ±1000", "Failing call: softmax(x=array(",
                 ", axis=", "expected", "got", "Hint: subtract the maximum"]:
        assert text in message, message


def test_a_worked_example_is_shown_as_the_failing_call(tmp_path):
    lesson = COURSE.lesson("05-transformers")
    code = lesson_mistakes(lesson).MISTAKES["scaled_dot_product_attention"]["no scaling"]
    report = grade_with(lesson, {"scaled_dot_product_attention": code}, tmp_path,
                        only=["scaled_dot_product_attention"], base=build_notebook(lesson))
    message = next(t.message for t in exercise_result(report, "scaled_dot_product_attention").tests if not t.passed)
    assert ("Failing call: scaled_dot_product_attention(Q=array([[1., 0., 1., 0.], [0., 1., 0., 0.]]), "
            "K=array([[1., 1., 1., 1.], [0., 0., 0., 0.], [1., 0., 0., 0.]])") in message, message
    assert "Hint: divide the scores Q K^T by sqrt(d_k)" in message


def test_values_that_print_alike_are_told_apart(tmp_path):
    """A list where an array is asked for, and float32 where the course works in float64, say so."""
    lesson = COURSE.lesson("05-transformers")
    as_list = "def causal_mask(T):\n    return np.tril(np.ones((T, T), dtype=bool)).tolist()\n"
    float32 = ("def transformer_lr(step, d_model, warmup_steps=4000):\n"
               "    return np.float32(_reference_lr(step, d_model, warmup_steps))\n")
    notebook = notebook_with(lesson, {"causal_mask": as_list}, base=build_notebook(lesson))
    reference = next(c for c in notebook["cells"] if "def transformer_lr" in "".join(c["source"]))
    notebook["cells"].append(code_cell("".join(reference["source"]).replace(
        "def transformer_lr(", "def _reference_lr(") + "\n\n" + float32))
    report = grade_notebook(lesson, notebook, tmp_path)
    mask = " ".join(t.message for t in exercise_result(report, "causal_mask").tests if not t.passed)
    rate = " ".join(t.message for t in exercise_result(report, "transformer_lr").tests if not t.passed)
    assert "should be a NumPy array" in mask and "not a list" in mask, mask
    assert "your result is float32: the course works in float64" in rate, rate
