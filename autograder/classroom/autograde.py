"""`llmcourse autograde`: grade every collected submission with our engine, into nbgrader's gradebook.

Each submission is graded in its own process from a pool (`--workers`), its student code in the
sandbox; this process alone writes: first the exercise scores into the gradebook under each
exercise's grade cell (so the formgrader and `nbgrader export` show them), then the submission's
copy (its locked cells restored, for the formgrader) and our report into
autograded/<student>/<assignment>/, the report last and atomically. A report whose submission hash
matches means "done": a rerun skips it unless --force, and a run killed at any point leaves either
a finished submission or one that is graded again (scores are set, never added, so nothing doubles).
"""

import concurrent.futures
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import MissingEntry
from nbformat.corpus.words import generate_corpus_id
from nbformat.warnings import MissingIDFieldWarning
from nbgrader.preprocessors import OverwriteCells
from sqlalchemy.exc import SAWarning

from autograder.engine.course import CourseError
from autograder.engine.notebook import NotebookError
from autograder.engine.pipeline import grade, sandbox_available
from autograder.engine.report import ExerciseResult, Report, TestResult
from autograder.engine.sandbox import bwrap_works

from .coursedir import CourseDir

REPORT_FILE = "llmcourse.json"
# OverwriteCells warns about every cell a student changed; the report already says what counts.
REVIEW_LOG = logging.getLogger("llmcourse.review")
REVIEW_LOG.setLevel(logging.ERROR)
SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


@dataclasses.dataclass
class Submission:
    student: str
    assignment: str
    folder: Path
    notebook: Path

    @property
    def timestamp(self):
        stamp = self.folder / "timestamp.txt"
        return stamp.read_text(encoding="utf-8").strip() if stamp.exists() else None

    def digest(self):
        if not self.notebook.is_file():
            return "missing"
        return hashlib.sha256(self.notebook.read_bytes()).hexdigest()


def find_submissions(course_dir, lesson, student=None):
    """The collected submissions of `lesson` in the CourseDir, of one student or all."""
    folders = sorted(course_dir.root.glob(str(course_dir.folder("submitted", student or "*", lesson.id)
                                              .relative_to(course_dir.root))))
    return [Submission(folder.parent.name, lesson.id, folder, folder / f"{lesson.id}.ipynb")
            for folder in folders if folder.is_dir()]


def report_path(course_dir, submission):
    return course_dir.folder("autograded", submission.student, submission.assignment) / REPORT_FILE


def zero_report(lesson, reason, sandboxed):
    """A submission that could not be graded at all: every exercise 0, with the reason."""
    exercises = [ExerciseResult(e.name, 0, e.points, [TestResult("submission", e.name, False, 0, e.points, reason)])
                 for e in lesson.exercises]
    return Report(lesson.id, sandboxed, exercises, load_problem=reason)


def _grade_one(course, notebook, assignment, require_sandbox):
    """Runs in a pool process: grade one notebook, return plain data."""
    started = time.monotonic()
    try:
        report = grade(notebook, course, assignment, require_sandbox=require_sandbox)
    except (NotebookError, CourseError) as error:
        report = zero_report(course.lesson(assignment), f"the submission could not be graded: {error}",
                             bwrap_works())
    return report.to_json(), time.monotonic() - started


def write_scores(course_dir, submission, lesson, report):
    with course_dir.gradebook() as gradebook, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy 2 autoflush warnings; the rows are written fine.
        warnings.simplefilter("ignore", SAWarning)
        gradebook.update_or_create_student(submission.student)
        try:
            gradebook.find_submission(lesson.id, submission.student)
        except MissingEntry:
            gradebook.add_submission(lesson.id, submission.student, timestamp=submission.timestamp)
        scores = {e["name"]: e["score"] for e in report["exercises"]}
        for exercise in lesson.exercises:
            grade = gradebook.find_grade(exercise.grade_id, lesson.id, lesson.id, submission.student)
            grade.auto_score = scores.get(exercise.name, 0)
            grade.needs_manual_grade = False
        gradebook.db.commit()


def _atomic_write(path, text):
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def copy_for_review(submission, target, db_url):
    """The submission as the formgrader shows it: nbgrader's OverwriteCells puts back the released
    text of locked cells a student edited and grade cells a student deleted, as `nbgrader autograde`
    does. Our grade never read those cells; this only keeps the instructor's view honest."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingIDFieldWarning)  # mended below
            notebook = nbformat.read(submission.notebook, as_version=nbformat.NO_CONVERT)
        if notebook.nbformat_minor >= 5:  # a cell added by hand, outside an editor, may have no id
            for cell in notebook.cells:
                cell.setdefault("id", generate_corpus_id())
        overwrite = OverwriteCells(add_missing_cells=True, log=REVIEW_LOG)
        notebook, _ = overwrite.preprocess(notebook, {"nbgrader": {
            "notebook": submission.assignment, "assignment": submission.assignment, "db_url": db_url}})
        nbformat.write(notebook, target)
    except Exception:  # noqa: BLE001 -- a notebook nbgrader cannot mend is kept as it was submitted
        shutil.copy2(submission.notebook, target)


def store(course_dir, submission, report, seconds, digest):
    target = report_path(course_dir, submission)
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in SUBMISSION_FILES:
        if (submission.folder / name).exists():
            shutil.copy2(submission.folder / name, target.parent / name)
    if submission.notebook.is_file():
        copy_for_review(submission, target.parent / submission.notebook.name, course_dir.db_url)
    _atomic_write(target, json.dumps({"student": submission.student, "timestamp": submission.timestamp,
                                      "submission_sha256": digest, "seconds": round(seconds, 3),
                                      "report": report}, indent=2))


def already_graded(course_dir, submission, digest):
    path = report_path(course_dir, submission)
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("submission_sha256") == digest
    except ValueError:
        return False


class Progress:
    """Progress with ETA on stderr: a bar redrawn in place on a terminal, one line per step elsewhere."""

    def __init__(self, total, stream=sys.stderr, width=28):
        self.total, self.stream, self.width = total, stream, width
        self.done = 0
        self.started = time.monotonic()
        self.redraw = getattr(stream, "isatty", lambda: False)()

    def step(self, label):
        self.done += 1
        elapsed = time.monotonic() - self.started
        eta = int(elapsed / self.done * (self.total - self.done))
        status = f"{self.done}/{self.total}  ETA {eta // 60}:{eta % 60:02d}  {label}"
        if self.redraw:
            filled = int(self.width * self.done / max(self.total, 1))
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r[{'=' * filled}{' ' * (self.width - filled)}] {status:<60.60}{end}")
        else:
            self.stream.write(f"  {status}\n")
        self.stream.flush()


def autograde(course_dir, course, assignment_id, student=None, workers=1, force=False,
              require_sandbox=True, stream=sys.stderr):
    """Grade the collected submissions of one assignment; returns {student: report JSON}."""
    lesson = course.lesson(assignment_id)
    sandbox_available(require_sandbox)
    course_dir = CourseDir.of(course_dir)
    submissions = find_submissions(course_dir, lesson, student)
    # Hashed once, before grading: a resubmission arriving meanwhile is graded next run, not mislabelled.
    digests = {s.student: s.digest() for s in submissions}
    todo = [s for s in submissions if force or not already_graded(course_dir, s, digests[s.student])]
    skipped = len(submissions) - len(todo)
    if skipped:
        stream.write(f"{skipped} submission(s) of {assignment_id} already graded (use --force to regrade)\n")
    results = {}
    progress = Progress(len(todo), stream)
    # fork: a worker starts in milliseconds with everything imported (spawn costs seconds each).
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
        futures = {pool.submit(_grade_one, course, str(s.notebook), lesson.id, require_sandbox):
                   (s, digests[s.student]) for s in todo}
        for future in concurrent.futures.as_completed(futures):
            submission, digest = futures[future]
            try:
                report, seconds = future.result()
            except Exception as error:  # a crash of the grading process itself: record, go on
                report = zero_report(lesson, f"grading failed: {type(error).__name__}: {error}",
                                     bwrap_works()).to_json()
                seconds = 0.0
            write_scores(course_dir, submission, lesson, report)
            store(course_dir, submission, report, seconds, digest)
            results[submission.student] = report
            progress.step(f"{lesson.id} {submission.student}: {report['score']}/{report['max_score']}")
    return results
