"""A grade and its feedback depend on the submission and the grading fingerprint only: not on what
else the grading process imported, nor on whether the suite was replayed or run in full."""

import sys

import pytest
from hypothesis.internal.conjecture import providers

from autograder.authoring.build import build_notebook
from autograder.engine import replay, score
from support import COURSE, exercise_result, grade_with, lesson_mistakes

LESSON = COURSE.lesson("01-introduction")


def softmax_feedback(tmp_path, only=("softmax",)):
    code = lesson_mistakes(LESSON).MISTAKES["softmax"]["no max shift"]
    report = grade_with(LESSON, {"softmax": code}, tmp_path, only=only, base=build_notebook(LESSON))
    return [t.message for t in exercise_result(report, "softmax").tests]


def test_the_hypothesis_internals_grading_relies_on_are_there():
    """score.only_hypothesis_constants replaces this function of the pinned Hypothesis."""
    assert callable(providers._get_local_constants) and hasattr(providers.CONSTANTS_CACHE, "cache")


def test_constants_of_other_local_modules_change_no_example(tmp_path, monkeypatch):
    """Hypothesis draws constants from the source of modules loaded from outside site-packages: a
    process that happens to have imported one (here, full of numbers a softmax input could use)
    must grade exactly as one that has not."""
    before = softmax_feedback(tmp_path / "before")
    module = tmp_path / "lots_of_constants.py"
    module.write_text("NUMBERS = [" + ", ".join(f"{v}.5" for v in range(-1000, 1000, 7)) + "]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("lots_of_constants")
    try:
        assert softmax_feedback(tmp_path / "after") == before
    finally:
        sys.modules.pop("lots_of_constants", None)


@pytest.fixture
def plans(monkeypatch):
    """This process's recorded suites, empty for the test."""
    monkeypatch.setattr(replay, "PLANS", {})
    monkeypatch.setattr(score, "PLANS", replay.PLANS)
    return replay.PLANS


def mistake_report(tmp_path):
    code = lesson_mistakes(LESSON).MISTAKES["softmax"]["no max shift"]
    return grade_with(LESSON, {"softmax": code}, tmp_path, base=build_notebook(LESSON)).to_json()["exercises"]


def counted(monkeypatch, module, name):
    """Count the calls of module.name; returns the list of their arguments."""
    calls, real = [], getattr(module, name)

    def count(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, count)
    return calls


def test_a_replayed_grading_equals_a_full_one(tmp_path, plans):
    full = grade_with(LESSON, {}, tmp_path / "full", base=build_notebook(LESSON)).to_json()
    assert plans, "a passing grading records its examples"
    replayed = grade_with(LESSON, {}, tmp_path / "replayed", base=build_notebook(LESSON)).to_json()
    assert replayed["exercises"] == full["exercises"]


def test_a_mistake_is_graded_as_cold_with_only_the_failing_properties_under_hypothesis(tmp_path, plans,
                                                                                        monkeypatch):
    cold = mistake_report(tmp_path / "cold")
    grade_with(LESSON, {}, tmp_path / "full", base=build_notebook(LESSON))
    replayed_afresh = counted(monkeypatch, score, "replay_property")
    runs = counted(monkeypatch, score, "_run_pytest")
    assert mistake_report(tmp_path / "warm") == cold
    passing = [t for e in cold for t in e["tests"] if t["passed"]]
    assert len(runs) == 1 and len(replayed_afresh) == len(passing) > 0


def test_a_replay_that_fails_in_the_fresh_worker_grades_everything_in_full(tmp_path, plans, monkeypatch):
    """Code that keeps state between calls can pass a property in one worker and fail it in the
    next: then the submission is graded in full, in a third worker, as cold."""
    cold = mistake_report(tmp_path / "cold")
    grade_with(LESSON, {}, tmp_path / "full", base=build_notebook(LESSON))
    monkeypatch.setattr(score, "replay_property", lambda *args: False)
    runs = counted(monkeypatch, score, "_run_pytest")
    assert mistake_report(tmp_path / "warm") == cold
    assert [args[-1] == {} for args in runs] == [False, True]


def test_replaying_in_the_fresh_worker_leaves_the_recorded_examples_as_they_were(tmp_path, plans):
    """Lesson 05's causal_mask properties are plain tests (one example each, no Hypothesis): replayed
    beside a mistake elsewhere, they must not gain an example per grading."""
    lesson = COURSE.lesson("05-transformers")
    grade_with(lesson, {}, tmp_path / "full", base=build_notebook(lesson))
    (plan,) = plans.values()
    before = {replay.key(prop): len(prop.examples) for prop in plan}
    assert before[("causal_mask", "is_a_boolean_T_by_T_array")] == 1
    code = lesson_mistakes(lesson).MISTAKES["transformer_lr"]["no warm-up branch"]
    for attempt in range(2):
        report = grade_with(lesson, {"transformer_lr": code}, tmp_path / f"mistake{attempt}",
                            base=build_notebook(lesson))
        assert exercise_result(report, "causal_mask").score == exercise_result(report, "causal_mask").max_score
    assert {replay.key(prop): len(prop.examples) for prop in plan} == before
