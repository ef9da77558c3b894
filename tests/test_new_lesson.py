"""CONTRIBUTING.md's walkthrough, followed literally in a copy of the course: the scaffold writes a
consistent lesson, the author fills in one function, and the lesson grades."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WALKTHROUGH = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## Walkthrough", 1)[1].split("\n## ", 1)[0]


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", WALKTHROUGH, re.S)


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The course as a checkout holds it (no git history, no caches)."""
    target = tmp_path_factory.mktemp("course") / "llm-course"
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "artifacts", ".venv", "node_modules")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def run(copy, command):
    """A walkthrough command, with this copy's package first on the path."""
    words = shlex.split(command)
    if words[0] == "llmcourse":
        words = [sys.executable, "-m", "autograder.cli", *words[1:]]
    env = dict(os.environ, PYTHONPATH=str(copy))
    return subprocess.run(words, cwd=copy, env=env, capture_output=True, text=True, timeout=600)


def test_the_walkthrough_adds_a_lesson_that_grades(copy):
    first, second, third = blocks("bash")
    scaffold = run(copy, first.strip())
    assert scaffold.returncode == 0, scaffold.stderr
    to_fill = re.findall(r"^  (\S+)$", scaffold.stdout, re.M)
    assert len(to_fill) == 5, scaffold.stdout  # the files an author writes by hand
    # The course loads, with the new lesson in it, before anything is filled in.
    listed = run(copy, "llmcourse build 14-relu")
    assert listed.returncode == 0, listed.stderr

    # Fill in the reference solution, as the walkthrough shows it.
    solutions = copy / "solutions" / "l14_relu.py"
    text = solutions.read_text(encoding="utf-8")
    stub = re.search(r"def relu\(x\):.*?### END SOLUTION\n", text, re.S).group(0)
    solutions.write_text(text.replace(stub, blocks("python")[0]), encoding="utf-8")

    results = [run(copy, line) for line in second.strip().splitlines()]
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    build, source, _, released = results
    assert "14-relu: 2/2 points" in source.stdout, source.stdout
    assert "14-relu: 0/2 points" in released.stdout and "not implemented" in released.stdout, released.stdout

    # What the walkthrough changed: the five files to fill, course.yml, the built notebook, two empty
    # package markers and the released notebook it wrote.
    changed = {str(path.relative_to(copy)) for path in copy.rglob("*")
               if path.is_file() and "__pycache__" not in path.parts
               and not ((ROOT / path.relative_to(copy)).is_file()
                        and (ROOT / path.relative_to(copy)).read_bytes() == path.read_bytes())}
    filled = {str(Path(path).relative_to(copy)) for path in to_fill}
    assert changed == filled | {"course.yml", "assignments/14-relu/14-relu.ipynb", "released.ipynb",
                                "autograder/lessons/l14_relu/__init__.py", "tests/lessons/l14_relu/__init__.py"}, changed
    course = (copy / "course.yml").read_text(encoding="utf-8")
    assert re.search(r"- id: 14-relu\n    title: \"Rectified linear units\"\n    available: true\n"
                     r"    exercises: \{relu: 2\}", course), course
    notebook = json.loads((copy / "assignments/14-relu/14-relu.ipynb").read_text(encoding="utf-8"))
    grade_ids = [cell["metadata"]["nbgrader"].get("grade_id") for cell in notebook["cells"]]
    assert "solution-relu" in grade_ids and "test_relu" in grade_ids
    assert third.strip().splitlines()[0] == "llmcourse build 14-relu"


def test_building_a_lesson_that_is_not_ready_says_what_is_missing(copy):
    course = copy / "course.yml"
    original = course.read_text(encoding="utf-8")
    try:
        course.write_text(original + "\n  - id: 15-planned\n    title: Planned\n    available: false\n", encoding="utf-8")
        result = run(copy, "llmcourse build 15-planned")
        assert result.returncode == 2
        assert "lesson 15-planned has no exercises in course.yml yet" in result.stderr, result.stderr
        course.write_text(original + "\n  - id: 15-planned\n    title: Planned\n    available: false\n"
                                     "    exercises: {gelu: 1}\n", encoding="utf-8")
        result = run(copy, "llmcourse build 15-planned")
        assert result.returncode == 2
        assert "its lesson script assignments/15-planned/lesson.py is missing" in result.stderr, result.stderr
    finally:
        course.write_text(original, encoding="utf-8")
