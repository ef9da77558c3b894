"""The `llmcourse` console script, as students and self-learners run it."""

import json
import subprocess
import sys

import pytest

from support import COURSE, released_notebook, write

LESSON = COURSE.lesson("01-introduction")


def llmcourse(*args):
    return subprocess.run(["llmcourse", *args], capture_output=True, text=True, timeout=300)


def test_check_json_prints_one_object_of_the_documented_shape():
    run = llmcourse("check", str(LESSON.notebook), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert set(report) == {"assignment", "score", "max_score", "sandboxed", "isolation", "grading", "exercises"}
    assert report["isolation"]["sandbox"] == "bubblewrap" and set(report["grading"]) == {"fingerprint", "versions"}
    assert report["assignment"] == LESSON.id and report["sandboxed"] is True
    assert report["score"] == report["max_score"] == LESSON.max_score
    assert [e["name"] for e in report["exercises"]] == [e.name for e in LESSON.exercises]
    for exercise in report["exercises"]:
        assert set(exercise) == {"name", "score", "max_score", "tests"}
        for test in exercise["tests"]:
            assert set(test) == {"name", "passed", "score", "max_score", "message"}


def test_check_released_notebook_exits_zero_with_zero_score(tmp_path):
    path = write(released_notebook(LESSON), tmp_path / "mine.ipynb")
    run = llmcourse("check", str(path))
    assert run.returncode == 0, run.stderr
    assert f"{LESSON.id}: 0/{LESSON.max_score} points" in run.stdout
    assert "not implemented" in run.stdout


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("{not json", "not a notebook"),
    ('{"cells": 3}', "not a Jupyter notebook"),
    ('{"cells": [], "metadata": {}}', "matches none of the course's assignments"),
])
def test_unusable_input_exits_nonzero_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "input.ipynb"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    run = llmcourse("check", str(path))
    assert run.returncode == 2
    assert message in run.stderr and run.stdout == ""


def test_unknown_assignment_and_usage_errors(tmp_path):
    run = llmcourse("check", str(LESSON.notebook), "--assignment", "99-nothing")
    assert run.returncode == 2 and "no lesson '99-nothing'" in run.stderr
    assert llmcourse("check").returncode == 2
    assert llmcourse("frobnicate").returncode == 2


def test_notebook_command_writes_the_student_version_and_keeps_existing_work(tmp_path):
    target = tmp_path / "lesson.ipynb"
    assert llmcourse("notebook", LESSON.id, "-o", str(target)).returncode == 0
    assert "raise NotImplementedError()" in target.read_text(encoding="utf-8")
    again = llmcourse("notebook", LESSON.id, "-o", str(target))
    assert again.returncode == 2 and "--force" in again.stderr


def test_module_entry_point_matches_console_script():
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "--help"], capture_output=True, text=True)
    assert run.returncode == 0 and "check" in run.stdout


def test_notebook_command_brings_the_data_the_notebook_reads(tmp_path):
    lesson = COURSE.lesson("03-word-embeddings")
    assert llmcourse("notebook", lesson.id, "-o", str(tmp_path / "mine.ipynb")).returncode == 0
    assert (tmp_path / "corpus.txt").read_bytes() == (lesson.notebook.parent / "corpus.txt").read_bytes()


def test_only_names_exercises_of_the_lesson():
    run = llmcourse("check", str(LESSON.notebook), "--only", "softmax", "--json")
    assert run.returncode == 0 and [e["name"] for e in json.loads(run.stdout)["exercises"]] == ["softmax"]
    wrong = llmcourse("check", str(LESSON.notebook), "--only", "sofmax")
    assert wrong.returncode == 2 and "no exercise named sofmax" in wrong.stderr
