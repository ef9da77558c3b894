"""The instructor's loop on real nbgrader: init, release, fetch/submit through the exchange (one
student with nbgrader's own CLI), collect, autograde into the gradebook, feedback, export — and the
gradebook shows exactly what `llmcourse check --json` gives for the same notebooks."""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from autograder.classroom import exchange
from autograder.classroom.coursedir import init_course
from autograder.classroom.autograde import REPORT_FILE, autograde
from autograder.classroom.demo import ada, ben, eve, work_on

from support import COURSE

LESSON = COURSE.lesson("01-introduction")
NOTEBOOK = f"{LESSON.id}.ipynb"
SUITE_LINES = [line.strip() for path in LESSON.suite_dir.glob("test_*.py")
               for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 25]


def run(command, cwd, timeout=300):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def student_config(home, student, exchange):
    home.mkdir(parents=True, exist_ok=True)
    (home / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE.id!r}\n"
        f"c.CourseDirectory.student_id = {student!r}\nc.Exchange.root = {str(exchange)!r}\n"
        f"c.Exchange.cache = {str(home / '.cache')!r}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course where ada and ben submitted with nbgrader's exchange classes, eve with its CLI."""
    base = tmp_path_factory.mktemp("roundtrip")
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name,email\nada,Ada,L,ada@example.org\nben,Ben,K,\neve,Eve,M,\n",
                      encoding="utf-8")
    # Every student is this one OS user here, so no folder's owner can tell them apart.
    run(["llmcourse", "init", str(base / "course"), "--roster", str(roster), "--no-owner-check"], cwd=base)
    root = base / "course"
    run(["llmcourse", "release", LESSON.id, "--course-dir", str(root)], cwd=base)
    submitted = {}
    for name, make in (("ada", ada), ("ben", ben)):
        desk = exchange.StudentDesk(base / name, COURSE.id, name, root / "exchange")
        submitted[name] = work_on(desk.fetch(LESSON.id) / NOTEBOOK, LESSON, make)
        desk.submit(LESSON.id)
    eve_home = base / "eve"
    student_config(eve_home, "eve", root / "exchange")
    run(["nbgrader", "fetch_assignment", LESSON.id], cwd=eve_home)
    submitted["eve"] = work_on(eve_home / LESSON.id / NOTEBOOK, LESSON, eve)
    run(["nbgrader", "submit", LESSON.id], cwd=eve_home)
    run(["llmcourse", "collect", LESSON.id, "--course-dir", str(root)], cwd=base)
    return root, submitted


@pytest.fixture(scope="module")
def graded(course):
    root, submitted = course
    run(["llmcourse", "autograde", LESSON.id, "--course-dir", str(root), "--workers", "2"], cwd=root)
    return root, submitted


def test_release_holds_no_solution_code_or_suites(course):
    root, _ = course
    outbound = root / "exchange" / COURSE.id / "outbound"
    released = [p for base in (root / "release", outbound) for p in base.rglob("*") if p.is_file()]
    assert len(released) >= 2
    assert "### BEGIN SOLUTION" in LESSON.notebook.read_text(encoding="utf-8")
    for path in released:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "BEGIN SOLUTION" not in text and "np.max(x, axis=axis, keepdims=True)" not in text, path
        assert not any(line in text for line in SUITE_LINES), path
        assert not path.name.startswith("test_") and path.suffix != ".py", path


def test_gradebook_and_nbgrader_export_match_check_json(graded, tmp_path):
    root, submitted = graded
    run(["nbgrader", "export", "--to", str(tmp_path / "nbgrader.csv")], cwd=root)
    with open(tmp_path / "nbgrader.csv", newline="") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    run(["llmcourse", "export", "--course-dir", str(root), "-o", str(tmp_path / "ours.csv")], cwd=root)
    with open(tmp_path / "ours.csv", newline="") as handle:
        ours = {row["student_id"]: row for row in csv.DictReader(handle)}
    for student, notebook in submitted.items():
        check = json.loads(run(["llmcourse", "check", str(notebook), "--json"], cwd=root).stdout)
        assert exported[student] == check["score"], student
        assert float(ours[student][f"{LESSON.id}/total"]) == check["score"]
        for exercise in check["exercises"]:
            assert float(ours[student][f"{LESSON.id}/{exercise['name']}"]) == exercise["score"]
    assert exported["ada"] == LESSON.max_score and exported["eve"] == 0
    assert 0 < exported["ben"] < LESSON.max_score


def test_rerun_skips_and_force_regrades_without_doubling(graded):
    root, _ = graded
    again = run(["llmcourse", "autograde", LESSON.id, "--course-dir", str(root)], cwd=root)
    assert "3 submission(s) of 01-introduction already graded" in again.stderr
    run(["llmcourse", "autograde", LESSON.id, "--course-dir", str(root), "--student", "ben", "--force"], cwd=root)
    with sqlite3.connect(root / "gradebook.db") as db:
        assert db.execute("select count(*) from submitted_assignment").fetchone()[0] == 3
        assert db.execute("select count(*) from grade").fetchone()[0] == 3 * len(LESSON.exercises)


def test_the_formgrader_sees_the_released_test_cells_not_the_students_edits(graded):
    """eve set every grade cell's points to 1000 and tagged it skip-execution; the copy in autograded/
    that the formgrader shows has the released cells back, as `nbgrader autograde` would leave it."""
    root, submitted = graded
    released = json.loads((root / "release" / LESSON.id / f"{LESSON.id}.ipynb").read_text(encoding="utf-8"))
    reviewed = json.loads((root / "autograded" / "eve" / LESSON.id / f"{LESSON.id}.ipynb").read_text(encoding="utf-8"))
    as_submitted = json.loads(submitted["eve"].read_text(encoding="utf-8"))

    def grade_cells(notebook):
        return {cell["metadata"]["nbgrader"]["grade_id"]: (cell["source"], cell["metadata"]["nbgrader"]["points"])
                for cell in notebook["cells"] if cell["metadata"].get("nbgrader", {}).get("grade")}

    assert {points for _, points in grade_cells(as_submitted).values()} == {1000}
    assert grade_cells(reviewed) == grade_cells(released)


def test_feedback_is_released_and_never_shows_hidden_tests(graded):
    root, _ = graded
    run(["llmcourse", "feedback", LESSON.id, "--course-dir", str(root)], cwd=root)
    pages = sorted((root / "feedback").glob(f"*/{LESSON.id}/{LESSON.id}.html"))
    assert [p.parts[-3] for p in pages] == ["ada", "ben", "eve"]
    released = list((root / "exchange" / COURSE.id / "feedback").glob("*.html"))
    assert len(released) == 3
    for page in pages + released:
        text = page.read_text(encoding="utf-8")
        assert not any(line in text for line in SUITE_LINES), page
        assert "def test_" not in text and "@graded" not in text and "expect_close" not in text
    ben_page = (root / "feedback" / "ben" / LESSON.id / f"{LESSON.id}.html").read_text(encoding="utf-8")
    assert "Failing call: " in ben_page and "Hint:" in ben_page
    desk = exchange.StudentDesk(root.parent / "ben", COURSE.id, "ben", root / "exchange")
    fetched = list(desk.fetch_feedback(LESSON.id).glob(f"*/{LESSON.id}.html"))
    assert len(fetched) == 1 and fetched[0].read_text(encoding="utf-8") == ben_page


def test_gradescope_export_has_one_results_file_per_submission(graded, tmp_path):
    root, _ = graded
    run(["llmcourse", "export", "--course-dir", str(root), "--format", "gradescope", "-o", str(tmp_path / "gs")],
        cwd=root)
    for student, expected in (("ada", LESSON.max_score), ("eve", 0)):
        results = json.loads((tmp_path / "gs" / student / LESSON.id / "results.json").read_text())
        assert set(results) == {"score", "execution_time", "tests"}
        assert results["score"] == expected
        assert sum(t["max_score"] for t in results["tests"]) == LESSON.max_score
        for test in results["tests"]:
            assert set(test) == {"name", "score", "max_score", "output", "visibility"}


def roster(tmp_path, students):
    path = tmp_path / "roster.csv"
    path.write_text("id\n" + "".join(f"{student}\n" for student in students), encoding="utf-8")
    return path


def test_killing_autograde_midway_loses_nothing_and_doubles_nothing(tmp_path):
    fresh = init_course(tmp_path / "course", COURSE, roster(tmp_path, [f"s{index}" for index in range(4)]),
                        check_owner=False)
    exchange.release(fresh, LESSON.id)
    for index in range(4):
        desk = exchange.StudentDesk(tmp_path / f"s{index}", COURSE.id, f"s{index}", fresh / "exchange")
        work_on(desk.fetch(LESSON.id) / NOTEBOOK, LESSON, ada if index % 2 == 0 else ben)
        desk.submit(LESSON.id)
    exchange.collect(fresh, LESSON.id)
    process = subprocess.Popen(["llmcourse", "autograde", LESSON.id, "--course-dir", str(fresh)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def reports():
        return list((fresh / "autograded").glob(f"*/{LESSON.id}/{REPORT_FILE}"))

    deadline = time.monotonic() + 240
    while not reports() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(reports())
    assert 1 <= done_before < 4, "the kill should land mid-run"
    results = autograde(fresh, COURSE, LESSON.id, workers=2).graded
    assert len(results) == 4 - done_before and len(reports()) == 4
    with sqlite3.connect(fresh / "gradebook.db") as db:
        assert db.execute("select count(*) from submitted_assignment").fetchone()[0] == 4
        totals = dict(db.execute(
            "select student.id, sum(grade.auto_score) from grade join submitted_notebook on grade.notebook_id ="
            " submitted_notebook.id join submitted_assignment on submitted_notebook.assignment_id ="
            " submitted_assignment.id join student on submitted_assignment.student_id = student.id"
            " group by student.id").fetchall())
    assert totals["s0"] == totals["s2"] == LESSON.max_score
    assert totals["s1"] == totals["s3"] < LESSON.max_score


def test_a_broken_submission_scores_zero_with_its_reason_and_the_batch_goes_on(tmp_path):
    root = init_course(tmp_path / "course", COURSE, roster(tmp_path, ["ok", "broken"]), check_owner=False)
    exchange.release(root, LESSON.id)
    for name in ("ok", "broken"):
        desk = exchange.StudentDesk(tmp_path / name, COURSE.id, name, root / "exchange")
        path = work_on(desk.fetch(LESSON.id) / NOTEBOOK, LESSON, ada)
        if name == "broken":
            path.write_text("{ this is not a notebook", encoding="utf-8")
        desk.submit(LESSON.id)
    exchange.collect(root, LESSON.id)
    results = autograde(root, COURSE, LESSON.id).graded
    assert results["ok"]["score"] == LESSON.max_score
    assert results["broken"]["score"] == 0 and results["broken"]["max_score"] == LESSON.max_score
    messages = [t["message"] for e in results["broken"]["exercises"] for t in e["tests"]]
    assert messages and all("could not be graded" in m and "not a notebook" in m for m in messages)
    kept = root / "autograded" / "broken" / LESSON.id / f"{LESSON.id}.ipynb"
    assert kept.read_text(encoding="utf-8") == "{ this is not a notebook"
