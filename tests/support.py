"""Building submissions for the project's own tests: a lesson's released notebook with some
solution cells replaced by other code, as a student would have written it."""

import importlib
import json
from pathlib import Path

from autograder.authoring.build import build_notebook, notebook_text, released, solution_cells
from autograder.engine.course import load_course
from autograder.engine.pipeline import grade

COURSE = load_course()


def released_notebook(lesson):
    return released(build_notebook(lesson))


def notebook_with(lesson, replacements, base=None):
    """The released notebook (or `base`) with the solution cell of each named exercise replaced."""
    notebook = json.loads(json.dumps(base or released_notebook(lesson)))
    cells = solution_cells(notebook)
    missing = sorted(set(replacements) - set(cells))
    if missing:
        raise KeyError(f"{lesson.id} has no solution cell for {missing}")
    for name, code in replacements.items():
        cells[name]["source"] = code
    return notebook


def write(notebook, path):
    path = Path(path)
    path.write_text(notebook_text(notebook), encoding="utf-8")
    return path


def code_cell(source):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def grade_notebook(lesson, notebook, tmp_path, only=None, workers=None):
    Path(tmp_path).mkdir(parents=True, exist_ok=True)
    path = write(notebook, Path(tmp_path) / f"{lesson.id}.ipynb")
    return grade(path, COURSE, lesson.id, only=only, workers=workers)


def grade_with(lesson, replacements, tmp_path, only=None, base=None):
    return grade_notebook(lesson, notebook_with(lesson, replacements, base), tmp_path, only=only)


def lesson_mistakes(lesson):
    """The module tests/lessons/<lesson package>/mistakes.py: MISTAKES {exercise: {label: code}}
    and ALTERNATIVES {exercise: code}."""
    return importlib.import_module(f"lessons.{lesson.package}.mistakes")


def exercise_result(report, name):
    return next(e for e in report.exercises if e.name == name)
