"""One source of truth: the committed notebooks are exactly what the lesson scripts, the reference
solutions and their rendered figures build, the released notebooks hide every line of solution code,
and every figure cell is followed by its expected result, fresh.

Freshness is checked without rendering anything (rendering takes seconds per lesson): the build keys
each expected result by a hash of the code it was drawn from, and takes images from the committed
notebook only when their key matches the code of today, so a committed notebook equals its build
only if its images were rendered from today's code."""

import ast
import base64
import importlib
import inspect
import json

import pytest

from autograder.authoring.build import LessonScriptError, build_notebook, notebook_text, released, write_notebooks
from autograder.engine.course import Lesson

from support import COURSE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}  # pixels only: no text, no timestamps
LARGEST_IMAGE = 80_000  # bytes; a figure rendered at 80 dpi in 256 colours takes 5-40 kB


def solution_lines(lesson):
    """The lines of the lesson's reference solution bodies long enough to be recognised."""
    solutions = importlib.import_module(lesson.solutions)
    for exercise in lesson.exercises:
        source = inspect.getsource(getattr(solutions, exercise.name))
        body = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        yield from (line.strip() for line in body.splitlines() if len(line.strip()) > 12)


def png_chunks(data):
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    position, chunks = len(PNG_SIGNATURE), []
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        chunks.append(data[position + 4:position + 8])
        position += 12 + length
    return chunks


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_committed_notebook_is_built_from_lesson_script_and_solutions(lesson):
    assert lesson.notebook.read_text(encoding="utf-8") == notebook_text(build_notebook(lesson)), (
        f"{lesson.notebook} is stale (its text, code or expected figures): run `llmcourse build {lesson.id}`")


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_released_notebook_contains_no_solution_code(lesson):
    text = notebook_text(released(build_notebook(lesson)))
    for line in solution_lines(lesson):
        assert line not in text, f"{line!r} leaked"
    for exercise in lesson.exercises:
        assert f"def {exercise.name}(" in text or f"class {exercise.name}(" in text  # TinyGPT is a class
    assert "BEGIN SOLUTION" not in text


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_every_figure_cell_is_followed_by_its_expected_result(lesson):
    """What a student compares their figure with: the images and printed lines the reference
    solutions give, rendered from today's code, in the released notebook, with no solution code."""
    cells = released(build_notebook(lesson))["cells"]
    figures = [i for i, cell in enumerate(cells) if cell["metadata"].get("llmcourse", {}).get("role") == "figure"]
    assert figures, f"lesson {lesson.id} has no figure cell"
    leaks = list(solution_lines(lesson))
    for index in figures:
        figure = cells[index]
        where = f"lesson {lesson.id}, figure cell {figure['id']} ({''.join(figure['source'])[:60]!r}...)"
        expected = cells[index + 1] if index + 1 < len(cells) else {}
        meta = expected.get("metadata", {}).get("llmcourse", {})
        assert meta.get("role") == "expected" and meta.get("figure") == figure["id"], (
            f"{where} is not followed by its expected result: run `llmcourse build {lesson.id}`")
        assert meta["key"], f"{where}: its expected result is not rendered yet: run `llmcourse build {lesson.id}`"
        text = "".join(expected["source"])
        images = {name: base64.b64decode(data["image/png"]) for name, data in expected.get("attachments", {}).items()}
        assert images or meta["printed"].strip(), f"{where}: its expected result shows nothing"
        for name, image in images.items():
            assert f"(attachment:{name})" in text, f"{where}: {name} is attached but not shown"
            assert set(png_chunks(image)) <= IMAGE_CHUNKS, f"{where}: {name} carries more than pixels"
            assert len(image) <= LARGEST_IMAGE, f"{where}: {name} takes {len(image)} bytes: draw it smaller"
        for line in leaks:
            assert line not in text, f"{where}: its expected result shows solution code {line!r}"


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_every_exercise_has_a_solution_cell_and_a_graded_test_cell(lesson):
    cells = build_notebook(lesson)["cells"]
    meta = [cell["metadata"].get("nbgrader", {}) for cell in cells]
    for exercise in lesson.exercises:
        assert any(m.get("grade_id") == f"solution-{exercise.name}" and m["solution"] for m in meta)
        graded = [m for m in meta if m.get("grade_id") == exercise.grade_id]
        assert len(graded) == 1 and graded[0]["grade"] and graded[0]["locked"]
        assert graded[0]["points"] == exercise.points


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_every_visible_assert_carries_a_message(lesson):
    """A bare `AssertionError:` teaches a student nothing (CONTRIBUTING.md)."""
    bare = []
    for cell in build_notebook(lesson)["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            source = "".join(cell["source"])
            bare += [source.splitlines()[node.lineno - 1].strip() for node in ast.walk(ast.parse(source))
                     if isinstance(node, ast.Assert) and node.msg is None]
    assert not bare, f"lesson {lesson.id}: visible asserts without a message: {bare}"


def scratch_lesson(tmp_path, script):
    """Lesson 01's reference solutions with another lesson script, in a folder of its own."""
    lesson = Lesson(id="01-introduction", title="scratch", available=True, root=tmp_path)
    lesson.folder.mkdir(parents=True)
    lesson.lesson_script.write_text(script, encoding="utf-8")
    return lesson


FIGURE_SCRIPT = """# %%
import numpy as np

# %% solution softmax

# %% figure
import matplotlib.pyplot as plt

plt.bar(["a", "b"], softmax(np.array([1.0, 2.0])))
plt.title("two probabilities")
print("drawn")
"""


def test_build_renders_figures_the_same_every_time(tmp_path):
    lesson = scratch_lesson(tmp_path, FIGURE_SCRIPT)
    write_notebooks([lesson])
    first = lesson.notebook.read_text(encoding="utf-8")
    expected = json.loads(first)["cells"][-1]
    assert expected["metadata"]["llmcourse"]["printed"] == "drawn\n"
    assert list(expected["attachments"]) == ["figure-1-1.png"]
    lesson.notebook.unlink()
    write_notebooks([lesson])
    assert lesson.notebook.read_text(encoding="utf-8") == first, "rendering twice gave different bytes"


@pytest.mark.parametrize("figure, error", [
    ("values = softmax(np.array([1.0]))\nraise RuntimeError('broken figure')", "RuntimeError: broken figure"),
    ("values = softmax(np.array([1.0]))", "shows nothing"),
])
def test_a_figure_cell_that_does_not_render_is_a_build_error_naming_the_cell(tmp_path, figure, error):
    lesson = scratch_lesson(tmp_path, FIGURE_SCRIPT.split("# %% figure")[0] + "# %% figure\n" + figure + "\n")
    with pytest.raises(LessonScriptError) as raised:
        write_notebooks([lesson])
    message = str(raised.value)
    assert f"lesson 01-introduction: the figure cell at {lesson.lesson_script}:7" in message, message
    assert error in message, message
    assert not lesson.notebook.exists()
