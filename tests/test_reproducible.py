"""A grade and its feedback depend on the submission and the grading fingerprint only: not on what
else the grading process imported, nor on whether the suite was replayed or run in full."""

import sys

from hypothesis.internal.conjecture import providers

from autograder.authoring.build import build_notebook
from autograder.engine import replay
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


def test_a_replayed_grading_equals_a_full_one(tmp_path, monkeypatch):
    monkeypatch.setattr(replay, "PLANS", {})
    from autograder.engine import score
    monkeypatch.setattr(score, "PLANS", replay.PLANS)
    cold_mistake = softmax_feedback(tmp_path / "cold", only=None)
    full = grade_with(LESSON, {}, tmp_path / "full", base=build_notebook(LESSON)).to_json()
    assert replay.PLANS, "a passing grading records its examples"
    replayed = grade_with(LESSON, {}, tmp_path / "replayed", base=build_notebook(LESSON)).to_json()
    assert replayed["exercises"] == full["exercises"]
    # A failing replay stops, and the submission is graded in full, afresh: the same feedback.
    assert softmax_feedback(tmp_path / "warm", only=None) == cold_mistake
