"""Build a lesson's nbgrader source notebook from its lesson script and its reference solutions.

Solution code is written once, in `solutions/lNN_*.py`, with nbgrader's `### BEGIN SOLUTION` /
`### END SOLUTION` markers inside each function. The lesson script `assignments/<id>/lesson.py`
holds the teaching text and visible tests as cells, in a percent format:

    # %% [markdown]                 teaching text, each line starting with '# '
    # %%                            provided code (read-only in nbgrader)
    # %% figure                     provided code drawing a figure (read-only; the grader skips it)
    # %% solution softmax [helper]  filled with the source of these functions from the solutions module
    # %% tests softmax              the visible sanity tests: the exercise's graded cell (points, grade id
                                    from course.yml)

`llmcourse build` writes `assignments/<id>/<id>.ipynb`; a test proves the committed notebooks equal
what this produces, so notebooks and solutions never drift.
"""

import importlib
import inspect
import json
import re

import nbformat
from nbgrader.preprocessors import ClearSolutions

from autograder.engine.course import CourseError, check_lesson_files

HEADER = re.compile(r"^# %%(?: \[(markdown)\]| (figure|solution|tests)(?: (.*))?)?\s*$")


SOLUTION_ID = "solution-{}"  # nbgrader grade id of an exercise's solution cell


class LessonScriptError(CourseError):
    pass


def parse_lesson_script(text, filename="lesson.py"):
    """[(kind, args, body)] with kind in markdown, code, figure, solution, tests."""
    cells, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        match = HEADER.match(line)
        if match:
            kind = match.group(1) or match.group(2) or "code"
            args = (match.group(3) or "").split()
            if kind in ("solution", "tests") and not args:
                raise LessonScriptError(f"{filename}:{number}: '# %% {kind}' needs a function name")
            current = [kind, args, []]
            cells.append(current)
        elif current is None:
            if line.strip():
                raise LessonScriptError(f"{filename}:{number}: text before the first '# %%' cell marker")
        else:
            current[2].append(line)
    result = []
    for kind, args, lines in cells:
        if kind == "markdown":
            for line in lines:
                if line.strip() and not line.startswith("#"):
                    raise LessonScriptError(f"{filename}: markdown line not starting with '#': {line!r}")
            lines = [line[2:] if line.startswith("# ") else line[1:] for line in lines]
        result.append((kind, args, "\n".join(lines).strip("\n")))
    return result


def _nbgrader(grade_id, **flags):
    meta = {"grade": False, "solution": False, "locked": True, "grade_id": grade_id, "schema_version": 3}
    meta.update(flags)
    return meta


def build_notebook(lesson):
    """The nbgrader source notebook of `lesson`, as a dict."""
    solutions = importlib.import_module(lesson.solutions)
    cells = []
    counts = {}
    for kind, args, body in parse_lesson_script(lesson.lesson_script.read_text(encoding="utf-8"),
                                                str(lesson.lesson_script)):
        counts[kind] = counts.get(kind, 0) + 1
        cell_id = f"{kind}-{counts[kind]}"
        metadata = {}
        if kind == "markdown":
            metadata["nbgrader"] = _nbgrader(cell_id)
        elif kind in ("code", "figure"):
            metadata["nbgrader"] = _nbgrader(cell_id)
            if kind == "figure":
                metadata["llmcourse"] = {"role": "figure"}
        elif kind == "solution":
            try:
                body = "\n\n\n".join(inspect.getsource(getattr(solutions, name)).rstrip() for name in args)
            except AttributeError as error:
                raise LessonScriptError(f"{lesson.lesson_script}: {error}") from None
            cell_id = SOLUTION_ID.format(args[0])
            metadata["nbgrader"] = _nbgrader(cell_id, solution=True, locked=False)
        elif kind == "tests":
            exercise = lesson.exercise(args[0])
            cell_id = exercise.grade_id
            metadata["nbgrader"] = _nbgrader(cell_id, grade=True, points=exercise.points)
        cell = {"cell_type": "markdown" if kind == "markdown" else "code", "id": cell_id,
                "metadata": metadata, "source": body.splitlines(True)}
        if cell["cell_type"] == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_text(notebook):
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def released(notebook):
    """What students get: nbgrader's own ClearSolutions applied to the source notebook."""
    node, _ = ClearSolutions().preprocess(nbformat.reads(notebook_text(notebook), as_version=4), {})
    return json.loads(nbformat.writes(node))


def solution_cells(notebook):
    """{exercise name: its solution cell} of a built, released or submitted notebook."""
    prefix = SOLUTION_ID.format("")
    cells = {}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith(prefix):
            cells[grade_id.removeprefix(prefix)] = cell
    return cells


def lesson_data_files(lesson):
    """Files the notebook reads beside it (a corpus, ...): all but the notebook and the authoring scripts."""
    return sorted(path for path in lesson.notebook.parent.iterdir()
                  if path.is_file() and path.suffix not in (".py", ".ipynb"))


def write_notebooks(lessons):
    """Rebuild the notebooks of `lessons`; returns the paths that changed. A lesson that is not
    available yet is built once its files are all there (CourseError naming what is missing)."""
    written = []
    for lesson in lessons:
        if not lesson.available:
            if not lesson.exercises:
                raise CourseError(f"lesson {lesson.id} has no exercises in course.yml yet: start it with "
                                  f"`llmcourse new-lesson {lesson.id} EXERCISE:POINTS ...`")
            check_lesson_files(lesson, need_notebook=False)
        text = notebook_text(build_notebook(lesson))
        if not lesson.notebook.exists() or lesson.notebook.read_text(encoding="utf-8") != text:
            lesson.notebook.write_text(text, encoding="utf-8")
            written.append(lesson.notebook)
    return written
