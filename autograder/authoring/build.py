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

After each figure cell the build puts its **expected result**: a read-only markdown cell showing what
the cell draws (PNG attachments) and prints when the functions are right, rendered from the reference
solutions by running the provided, solution and figure cells in a subprocess (render.py). Rendering
takes seconds, so each expected result carries a key, a hash of everything its figure depends on (the
code run up to that cell, the lesson's data files, the renderer); the build renders a lesson again only
when one of its keys changed, and otherwise takes the images from the committed notebook. To render
everything again (say, after a matplotlib upgrade), delete the notebook and build.

`llmcourse build` writes `assignments/<id>/<id>.ipynb`; a test proves the committed notebooks equal
what this produces, so notebooks, solutions and expected figures never drift.
"""

import base64
import hashlib
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearSolutions

from autograder.engine.course import CourseError, check_lesson_files

HEADER = re.compile(r"^# %%(?: \[(markdown)\]| (figure|solution|tests)(?: (.*))?)?\s*$")


SOLUTION_ID = "solution-{}"  # nbgrader grade id of an exercise's solution cell
EXPECTED_ID = "expected-{}"  # id of the expected result of the figure cell figure-N, N the same
RENDERER = Path(__file__).with_name("render.py")
RENDER_TIMEOUT = 1200  # seconds to run a lesson's figure cells; lessons that train a model take minutes
PRINTED_LINES = 30  # an expected result shows at most this many printed lines


class LessonScriptError(CourseError):
    pass


def parse_lesson_script(text, filename="lesson.py"):
    """[(kind, args, body, line)] with kind in markdown, code, figure, solution, tests, and line the
    number of the body's first line in the script."""
    cells, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        match = HEADER.match(line)
        if match:
            kind = match.group(1) or match.group(2) or "code"
            args = (match.group(3) or "").split()
            if kind in ("solution", "tests") and not args:
                raise LessonScriptError(f"{filename}:{number}: '# %% {kind}' needs a function name")
            current = [kind, args, [], number + 1]
            cells.append(current)
        elif current is None:
            if line.strip():
                raise LessonScriptError(f"{filename}:{number}: text before the first '# %%' cell marker")
        else:
            current[2].append(line)
    result = []
    for kind, args, lines, first in cells:
        if kind == "markdown":
            for line in lines:
                if line.strip() and not line.startswith("#"):
                    raise LessonScriptError(f"{filename}: markdown line not starting with '#': {line!r}")
            lines = [line[2:] if line.startswith("# ") else line[1:] for line in lines]
        leading_blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
        result.append((kind, args, "\n".join(lines).strip("\n"), first + leading_blank))
    return result


def _nbgrader(grade_id, **flags):
    meta = {"grade": False, "solution": False, "locked": True, "grade_id": grade_id, "schema_version": 3}
    meta.update(flags)
    return meta


def build_notebook(lesson, render=False):
    """The nbgrader source notebook of `lesson`, as a dict, each figure cell followed by its expected
    result. Results whose key matches the committed notebook's are taken from it; the others are
    rendered when `render` is true (the whole lesson is run again), or else shown as "not rendered
    yet", so that a notebook whose figures changed no longer equals its build."""
    solutions = importlib.import_module(lesson.solutions)
    cells, runnable, keys = [], [], {}
    counts = {}
    inputs = _render_inputs(lesson)
    for kind, args, body, line in parse_lesson_script(lesson.lesson_script.read_text(encoding="utf-8"),
                                                      str(lesson.lesson_script)):
        counts[kind] = counts.get(kind, 0) + 1
        cell_id = f"{kind}-{counts[kind]}"
        metadata = {}
        where = {"filename": str(lesson.lesson_script), "line": line}
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
            where = {"filename": f"<solution cell of {', '.join(args)}>", "line": 1, "functions": args}
        elif kind == "tests":
            exercise = lesson.exercise(args[0])
            cell_id = exercise.grade_id
            metadata["nbgrader"] = _nbgrader(cell_id, grade=True, points=exercise.points)
        cell = {"cell_type": "markdown" if kind == "markdown" else "code", "id": cell_id,
                "metadata": metadata, "source": body.splitlines(True)}
        if cell["cell_type"] == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
        if kind in ("code", "solution", "figure"):
            runnable.append({"id": cell_id, "kind": kind, "source": body, **where})
        if kind == "figure":
            keys[cell_id] = _figure_key(inputs, runnable)
    results = _expected_results(lesson, runnable, keys, render)
    with_results = []
    for cell in cells:
        with_results.append(cell)
        if cell["id"] in keys:
            with_results.append(expected_result_cell(cell["id"], keys[cell["id"]], results.get(cell["id"])))
    return {
        "cells": with_results,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _render_inputs(lesson):
    """What every expected result of `lesson` depends on besides its code: the renderer and the
    lesson's data files (with Windows line endings read as Unix ones, so that a checkout that
    converts them keeps its keys)."""
    digest = hashlib.sha256(RENDERER.read_bytes().replace(b"\r\n", b"\n"))
    for path in lesson_data_files(lesson):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).digest())
    return digest


def _figure_key(inputs, runnable):
    """The key of a figure cell's expected result: a hash of `inputs` and of the code run up to the
    cell (not of where it sits in lesson.py, which text edits move)."""
    digest = inputs.copy()
    for cell in runnable:
        digest.update(json.dumps([cell["kind"], cell["source"]]).encode())
    return digest.hexdigest()[:20]


def expected_result_cell(figure_id, key, result):
    """The read-only markdown cell after the figure cell `figure_id`: its images as attachments and
    what it printed, or, when `result` is None, a note that it is not rendered yet."""
    number = figure_id.removeprefix("figure-")
    cell_id = EXPECTED_ID.format(number)
    if result is None:
        return {"cell_type": "markdown", "id": cell_id,
                "metadata": {"nbgrader": _nbgrader(cell_id),
                             "llmcourse": {"role": "expected", "figure": figure_id, "key": None}},
                "source": ["**Expected result** of the cell above: not rendered yet (`llmcourse build`)."]}
    names = [f"{figure_id}-{k}.png" for k in range(1, len(result["images"]) + 1)]
    parts = ["**Expected result** of the cell above, made with the course's reference solutions: once your "
             "functions work, your output should look like this."]
    parts += [f"![expected figure {k}](attachment:{name})" for k, name in enumerate(names, 1)]
    if result["printed"]:
        fence = "`" * max(3, 1 + max(map(len, re.findall("`+", result["printed"])), default=0))
        parts.append(f"It prints:\n\n{fence}text\n{result['printed'].rstrip()}\n{fence}")
    cell = {"cell_type": "markdown", "id": cell_id,
            "metadata": {"nbgrader": _nbgrader(cell_id),
                         "llmcourse": {"role": "expected", "figure": figure_id, "key": key,
                                       "printed": result["printed"]}},
            "source": "\n\n".join(parts).splitlines(True)}
    if names:
        cell["attachments"] = {name: {"image/png": image} for name, image in zip(names, result["images"])}
    return cell


def expected_results_of(notebook):
    """{figure cell id: {"key", "images": [base64 PNG], "printed"}} of the expected-result cells of a
    built notebook (as expected_result_cell wrote them)."""
    results = {}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("llmcourse", {})
        if meta.get("role") == "expected" and meta.get("key"):
            attachments = cell.get("attachments", {})
            names = sorted(attachments, key=lambda name: int(name.removesuffix(".png").rsplit("-", 1)[1]))
            results[meta["figure"]] = {"key": meta["key"], "printed": meta["printed"],
                                       "images": [attachments[name]["image/png"] for name in names]}
    return results


def _expected_results(lesson, runnable, keys, render):
    committed = expected_results_of(json.loads(lesson.notebook.read_text(encoding="utf-8"))) \
        if lesson.notebook.is_file() else {}
    fresh = {figure: committed[figure] for figure, key in keys.items()
             if figure in committed and committed[figure]["key"] == key}
    if len(fresh) == len(keys) or not render:
        return fresh
    stubs = _stub_solutions(lesson, runnable)
    if stubs:
        print(f"llmcourse: lesson {lesson.id}: expected figures not rendered: the reference solutions of "
              f"{', '.join(stubs)} are not written yet", file=sys.stderr)
        return fresh
    return _render(lesson, runnable, keys)


def _stub_solutions(lesson, runnable):
    """The functions of the lesson's solution cells whose reference is still a stub."""
    solutions = importlib.import_module(lesson.solutions)
    bodies = {name: inspect.getsource(getattr(solutions, name)).split("### BEGIN SOLUTION")[-1]
              for cell in runnable for name in cell.get("functions", ())}
    return [name for name, body in bodies.items() if "raise NotImplementedError" in body]


def _render(lesson, runnable, keys):
    """Run the lesson's code with render.py; {figure cell id: its result}, or LessonScriptError naming
    the lesson and the cell that failed."""
    with tempfile.TemporaryDirectory(prefix=f"render-{lesson.id}-") as folder:
        folder = Path(folder)
        for path in lesson_data_files(lesson):  # the notebook reads them beside itself
            shutil.copy2(path, folder / path.name)
        spec, result = folder / "cells.json", folder / "result.json"
        spec.write_text(json.dumps(runnable), encoding="utf-8")
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", HF_HUB_OFFLINE="1")
        try:
            process = subprocess.run([sys.executable, str(RENDERER), str(spec), str(result)], cwd=folder, env=env,
                                     capture_output=True, text=True, timeout=RENDER_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise LessonScriptError(f"lesson {lesson.id}: its figure cells took more than {RENDER_TIMEOUT} s "
                                    "to render") from None
        if not result.is_file():
            raise LessonScriptError(f"lesson {lesson.id}: rendering its figures crashed "
                                    f"(exit status {process.returncode}):\n{process.stderr}")
        outcome = json.loads(result.read_text(encoding="utf-8"))
    if "failed" in outcome:
        cell = next(cell for cell in runnable if cell["id"] == outcome["failed"])
        raise LessonScriptError(f"lesson {lesson.id}: the {cell['kind']} cell at {cell['filename']}:{cell['line']} "
                                f"failed while rendering the expected figures:\n{outcome['error']}")
    results = {}
    for figure, shown in outcome["figures"].items():
        cell = next(cell for cell in runnable if cell["id"] == figure)
        if not shown["images"] and not shown["printed"].strip():
            raise LessonScriptError(f"lesson {lesson.id}: the figure cell at {cell['filename']}:{cell['line']} "
                                    "shows nothing: a figure cell draws a figure or prints what the student "
                                    "should see (code that only prepares belongs in the figure cell that shows it)")
        lines = shown["printed"].splitlines()
        if len(lines) > PRINTED_LINES:
            lines = lines[:PRINTED_LINES] + [f"... ({len(lines) - PRINTED_LINES} more lines)"]
        results[figure] = {"key": keys[figure], "images": shown["images"],
                           "printed": "\n".join(lines) + "\n" if lines else ""}
    return results


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
    """Rebuild the notebooks of `lessons`, rendering the expected figures that changed; returns the
    paths that changed. A lesson that is not available yet is built once its files are all there
    (CourseError naming what is missing)."""
    written = []
    for lesson in lessons:
        if not lesson.available:
            if not lesson.exercises:
                raise CourseError(f"lesson {lesson.id} has no exercises in course.yml yet: start it with "
                                  f"`llmcourse new-lesson {lesson.id} EXERCISE:POINTS ...`")
            check_lesson_files(lesson, need_notebook=False)
        text = notebook_text(build_notebook(lesson, render=True))
        if not lesson.notebook.exists() or lesson.notebook.read_text(encoding="utf-8") != text:
            lesson.notebook.write_text(text, encoding="utf-8")
            written.append(lesson.notebook)
    return written
