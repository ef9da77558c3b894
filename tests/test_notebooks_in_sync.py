"""One source of truth: the committed notebooks are exactly what the lesson scripts and the
reference solutions build, and the released notebooks hide every line of solution code."""

import inspect
import importlib

import pytest

from autograder.authoring.build import build_notebook, notebook_text, released

from support import COURSE


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_committed_notebook_is_built_from_lesson_script_and_solutions(lesson):
    assert lesson.notebook.read_text(encoding="utf-8") == notebook_text(build_notebook(lesson)), (
        f"{lesson.notebook} is stale: run `llmcourse build`")


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_released_notebook_contains_no_solution_code(lesson):
    text = notebook_text(released(build_notebook(lesson)))
    solutions = importlib.import_module(lesson.solutions)
    for exercise in lesson.exercises:
        source = inspect.getsource(getattr(solutions, exercise.name))
        body = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        for line in body.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in text, f"{exercise.name}: {line.strip()!r} leaked"
        assert f"def {exercise.name}(" in text
    assert "BEGIN SOLUTION" not in text


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_every_exercise_has_a_solution_cell_and_a_graded_test_cell(lesson):
    cells = build_notebook(lesson)["cells"]
    meta = [cell["metadata"].get("nbgrader", {}) for cell in cells]
    for exercise in lesson.exercises:
        assert any(m.get("grade_id") == f"solution-{exercise.name}" and m["solution"] for m in meta)
        graded = [m for m in meta if m.get("grade_id") == exercise.grade_id]
        assert len(graded) == 1 and graded[0]["grade"] and graded[0]["locked"]
        assert graded[0]["points"] == exercise.points
    assert any(cell["metadata"].get("llmcourse", {}).get("role") == "figure" for cell in cells), "no figure"
