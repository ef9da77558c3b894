"""The instructor's loop against a hostile class: each attack a class made on collect, autograde,
feedback and export, reproduced, and shown contained: no points for it, no hang, no zero for an
honest student, feedback released to everyone else, nothing left behind."""

import csv
import dataclasses
import datetime
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.classroom import autograde as autograde_module
from autograder.classroom import exchange, untrusted
from autograder.classroom.autograde import REPORT_FILE, autograde
from autograder.classroom.coursedir import CONFIG_FILE, init_course
from autograder.classroom.demo import ada, ben, eve, work_on
from autograder.classroom.export import export_csv
from autograder.classroom.feedback import write_feedback
from autograder.engine.course import CourseError, load_course
from autograder.engine.score import SuiteError

from support import COURSE, notebook_with, write

LESSON = COURSE.lesson("01-introduction")
NOTEBOOK = f"{LESSON.id}.ipynb"
ROSTER = ("ada", "ben", "eve", "daemon")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course with 01-introduction released and ROSTER on its roster, to copy for each test."""
    base = tmp_path_factory.mktemp("released")
    (base / "roster.csv").write_text("id\n" + "".join(f"{s}\n" for s in ROSTER), encoding="utf-8")
    root = init_course(base / "course", COURSE, base / "roster.csv", check_owner=False)
    exchange.release(root, LESSON.id)
    return root


@pytest.fixture
def course(released, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(released, root, symlinks=True)
    config = root / CONFIG_FILE
    config.write_text(config.read_text(encoding="utf-8").replace(str(released), str(root)), encoding="utf-8")
    return root


def check_owners(root):
    config = root / CONFIG_FILE
    config.write_text(config.read_text(encoding="utf-8").replace("check_owner = False", "check_owner = True"),
                      encoding="utf-8")


def submit(root, student, work=ada, replacements=None, extra_cell=None):
    """`student` fetches (once), works and submits through nbgrader's exchange; returns the inbound folder."""
    desk = exchange.StudentDesk(root.parent / "students" / student, COURSE.id, student, root / "exchange")
    path = desk.home / LESSON.id / NOTEBOOK
    if not path.exists():
        desk.fetch(LESSON.id)
    if replacements:
        write(notebook_with(LESSON, replacements), path)
    else:
        work_on(path, LESSON, work)
    if extra_cell:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": extra_cell})
        path.write_text(json.dumps(notebook), encoding="utf-8")
    desk.submit(LESSON.id)
    return inbound(root, student)[-1]


def inbound(root, student):
    """`student`'s submissions in the exchange, oldest first."""
    return sorted((root / "exchange" / COURSE.id / "inbound").glob(f"{student}+{LESSON.id}+*"),
                  key=lambda p: p.name.split("+")[2])


def grade(root, course=COURSE, **options):
    stream = io.StringIO()
    outcome = autograde(root, course, LESSON.id, stream=stream, **{"workers": 2, **options})
    return outcome, stream.getvalue()


def gradebook_rows(root):
    """{student: (total auto score, submission timestamp)} from the gradebook's tables."""
    with sqlite3.connect(root / "gradebook.db") as db:
        return {student: (score, stamp) for student, score, stamp in db.execute(
            "select student.id, sum(grade.auto_score), submitted_assignment.timestamp from grade"
            " join submitted_notebook on grade.notebook_id = submitted_notebook.id"
            " join submitted_assignment on submitted_notebook.assignment_id = submitted_assignment.id"
            " join student on submitted_assignment.student_id = student.id group by student.id")}


def left_behind(root):
    """Temporary files and staging folders that a finished run must not leave."""
    return [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".") and
            p.name.endswith((".collecting", ".replaced"))]


def test_links_and_special_files_in_a_submission_are_refused_at_collect(course):
    """Symlinks to the instructor's solution or to another student's submission, a folder that is a
    link, a named pipe and a hard link: refused with a reason naming the file relative to the
    submission; the honest student is collected and graded; nothing of the others is taken."""
    source = course / "source" / LESSON.id / NOTEBOOK
    honest = submit(course, "ada")
    links = {"ben": f"../../../../source/{LESSON.id}/{NOTEBOOK}", "eve": honest / NOTEBOOK}
    for student, target in links.items():
        folder = submit(course, student, eve)
        (folder / NOTEBOOK).unlink()
        (folder / NOTEBOOK).symlink_to(target)
    os.mkfifo(submit(course, "daemon", eve) / "notes.txt")
    linked_folder = submit(course, "ben", eve)  # newer than ben's symlinked notebook: tried first
    shutil.rmtree(linked_folder)
    linked_folder.symlink_to(course / "source" / LESSON.id)
    hard = submit(course, "eve", eve)  # newer than eve's link to ada's submission
    (hard / NOTEBOOK).unlink()
    os.link(source, hard / NOTEBOOK)

    collected = exchange.collect(course, LESSON.id)
    assert collected.students == ["ada"]
    reasons = dict(collected.refused)
    assert len(reasons) == 5
    assert "the submission folder is a symbolic link" in reasons[linked_folder.name]
    assert f"{NOTEBOOK} is a symbolic link" in reasons[inbound(course, "ben")[0].name]
    assert f"{NOTEBOOK} is a symbolic link" in reasons[inbound(course, "eve")[0].name]
    assert f"{NOTEBOOK} is a hard link" in reasons[hard.name]
    assert "notes.txt is a named pipe" in reasons[inbound(course, "daemon")[0].name]
    assert not any(str(course) in reason for reason in reasons.values())
    assert sorted(p.parent.name for p in (course / "submitted").glob(f"*/{LESSON.id}")) == ["ada"]
    assert not any(p.read_bytes() == source.read_bytes() for p in (course / "submitted").rglob("*.ipynb"))

    outcome, output = grade(course)
    assert {s: r["score"] for s, r in outcome.graded.items()} == {"ada": LESSON.max_score}
    assert set(gradebook_rows(course)) == {"ada"} and not left_behind(course)
    # The refusals are kept: autograde and feedback say who was not graded, and why.
    assert dict(outcome.refused) == reasons
    assert f"not graded: {hard.name}: refused at collect: {NOTEBOOK} is a hard link" in output
    written, problems = write_feedback(course, COURSE, LESSON.id)
    assert [path.parent.parent.name for path in written] == ["ada"]
    assert sorted(student for student, _ in problems) == ["ben", "ben", "daemon", "eve", "eve"]
    assert any(student == "eve" and problem.startswith(f"not graded: {hard.name} was refused at collect: {NOTEBOOK} "
                                                       "is a hard link") for student, problem in problems)


def test_nbgrader_collect_and_the_formgrader_collect_with_the_same_checks(course):
    """The course's nbgrader_config.py makes CheckedCollect the collect of `nbgrader collect` and of
    the formgrader (nbgrader's API, which the formgrader calls)."""
    submit(course, "ada")
    folder = submit(course, "ben", eve)
    (folder / NOTEBOOK).unlink()
    (folder / NOTEBOOK).symlink_to(f"../../../../source/{LESSON.id}/{NOTEBOOK}")
    refusal = f"Not collected: {folder.name}: {NOTEBOOK} is a symbolic link"
    result = exchange.nbgrader_api(course).collect(LESSON.id)
    assert result["success"] and refusal in result["log"]
    shutil.rmtree(course / "submitted")
    run = subprocess.run(["nbgrader", "collect", LESSON.id], cwd=course, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and refusal in run.stderr
    assert sorted(p.parent.name for p in (course / "submitted").glob(f"*/{LESSON.id}")) == ["ada"]


def test_a_file_swapped_for_a_link_after_the_check_is_still_refused(tmp_path, monkeypatch):
    """The race: the notebook is a regular file when examined and a link to the solution when
    opened. It is opened without following links, so the swap is refused, not copied."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / NOTEBOOK).write_text("{}", encoding="utf-8")
    real_stat = os.stat

    def stat_then_swap(name, *args, **kwargs):
        seen = real_stat(name, *args, **kwargs)
        if name == NOTEBOOK:
            os.unlink(name, dir_fd=kwargs["dir_fd"])
            os.symlink(str(LESSON.notebook), name, dir_fd=kwargs["dir_fd"])
        return seen

    monkeypatch.setattr(untrusted.os, "stat", stat_then_swap)
    with pytest.raises(untrusted.Refused, match=f"{NOTEBOOK} is a symbolic link"):
        untrusted.copy_tree(folder, tmp_path / "copy", untrusted.Rules())
    assert not (tmp_path / "copy").exists()


def test_a_submission_made_as_another_student_is_refused(course):
    """With check_owner, a folder that claims to be daemon's but belongs to nobody is refused with
    the reason, and daemon's own (older) submission is the one collected and graded."""
    check_owners(course)
    own = submit(course, "daemon", ada)
    forged = submit(course, "daemon", eve)
    for folder, user in ((own, "daemon"), (forged, "nobody")):
        shutil.chown(folder, user)
        for path in folder.rglob("*"):
            shutil.chown(path, user)
    collected = exchange.collect(course, LESSON.id)
    assert collected.students == ["daemon"]
    assert collected.refused == [(forged.name, "it is submitted as daemon but belongs to the user nobody "
                                               "(someone else's submission, or another account)")]
    outcome, _ = grade(course)
    assert outcome.graded["daemon"]["score"] == LESSON.max_score


def test_made_up_students_are_refused_not_graded_not_exported(course, tmp_path):
    honest = submit(course, "ada")
    for index in range(30):
        shutil.copytree(honest, honest.with_name(honest.name.replace("ada+", f"fake{index:02d}+", 1)))
    collected = exchange.collect(course, LESSON.id)
    assert collected.students == ["ada"] and len(collected.refused) == 30
    assert all("not on the course's roster" in reason for _, reason in collected.refused)
    # One planted straight into submitted/, as an older collect would have left it.
    shutil.copytree(course / "submitted" / "ada", course / "submitted" / "fake99")
    outcome, output = grade(course)
    assert set(outcome.graded) == {"ada"}
    assert "fake99 is not on the course's roster" in outcome.not_graded["fake99"]
    assert "1 submission(s) not graded: fake99: refused" in output
    export_csv(course, COURSE, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        assert [row["student_id"] for row in csv.DictReader(handle)] == list(sorted(ROSTER))
    assert set(gradebook_rows(course)) == {"ada"}


def test_a_bad_timestamp_is_that_submissions_problem(course):
    """A submission time that is not a time: in the exchange's folder name, refused at collect; in a
    collected timestamp.txt, graded, recorded without a time and flagged. Everyone else is graded."""
    submit(course, "ada")
    good = submit(course, "ben", ben)
    bad_name = good.with_name(f"eve+{LESSON.id}+not a time+xyz")
    shutil.copytree(good, bad_name)
    collected = exchange.collect(course, LESSON.id)
    assert collected.students == ["ada", "ben"]
    assert [name for name, _ in collected.refused] == [bad_name.name]
    (course / "submitted" / "ben" / LESSON.id / "timestamp.txt").write_text("\x1b[2Jyesterday-ish", encoding="utf-8")
    outcome, output = grade(course)
    assert outcome.graded["ada"]["score"] == LESSON.max_score and 0 < outcome.graded["ben"]["score"]
    assert "holds no time" in outcome.flagged["ben"][0] and not outcome.not_graded
    assert "flagged: ben: recorded without a submission time" in output and "\x1b" not in output
    rows = gradebook_rows(course)
    assert rows["ben"][1] is None and rows["ada"][1] is not None


def test_a_late_resubmission_is_recorded_with_its_own_time(course):
    submit(course, "ada", ben)
    exchange.collect(course, LESSON.id)
    first, _ = grade(course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE.id) as gradebook:
        gradebook.update_or_create_assignment(LESSON.id, duedate=datetime.datetime.utcnow())
    time.sleep(1.1)
    late = submit(course, "ada", ada)
    exchange.collect(course, LESSON.id)
    second, _ = grade(course)
    assert first.graded["ada"]["score"] < second.graded["ada"]["score"] == LESSON.max_score
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE.id) as gradebook:
        submission = gradebook.find_submission(LESSON.id, "ada")
        assert str(submission.timestamp) in late.name.split("+")[2]
        assert submission.total_seconds_late > 0


def test_escapes_surrogates_and_formulas_are_made_harmless(course, tmp_path):
    """An exception message with escape sequences and a lone surrogate, an exchange folder whose name
    carries escape sequences, a student id that is a formula: the autograde and collect output show
    them escaped, feedback is written and released for everyone, the CSV cell is text."""
    raising = 'def softmax(x, axis=-1):\n    raise ValueError("\\x1b[2K\\rada 10/10 \\ud800")\n'
    submit(course, "ada")
    submit(course, "ben", replacements={"softmax": raising})
    planted = inbound(course, "ada")[0]
    shutil.copytree(planted, planted.with_name(planted.name.replace("ada", "mallory\x1b[1A\x1b[2K", 1)))
    # A name that is not UTF-8: Python lists it with a lone surrogate, which no encoding writes.
    shutil.copytree(planted, os.fsdecode(os.fsencode(str(planted)).replace(b"/ada+", b"/trudy\xff+")))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE.id) as gradebook:
        gradebook.update_or_create_student("=HYPERLINK(\"http://x\";\"ok\")")
    run = subprocess.run(["llmcourse", "collect", LESSON.id, "--course-dir", str(course)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "\x1b" not in run.stdout + run.stderr
    assert "not collected: mallory\\x1b[1A\\x1b[2K+" in run.stderr and "not collected: trudy\\udcff+" in run.stderr
    run = subprocess.run(["llmcourse", "autograde", LESSON.id, "--course-dir", str(course)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout + run.stderr and "not graded: trudy\\udcff+" in run.stderr
    written, problems = write_feedback(course, COURSE, LESSON.id)
    assert len(written) == 2 and not problems
    page = (course / "feedback" / "ben" / LESSON.id / f"{LESSON.id}.html").read_text(encoding="utf-8")
    assert "\\ud800" in page
    assert len(list((course / "exchange" / COURSE.id / "feedback").glob("*.html"))) == 2
    export_csv(course, COURSE, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        ids = [row["student_id"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http://x\";\"ok\")" in ids and not any(i.startswith(untrusted.FORMULA_START) for i in ids)


def two_students(root):
    submit(root, "ada")
    submit(root, "ben", ben)
    exchange.collect(root, LESSON.id)


def graded_by_check(root, student):
    path = root / "submitted" / student / LESSON.id / NOTEBOOK
    run = subprocess.run(["llmcourse", "check", str(path), "--json"], capture_output=True, text=True, timeout=120)
    return json.loads(run.stdout)["score"]


def killing_grade(students, marker=None):
    """The engine's grade, except that the grading process of `students` is SIGKILLed (as the kernel's
    out-of-memory killer would) — every time, or only while `marker` does not exist yet."""
    real = autograde_module.grade

    def grade(path, *args, **kwargs):
        if Path(path).parent.parent.name in students and (marker is None or not marker.exists()):
            if marker is not None:
                marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)
    return grade


def test_a_killed_grading_process_is_graded_again_never_zero(course, tmp_path, monkeypatch):
    two_students(course)
    monkeypatch.setattr(autograde_module, "grade", killing_grade({"ben"}, tmp_path / "killed-once"))
    outcome, output = grade(course)
    assert (tmp_path / "killed-once").exists()
    assert outcome.graded["ben"]["score"] == graded_by_check(course, "ben") > 0
    assert outcome.graded["ada"]["score"] == LESSON.max_score and not outcome.not_graded


def test_a_grading_process_killed_twice_leaves_the_submission_ungraded_until_the_next_run(course, monkeypatch):
    two_students(course)
    monkeypatch.setattr(autograde_module, "grade", killing_grade({"ben"}))
    outcome, output = grade(course)
    assert outcome.graded["ada"]["score"] == LESSON.max_score
    assert "killed by SIGKILL" in outcome.not_graded["ben"] and "tried 2 times" in outcome.not_graded["ben"]
    assert "1 submission(s) not graded: ben: the grading process was killed by SIGKILL" in output
    assert not (course / "autograded" / "ben" / LESSON.id / REPORT_FILE).exists()
    assert set(gradebook_rows(course)) == {"ada"} and not left_behind(course)
    monkeypatch.undo()
    again, output = grade(course)
    assert set(again.graded) == {"ben"} and again.graded["ben"]["score"] > 0
    assert "1 submission(s) of 01-introduction already graded" in output


def test_killing_a_grading_process_from_outside_costs_nobody_anything(course):
    two_students(course)
    run = subprocess.Popen(["llmcourse", "autograde", LESSON.id, "--course-dir", str(course), "--workers", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline:
        for pid in children(run.pid):  # forked graders, not the sandbox probe (bwrap) that comes first
            try:
                if b"autograde" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                os.kill(pid, signal.SIGKILL)
                killed = pid
                break
            except (ProcessLookupError, FileNotFoundError):
                continue
        time.sleep(0.01)
    stdout, stderr = run.communicate(timeout=300)
    assert killed is not None
    assert run.returncode == 0, stderr
    scores = dict(line.split()[:2] for line in stdout.splitlines())
    assert scores["ada"] == f"{LESSON.max_score}/{LESSON.max_score}" and not scores["ben"].startswith("0/")


@pytest.mark.parametrize("error", [RuntimeError("a bug in the grader"), SuiteError("the suite is broken"),
                                   MemoryError()])
def test_a_grader_side_exception_is_never_a_zero(course, monkeypatch, error):
    two_students(course)
    real = autograde_module.grade

    def failing(path, *args, **kwargs):
        if Path(path).parent.parent.name == "ben":
            raise error
        return real(path, *args, **kwargs)

    monkeypatch.setattr(autograde_module, "grade", failing)
    outcome, output = grade(course)
    assert outcome.graded["ada"]["score"] == LESSON.max_score
    assert outcome.not_graded["ben"].startswith(f"grading failed: {type(error).__name__}")
    assert set(gradebook_rows(course)) == {"ada"} and not left_behind(course)
    run = subprocess.run(["llmcourse", "autograde", LESSON.id, "--course-dir", str(course)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0 and "ben" in run.stdout


def test_a_full_disk_leaves_nothing_behind_and_no_zero(course):
    """autograded/ on a 1 MB tmpfs; a student submits a 2 MB notebook: storing its copy fails with
    ENOSPC (twice), so that submission stays ungraded and leaves no file; the others are stored."""
    two_students(course)
    submit(course, "eve", ada, extra_cell="x" * 2_000_000)
    exchange.collect(course, LESSON.id)
    target = course / "autograded"
    target.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode()}")
    try:
        outcome, output = grade(course)
        assert outcome.graded["ada"]["score"] == LESSON.max_score and outcome.graded["ben"]["score"] > 0
        assert "No space left on device" in outcome.not_graded["eve"] and str(course) not in outcome.not_graded["eve"]
        assert not (target / "eve" / LESSON.id / REPORT_FILE).exists() and not left_behind(course)
        assert set(gradebook_rows(course)) == {"ada", "ben"}
    finally:
        subprocess.run(["umount", str(target)], check=True)


def test_what_a_report_keeps_is_capped(course, monkeypatch):
    """Messages of megabytes (the engine's own cut aside: a grade that returned them anyway) are kept
    to a few KB each and the stored report to REPORT_BYTES; feedback for that student is still written."""
    two_students(course)
    real = autograde_module.grade

    def bloated(path, *args, **kwargs):
        report = real(path, *args, **kwargs)
        for exercise in report.exercises:
            exercise.tests[:] = [dataclasses.replace(t, message="\ud800" + "y" * 5_000_000) for t in exercise.tests]
        return report

    monkeypatch.setattr(autograde_module, "grade", bloated)
    outcome, _ = grade(course)
    for student in ("ada", "ben"):
        stored = course / "autograded" / student / LESSON.id / REPORT_FILE
        assert stored.stat().st_size <= untrusted.REPORT_BYTES
        messages = [t["message"] for e in json.loads(stored.read_text())["report"]["exercises"] for t in e["tests"]]
        assert all(len(m) <= untrusted.MESSAGE_CHARS + 100 and m.startswith("\\ud800") for m in messages)
    written, problems = write_feedback(course, COURSE, LESSON.id)
    assert len(written) == 2 and not problems


def children(pid):
    """The pids whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def descendants(pid):
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found


def alive(pid):
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_kill_9_of_autograde_leaves_no_process_behind(course):
    two_students(course)
    run = subprocess.Popen(["llmcourse", "autograde", LESSON.id, "--course-dir", str(course), "--workers", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(descendants(run.pid)) < 4 and time.monotonic() < deadline:  # two graders and their sandboxes
        time.sleep(0.02)
    left = descendants(run.pid)
    assert len(left) >= 3, "the kill should land while grading"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in left) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in left if alive(pid)]
    outcome, _ = grade(course)  # and the next run grades everything, once
    assert len(outcome.graded) + outcome.skipped == 2 and not outcome.not_graded
    assert len(gradebook_rows(course)) == 2 and not left_behind(course)


def with_budget(**changes):
    """COURSE with LESSON's budget changed."""
    budget = dataclasses.replace(LESSON.budget, **changes)
    return dataclasses.replace(COURSE, lessons=tuple(
        dataclasses.replace(lesson, budget=budget) if lesson.id == LESSON.id else lesson for lesson in COURSE.lessons))


def test_a_new_grading_fingerprint_regrades_every_submission(course):
    two_students(course)
    grade(course)
    changed = with_budget(max_examples=LESSON.budget.max_examples + 1)
    outcome, output = grade(course, changed)
    assert set(outcome.graded) == {"ada", "ben"}
    assert "2 submission(s) of 01-introduction were graded under an older grading fingerprint" in output
    assert "2 regraded under the current grading fingerprint" in output and outcome.regraded == 2
    again, output = grade(course, changed)
    assert not again.graded and again.skipped == 2 and "regraded" not in output


def test_a_broken_suite_makes_autograde_refuse_before_writing(course, tmp_path):
    two_students(course)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "assignments").symlink_to(COURSE.root / "assignments")
    text = (COURSE.root / "course.yml").read_text(encoding="utf-8")
    (broken / "course.yml").write_text(text.replace("exercises: {softmax: 2,", "exercises: {softmax: 3,", 1),
                                       encoding="utf-8")
    before = (course / "gradebook.db").read_bytes()
    run = subprocess.run(["llmcourse", "--course", str(broken / "course.yml"), "autograde", LESSON.id,
                          "--course-dir", str(course)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "carry 2 point(s)" in run.stderr and "softmax` 3" in run.stderr
    with pytest.raises(CourseError):
        grade(course, load_course(broken / "course.yml", check_files=False))
    assert not (course / "autograded").exists() and (course / "gradebook.db").read_bytes() == before


def test_one_unreadable_report_does_not_stop_feedback_for_the_others(course):
    two_students(course)
    grade(course)
    (course / "autograded" / "ben" / LESSON.id / REPORT_FILE).write_text("{ not json", encoding="utf-8")
    run = subprocess.run(["llmcourse", "feedback", LESSON.id, "--course-dir", str(course)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "no feedback for ben: its report cannot be read" in run.stderr
    assert len(list((course / "exchange" / COURSE.id / "feedback").glob("*.html"))) == 1


def test_no_reason_or_feedback_names_the_course_directory(course):
    submit(course, "ada")
    folder = submit(course, "ben")
    (folder / NOTEBOOK).chmod(0o644)
    (folder / NOTEBOOK).write_text("{ this is not a notebook", encoding="utf-8")
    exchange.collect(course, LESSON.id)
    outcome, _ = grade(course)
    assert outcome.graded["ben"]["score"] == 0
    write_feedback(course, COURSE, LESSON.id)
    page = (course / "feedback" / "ben" / LESSON.id / f"{LESSON.id}.html").read_text(encoding="utf-8")
    assert f"{NOTEBOOK} is not a notebook" in page
    assert str(course) not in page and str(course.resolve()) not in json.dumps(outcome.graded["ben"])


def test_one_submission_cannot_take_the_graders_memory(course, monkeypatch):
    """A notebook of millions of nested empty lists (parsing 100 MB of them takes ~2.6 GB): its grading
    process runs out of its own memory cap, twice, so it is left ungraded with the reason, never a
    zero; the others are graded; the grader itself stays small."""
    two_students(course)
    path = course / "submitted" / "ben" / LESSON.id / NOTEBOOK
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"]["bomb"] = [[] for _ in range(6_000_000)]  # 18 MB of text, ~520 MB parsed
    path.write_text(json.dumps(notebook, separators=(",", ":")), encoding="utf-8")
    del notebook
    # A grading process starts with this process's data (a fork): the cap leaves 300 MB above it. It
    # is never below the sandbox's memory (the worker inherits it): a lesson given as little.
    cap = data_mb() + 300
    monkeypatch.setattr(autograde_module, "GRADER_MEMORY_MB", cap)
    outcome, output = grade(course, with_budget(memory_mb=cap))
    assert outcome.graded.get("ada", {}).get("score") == LESSON.max_score, outcome.not_graded
    assert f"ran out of memory (its data is limited to {cap} MB)" in outcome.not_graded["ben"]
    assert "tried 2 times" in outcome.not_graded["ben"]
    assert set(gradebook_rows(course)) == {"ada"} and not left_behind(course)
    stored = json.loads((course / "autograded" / "ada" / LESSON.id / REPORT_FILE).read_text(encoding="utf-8"))
    assert 0 < stored["grader_peak_memory_mb"] < cap


def data_mb():
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmData:")[1].split()[0]) // 1024


def test_grade_submission_returns_plain_data_naming_no_course_path(course):
    """The one function that grades one collected submission (what a grading process, or a cluster's
    worker, runs): plain JSON data, the report or the reason, no path of the course in it."""
    submit(course, "ada")
    folder = submit(course, "ben")
    (folder / NOTEBOOK).chmod(0o644)
    (folder / NOTEBOOK).write_text("{ this is not a notebook", encoding="utf-8")
    exchange.collect(course, LESSON.id)
    hidden = (str(course),)
    good = autograde_module.grade_submission(COURSE, LESSON.id, course / "submitted" / "ada" / LESSON.id,
                                             hidden=hidden)
    assert json.loads(json.dumps(good)) == good and good["report"]["score"] == LESSON.max_score
    bad = autograde_module.grade_submission(COURSE, LESSON.id, course / "submitted" / "ben" / LESSON.id,
                                            hidden=hidden)
    assert set(bad) == {"unreadable", "peak_memory_mb"} and bad["unreadable"].startswith(f"{NOTEBOOK} is not a notebook")
    assert str(course) not in json.dumps([good, bad])
