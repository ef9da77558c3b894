"""`llmcourse autograde`: grade every collected submission with our engine, into nbgrader's gradebook.

Each submission is graded by `grade_submission` (one collected submission in, its outcome out as
plain data) in a grading process forked from this one (up to `--workers` at once), its student code
in a fresh sandbox further down, so a crash or an out-of-memory kill takes only what that process
was grading. A grading process lives for the run, as a Dask worker does: its sandboxes start ahead
of need (engine/pool.py: each still serves one submission), it replays a suite its first passing
submission recorded (engine/replay.py), and it pays its imports once. Its own data is capped
(GRADER_MEMORY_MB), so one submission cannot take the grader's memory; after a failure, or once
its memory has grown past half the cap, it is replaced by a fresh one.
A grader-side failure is never a student's zero: a grading process that dies, overruns its time or
fails on the grader's side (a SuiteError, any unexpected exception), and a result that cannot be
stored (a full disk), are tried once more; a second failure leaves the submission UNGRADED: nothing
is stored for it, the reason is shown, the run exits nonzero and the next run grades it. Only the
submission itself (a notebook that is no notebook) scores zero, with its reason. Grading processes
die with this process (PR_SET_PDEATHSIG, even under kill -9), and the group of each is killed when
the run ends. With `--scheduler`, cluster.py sends the gradings to a Dask cluster instead, and this
process stores what comes back, as below (the copy for the formgrader is then made here).

Only students on the roster are graded, and only submissions of regular files (untrusted.py); what
collect refused is shown too ("not graded: ... refused at collect"). A timestamp.txt that holds no
time is that submission's problem: it is graded, recorded without a time, and flagged. What a
report keeps is contained: each message cut to a few KB, the whole report to REPORT_BYTES, lone
surrogates escaped, course paths named relative to the submission.

The grading process also writes the submission's copy for the formgrader (locked cells restored)
beside its place: mending a notebook costs time and memory, which it bears. This process writes the
rest: the report, timestamp and secret beside their places, then the scores into the gradebook
under each exercise's grade cell, then renames every file into place, the report last. A report
whose submission hash and grading fingerprint match means "done": a rerun skips it unless --force,
and regrades (saying how many) those graded under an older fingerprint (another suite, reference,
engine or library version), so fixing a suite reaches every student. A run killed at any point
leaves either a finished submission or one that is graded again (scores are set, never added).
"""

import collections
import dataclasses
import hashlib
import json
import logging
import os
import resource
import selectors
import signal
import sys
import time
import warnings
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id
from nbformat.warnings import MissingIDFieldWarning
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import OverwriteCells
from sqlalchemy.exc import SAWarning

from autograder.engine.course import check_lesson_files
from autograder.engine.fingerprint import grading_fingerprint, versions
from autograder.engine.notebook import NotebookError
from autograder.engine.pipeline import grade, sandbox_available
from autograder.engine.pool import WarmWorkers
from autograder.engine.report import ExerciseResult, Report, TestResult
from autograder.engine.sandbox import bwrap_works, die_with_parent

from .coursedir import TIMESTAMP_FILE, CourseDir, parse_submission_time, read_refusals
from .untrusted import (MESSAGE_CHARS, REPORT_BYTES, SHORT_CHARS, Refused, Rules, contained, for_terminal, read_fd,
                        read_files, walk)

REPORT_FILE = "llmcourse.json"
# OverwriteCells warns about every cell a student changed; the report already says what counts.
REVIEW_LOG = logging.getLogger("llmcourse.review")
REVIEW_LOG.setLevel(logging.ERROR)
SUBMISSION_FILES = (TIMESTAMP_FILE, "submission_secret.txt")
SMALL_FILE_BYTES = 4096        # timestamp.txt and submission_secret.txt
NOTEBOOK_BYTES = 100_000_000   # nbgrader's own default limit on a submitted file
REVIEW_MEND_BYTES = 8_000_000
ATTEMPTS = 2
# Of each grading process's own data (grader_memory_mb). Grading lesson 13 (torch) peaks near 260 MB;
# a 100 MB notebook of nested lists would take ~2.6 GB to parse.
GRADER_MEMORY_MB = 2048
MB = 1024 * 1024
CHUNK = 1 << 16
LENGTH_BYTES = 8  # before each outcome a grading process sends


@dataclasses.dataclass
class Submission:
    student: str
    assignment: str
    folder: Path

    @property
    def notebook(self):
        return self.folder / f"{self.assignment}.ipynb"


def find_submissions(course_dir, lesson, student=None):
    """The collected submissions of `lesson` in the CourseDir, of one student or all (links
    included, to be refused with a reason rather than passed over)."""
    folders = sorted(course_dir.root.glob(str(course_dir.folder("submitted", student or "*", lesson.id)
                                              .relative_to(course_dir.root))))
    return [Submission(folder.parent.name, lesson.id, folder) for folder in folders
            if folder.is_dir() or folder.is_symlink()]


def report_path(course_dir, submission):
    return course_dir.folder("autograded", submission.student, submission.assignment) / REPORT_FILE


def read_report(path):
    """A stored report, its text printable whatever wrote it; None if there is none or it is unreadable."""
    try:
        return contained(json.loads(path.read_text(encoding="utf-8")), limit=REPORT_BYTES)
    except (OSError, ValueError):
        return None


def relative_names(folder, hidden=()):
    """(absolute path, what to say instead) for every path a message about the submission in `folder`
    could name: its files are named relative to it, and the `hidden` paths (the course directory)
    by what they are, so students never learn where the course lives."""
    pairs = []
    for path in dict.fromkeys([Path(folder), Path(folder).resolve()]):
        pairs += [(f"{path}{os.sep}", ""), (str(path), "the submission folder")]
    return pairs + [(str(path), "the course directory") for path in hidden]


def hidden_paths(course_dir):
    return tuple(dict.fromkeys([str(course_dir.root), str(course_dir.root.resolve())]))


def zero_report(lesson, reason, sandboxed):
    """A submission that could not be graded at all: every exercise 0, with the reason."""
    exercises = [ExerciseResult(e.name, 0, e.points, [TestResult("submission", e.name, False, 0, e.points, reason)])
                 for e in lesson.exercises]
    return Report(lesson.id, sandboxed, exercises, load_problem=reason)


@dataclasses.dataclass
class Job:
    """One submission to grade, as read (once, safely) before grading."""
    submission: Submission
    files: dict        # {name: bytes or None} of SUBMISSION_FILES
    digest: str        # of the notebook ("missing" when there is none)
    timestamp: object  # naive UTC datetime, or None when timestamp.txt holds no time
    flags: list
    attempt: int = 1
    failures: list = dataclasses.field(default_factory=list)


def read_job(submission, roster):
    """The Job of a submission; Refused if it is not to be graded at all. Holds no notebook: the
    grader's memory does not grow with what students submit."""
    if submission.student not in roster:
        raise Refused(f"{submission.student} is not on the course's roster (the gradebook's students)")
    files, digest = dict.fromkeys(SUBMISSION_FILES), None

    def read(relative, fd, _):
        nonlocal digest
        if fd is None:
            return
        if str(relative) == submission.notebook.name:
            digest = _sha256(fd, NOTEBOOK_BYTES, relative)
        elif str(relative) in files:
            files[str(relative)] = read_fd(fd, SMALL_FILE_BYTES)
            if files[str(relative)] is None:
                raise Refused(f"{relative} is larger than {SMALL_FILE_BYTES} bytes")

    walk(submission.folder, Rules(), read)
    flags = []
    try:
        timestamp = parse_submission_time(files[TIMESTAMP_FILE])
    except Refused as problem:
        timestamp = None
        flags.append(f"recorded without a submission time: {problem} (check it: no late penalty can apply)")
    return Job(submission, files, digest or "missing", timestamp, flags)


def _sha256(fd, limit, relative):
    digest, size = hashlib.sha256(), 0
    while chunk := os.read(fd, CHUNK):
        size += len(chunk)
        if size > limit:
            raise Refused(f"{relative} is larger than {limit} bytes")
        digest.update(chunk)
    return digest.hexdigest()


def stored_state(course_dir, submission):
    """(submission hash, grading fingerprint) of the stored report, or None."""
    stored = read_report(report_path(course_dir, submission))
    return (stored.get("submission_sha256"), stored.get("fingerprint")) if isinstance(stored, dict) else None


def grade_submission(course, assignment_id, folder, *, require_sandbox=True, hidden=(), review_copy_to=None,
                     db_url=None, workers=None):
    """Grade ONE collected submission (`folder`: what collect put in submitted/<student>/<assignment>)
    and return its outcome as plain data, ready for JSON, with every message contained (course paths
    named relative to the submission, lone surrogates escaped, each message and the whole cut to size):

        {"report": <Report.to_json()>}  graded
        {"unreadable": "<reason>"}     the notebook is no notebook: the student's zero, with the reason
        {"failed": "<reason>"}         the grader failed (a bug, a broken suite, no memory, a full
                                       disk): never the student's zero; grade it again later

    plus "peak_memory_mb", the peak memory of the calling process. `hidden`: absolute paths no message
    may show (the course directory). `review_copy_to`: where to write the copy for the formgrader
    (`write_review_copy`; needs the gradebook's `db_url`). `workers`: an engine pool.WarmWorkers, in a
    process that grades many. Student code runs in the sandbox; the rest runs in the calling process,
    so call it in a process of its own (autograde forks its grading processes) or a long-lived worker."""
    folder = Path(folder)
    notebook = folder / f"{assignment_id}.ipynb"
    try:
        report = grade(notebook, course, assignment_id, require_sandbox=require_sandbox, workers=workers)
        outcome = {"report": report.to_json()}
    except NotebookError as error:
        outcome = {"unreadable": str(error)}
    except MemoryError:
        outcome = {"failed": f"MemoryError: the grading process ran out of memory ({_data_limit()})"}
    except Exception as error:  # noqa: BLE001 -- anything else is the grader's: graded again, never a zero
        outcome = {"failed": f"{type(error).__name__}: {error}"}
    if "failed" not in outcome and review_copy_to is not None and os.path.lexists(notebook):
        try:
            write_review_copy(Submission(folder.parent.name, assignment_id, folder), review_copy_to, db_url)
        except Exception as error:  # noqa: BLE001 -- a full disk, say: the grader's, graded again
            outcome = {"failed": f"writing the copy for the formgrader failed: {type(error).__name__}: {error}"}
    outcome["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return contained_outcome(outcome, relative_names(folder, hidden))


def _data_limit():
    limit = resource.getrlimit(resource.RLIMIT_DATA)[0]
    return "no limit on its data" if limit == resource.RLIM_INFINITY else f"its data is limited to {limit // MB} MB"


def contained_outcome(outcome, replace):
    """`outcome` with its text contained (untrusted.contained) and at most REPORT_BYTES as JSON:
    messages are cut to MESSAGE_CHARS, or to SHORT_CHARS if that is still too large."""
    for limit in (MESSAGE_CHARS, SHORT_CHARS):
        data = contained(outcome, replace, limit)
        if len(json.dumps(data)) <= REPORT_BYTES:
            return data
    return {"failed": f"its report is larger than {REPORT_BYTES} bytes even with every message cut to "
                      f"{SHORT_CHARS} characters"}


def grader_memory_mb(lesson):
    """The cap on a grading process's data: GRADER_MEMORY_MB, never below the sandbox's memory, since
    the sandboxed worker it starts inherits it (as a soft limit, which the worker may raise)."""
    return max(GRADER_MEMORY_MB, lesson.budget.memory_mb)


def _serve(requests_fd, outcomes_fd, course, assignment, require_sandbox, hidden, db_url):
    """A grading process: cap its memory, then grade each submission asked for on `requests_fd` (a
    JSON line: its folder, where to write the formgrader's copy) and answer on `outcomes_fd` (8 bytes
    of length, then the outcome as JSON), until the requests end. Its WarmWorkers start the next
    sandbox while this one is graded; each submission still gets a fresh one."""
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (grader_memory_mb(course.lesson(assignment)) * MB,
                                                  resource.RLIM_INFINITY))
        workers = WarmWorkers()
        with os.fdopen(requests_fd, "rb") as requests:
            for line in requests:
                request = json.loads(line)
                review = request["review"] and Path(request["review"])
                outcome = grade_submission(course, assignment, request["folder"], require_sandbox=require_sandbox,
                                           hidden=hidden, review_copy_to=review, db_url=db_url, workers=workers)
                data = json.dumps(outcome).encode("ascii")
                data = len(data).to_bytes(LENGTH_BYTES, "big") + data
                while data:
                    data = data[os.write(outcomes_fd, data):]
        workers.close()
    finally:
        os._exit(0)


@dataclasses.dataclass
class Grader:
    """A grading process (`_serve`), and the job it is grading, if any."""
    pid: int
    requests: int  # the fd this process writes requests to
    outcomes: int  # the fd it reads outcomes from
    job: Job = None
    deadline: float = None
    started: float = None
    received: bytearray = dataclasses.field(default_factory=bytearray)
    status: int = None  # as waitpid gives it, once reaped


def _exit_reason(status):
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        return f"the grading process was killed by {name}" + (
            " (out of memory, or killed from outside)" if name == "SIGKILL" else "")
    return f"the grading process exited with code {code} without a result"


@dataclasses.dataclass
class Outcome:
    """What a run did. `not_graded`: nothing stored, the next run tries again."""
    graded: dict = dataclasses.field(default_factory=dict)      # {student: report JSON}
    not_graded: dict = dataclasses.field(default_factory=dict)  # {student: reason}
    flagged: dict = dataclasses.field(default_factory=dict)     # {student: [what to check]}, graded
    skipped: int = 0
    regraded: int = 0   # graded now, graded before under an older grading fingerprint
    refused: list = dataclasses.field(default_factory=list)  # [(exchange folder, reason)] refused at collect


class Run:
    """One autograde run: the grading processes, their results, and what is stored."""

    def __init__(self, course_dir, course, lesson, fingerprint, require_sandbox, workers, stream):
        self.course_dir, self.course, self.lesson, self.fingerprint = course_dir, course, lesson, fingerprint
        self.require_sandbox, self.workers, self.stream = require_sandbox, max(1, workers), stream
        self.outcome = Outcome()
        self.graders = {}  # {the fd of its outcomes: Grader}
        self.queue = collections.deque()
        self.selector = selectors.DefaultSelector()
        budget = lesson.budget
        # The engine bounds a grading's time; this only catches a grading process that hangs anyway.
        self.time_limit = 2 * (budget.load_timeout + budget.submission_seconds) + 60

    def grade_all(self, jobs, cluster=None):
        """Grade `jobs` in grading processes forked from this one, or on `cluster` (a cluster.ClusterGrading)."""
        self.queue.extend(jobs)
        self.progress = Progress(len(jobs), self.stream)
        if cluster is not None:
            cluster.grade_all(self.queue, self._finish_from_cluster, self.failed)
            return self.outcome
        try:
            while self.queue or self._busy():
                self._hand_out()
                busy = self._busy()
                if not busy:
                    continue
                wait = min(grader.deadline for grader in busy) - time.monotonic()
                for key, _ in self.selector.select(timeout=min(max(wait, 0.0), 1.0)):
                    self._read(key.data)
                for grader in self._busy():
                    if time.monotonic() > grader.deadline:
                        self._lost(grader, lambda _: f"the grading process took longer than {self.time_limit:g} s")
        finally:
            for grader in list(self.graders.values()):
                self._kill(grader)
        return self.outcome

    def _busy(self):
        return [grader for grader in self.graders.values() if grader.job is not None]

    def _hand_out(self):
        """Give each idle grading process a job, starting processes up to `workers` while jobs wait."""
        idle = [grader for grader in self.graders.values() if grader.job is None]
        while self.queue and (idle or len(self.graders) < self.workers):
            job = self.queue.popleft()
            try:
                grader = idle.pop() if idle else self._start()
            except OSError as error:  # no memory or processes left for a fork: tried again later
                self.failed(job, f"no grading process could be started: {error}")
                return
            review = self._review_path(job) if job.digest != "missing" else None
            request = json.dumps({"folder": str(job.submission.folder), "review": review and str(review)})
            grader.job, grader.started = job, time.monotonic()
            grader.deadline = grader.started + self.time_limit
            try:
                os.write(grader.requests, request.encode("utf-8") + b"\n")  # far below a pipe's buffer
            except OSError:  # it died while idle
                self._lost(grader, _exit_reason)

    def _start(self):
        """Fork a grading process (`_serve`). It dies with this process, and its group is killed with it."""
        requests_read, requests_write = os.pipe()
        outcomes_read, outcomes_write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                for fd in [requests_write, outcomes_read, *(fd for g in self.graders.values()
                                                             for fd in (g.requests, g.outcomes))]:
                    os.close(fd)
                os.setpgid(0, 0)
                die_with_parent()
                if os.getppid() != parent:  # the parent died before the line above
                    os._exit(1)
                _serve(requests_read, outcomes_write, self.course, self.lesson.id, self.require_sandbox,
                       hidden_paths(self.course_dir), self.course_dir.db_url)
            finally:
                os._exit(1)
        os.close(requests_read)
        os.close(outcomes_write)
        try:
            os.setpgid(pid, pid)  # also here: whichever runs first, the group exists before it is killed
        except OSError:
            pass
        os.set_blocking(outcomes_read, False)
        grader = Grader(pid, requests_write, outcomes_read)
        self.graders[outcomes_read] = grader
        self.selector.register(outcomes_read, selectors.EVENT_READ, grader)
        return grader

    def _read(self, grader):
        try:
            chunk = os.read(grader.outcomes, CHUNK)
        except BlockingIOError:
            return
        grader.received += chunk
        size = int.from_bytes(grader.received[:LENGTH_BYTES], "big") if len(grader.received) >= LENGTH_BYTES else 0
        if not chunk or grader.job is None:  # it died, or spoke unasked
            return self._lost(grader, _exit_reason)
        if size > REPORT_BYTES:  # grade_submission contains its outcome: more is a grader bug
            return self._lost(grader, lambda _: f"the grading process sent more than {REPORT_BYTES} bytes")
        if len(grader.received) < LENGTH_BYTES + size:
            return
        job, seconds = grader.job, time.monotonic() - grader.started
        try:
            outcome = json.loads(grader.received[LENGTH_BYTES:])
        except ValueError:
            return self._lost(grader, lambda _: "the grading process sent no outcome")
        grader.job = None
        grader.received.clear()
        # A failure may have left the process damaged, and a large notebook its memory grown: the
        # next job (this one's retry, say) gets a fresh grading process.
        if "failed" in outcome or outcome.get("peak_memory_mb", 0) > grader_memory_mb(self.lesson) / 2:
            self._kill(grader)
        self._hand_out()  # the next submission is graded while this one is stored
        self.finish(job, outcome, seconds)

    def _lost(self, grader, reason):
        """Kill `grader`; its job, if any, failed for `reason(status)`."""
        job = grader.job
        self._kill(grader)
        if job is not None:
            self.failed(job, reason(grader.status))

    def _kill(self, grader):
        """Kill the grading process's group (its pid is still reserved: it is not reaped yet) and reap it."""
        try:
            os.killpg(grader.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.graders.pop(grader.outcomes, None) is not None:
            self.selector.unregister(grader.outcomes)
            os.close(grader.outcomes)
            os.close(grader.requests)
        if grader.status is None:
            grader.status = os.waitpid(grader.pid, 0)[1]

    def finish(self, job, outcome, seconds):
        """Store the outcome of `grade_submission` for `job`, or treat it as a failure (`failed`)."""
        if "failed" in outcome:
            return self.failed(job, f"grading failed: {outcome['failed']}")
        if "unreadable" in outcome:
            report = zero_report(self.lesson, f"the submission could not be graded: {outcome['unreadable']}",
                                 bwrap_works()).to_json()
        else:
            report = outcome["report"]
        try:
            self._store(job, report, seconds, outcome.get("peak_memory_mb"))
        except Exception as error:  # noqa: BLE001 -- a full disk, a locked gradebook: tried again, never a zero
            return self.failed(job, f"storing the result failed: {type(error).__name__}: {error}")
        student = job.submission.student
        self.outcome.graded[student] = report
        if job.flags:
            self.outcome.flagged[student] = job.flags
        self.progress.step(for_terminal(f"{self.lesson.id} {student}: {report['score']}/{report['max_score']}"))

    def _finish_from_cluster(self, job, outcome, seconds):
        """A cluster worker graded the notebook; the copy for the formgrader is made here, beside the gradebook."""
        if "failed" not in outcome and job.digest != "missing":
            try:
                write_review_copy(job.submission, self._review_path(job), self.course_dir.db_url)
            except Exception as error:  # noqa: BLE001 -- a full disk, say: the grader's, graded again
                return self.failed(job, f"writing the copy for the formgrader failed: {type(error).__name__}: {error}")
        self.finish(job, outcome, seconds)

    def _review_path(self, job):
        """Where the grading process writes the submission's copy for the formgrader, until it is renamed into place."""
        return report_path(self.course_dir, job.submission).with_name(f"{job.submission.notebook.name}.tmp")

    def failed(self, job, reason):
        """A failure on the grader's side: `job` goes back in the queue, or after ATTEMPTS is left
        ungraded with its reasons (nothing stored: the next run grades it)."""
        job.failures.append(contained(reason, relative_names(job.submission.folder, hidden_paths(self.course_dir))))
        self._review_path(job).unlink(missing_ok=True)
        if job.attempt < ATTEMPTS:
            job.attempt += 1
            self.queue.append(job)
            return
        for folder in (self._review_path(job).parent, self._review_path(job).parent.parent):
            try:
                folder.rmdir()  # made for this submission alone, if nothing else is in it
            except OSError:
                break
        student = job.submission.student
        self.outcome.not_graded[student] = "; then ".join(dict.fromkeys(job.failures)) + f" (tried {ATTEMPTS} times)"
        self.progress.step(for_terminal(f"{self.lesson.id} {student}: NOT GRADED"))

    def _store(self, job, report, seconds, peak_memory_mb=None):
        submission = job.submission
        folder = report_path(self.course_dir, submission).parent
        record = {"student": submission.student,
                  "timestamp": job.timestamp.isoformat(sep=" ") if job.timestamp else None,
                  "submission_sha256": job.digest,
                  "fingerprint": report.get("grading", {}).get("fingerprint") or self.fingerprint,
                  "versions": versions(), "seconds": round(seconds, 3), "grader_peak_memory_mb": peak_memory_mb,
                  "flags": job.flags, "report": report}
        files = {name: data for name, data in job.files.items() if data is not None}
        files[REPORT_FILE] = json.dumps(record, indent=2).encode("ascii")  # last: it says "done"
        review = self._review_path(job)
        staged = [(review, folder / submission.notebook.name)] if review.exists() else []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                staged.append((_write_new(folder / f"{name}.tmp", data), folder / name))
            write_scores(self.course_dir, submission, self.lesson, report, job.timestamp)
            for temporary, final in staged:
                os.replace(temporary, final)
        finally:
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)


def _write_new(path, data):
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def write_scores(course_dir, submission, lesson, report, timestamp):
    with course_dir.gradebook() as gradebook, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy 2 autoflush warnings; the rows are written fine.
        warnings.simplefilter("ignore", SAWarning)
        try:
            gradebook.find_submission(lesson.id, submission.student).timestamp = timestamp  # a resubmission's own
        except MissingEntry:
            gradebook.add_submission(lesson.id, submission.student, timestamp=timestamp)
        scores = {e["name"]: e["score"] for e in report["exercises"]}
        for exercise in lesson.exercises:
            grade = gradebook.find_grade(exercise.grade_id, lesson.id, lesson.id, submission.student)
            grade.auto_score = scores.get(exercise.name, 0)
            grade.needs_manual_grade = False
        gradebook.db.commit()


def write_review_copy(submission, path, db_url):
    """The submission's notebook as the formgrader shows it (`review_copy`), written to `path`; a
    notebook above REVIEW_MEND_BYTES is copied as it is (mending one of 8 MB took 7 s and 120 MB)."""
    data = read_files(submission.folder, {submission.notebook.name: NOTEBOOK_BYTES})[submission.notebook.name]
    if data is None:
        raise Refused(f"{submission.notebook.name} vanished while it was graded")
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_new(path, review_copy(data, submission.assignment, db_url) if len(data) <= REVIEW_MEND_BYTES else data)


def review_copy(data, assignment, db_url):
    """The submission as the formgrader shows it: nbgrader's OverwriteCells puts back the released
    text of locked cells a student edited and grade cells a student deleted, as `nbgrader autograde`
    does. Our grade never read those cells; this only keeps the instructor's view honest."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingIDFieldWarning)  # mended below
            notebook = nbformat.reads(data.decode("utf-8"), as_version=nbformat.NO_CONVERT)
        if notebook.nbformat_minor >= 5:  # a cell added by hand, outside an editor, may have no id
            for cell in notebook.cells:
                cell.setdefault("id", generate_corpus_id())
        overwrite = OverwriteCells(add_missing_cells=True, log=REVIEW_LOG)
        notebook, _ = overwrite.preprocess(notebook, {"nbgrader": {
            "notebook": assignment, "assignment": assignment, "db_url": db_url}})
        return nbformat.writes(notebook).encode("utf-8")
    except Exception:  # noqa: BLE001 -- a notebook nbgrader cannot mend is kept as it was submitted
        return data


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
              require_sandbox=True, stream=sys.stderr, scheduler=None):
    """Grade the collected submissions of one assignment; returns the run's Outcome. Refuses to start,
    writing nothing, when the lesson's files disagree (CourseError) or the sandbox is missing.
    `scheduler`: the address of a Dask scheduler to grade on (cluster.py) instead of local processes."""
    lesson = course.lesson(assignment_id)
    check_lesson_files(lesson)
    sandbox_available(require_sandbox)
    course_dir = CourseDir.of(course_dir)
    roster = course_dir.roster()
    fingerprint = grading_fingerprint(lesson)
    outcome, jobs, regrading = Outcome(), [], set()
    for submission in find_submissions(course_dir, lesson, student):
        try:
            job = read_job(submission, roster)
        except Refused as reason:
            outcome.not_graded[submission.student] = f"refused: {reason}"
            continue
        state = stored_state(course_dir, submission)
        if not force and state == (job.digest, fingerprint):
            outcome.skipped += 1
            continue
        if not force and state and state[0] == job.digest:
            regrading.add(submission.student)
        jobs.append(job)
    if outcome.skipped:
        stream.write(f"{outcome.skipped} submission(s) of {assignment_id} already graded (use --force to regrade)\n")
    if regrading:
        stream.write(f"{len(regrading)} submission(s) of {assignment_id} were graded under an older grading "
                     "fingerprint (another suite, reference, engine or library version): grading them again\n")
    run = Run(course_dir, course, lesson, fingerprint, require_sandbox, workers, stream)
    if scheduler:
        from .cluster import ClusterGrading
        done = run.grade_all(jobs, ClusterGrading(scheduler, lesson.id, require_sandbox, NOTEBOOK_BYTES))
    else:
        done = run.grade_all(jobs)
    outcome.graded, outcome.flagged = done.graded, done.flagged
    outcome.not_graded.update(done.not_graded)
    outcome.regraded = len(regrading & set(done.graded))
    if regrading:
        stream.write(f"{outcome.regraded} regraded under the current grading fingerprint\n")
    for flagged, flags in sorted(outcome.flagged.items()):
        stream.write(for_terminal(f"flagged: {flagged}: {'; '.join(flags)}") + "\n")
    for entry in read_refusals(course_dir.root, assignment_id):
        if student in (None, entry["student"]):
            instead = " (an earlier submission of theirs was collected instead)" if (
                course_dir.folder("submitted", entry["student"], assignment_id).is_dir()) else ""
            outcome.refused.append((entry["name"], entry["reason"]))
            stream.write(for_terminal(f"not graded: {entry['name']}: refused at collect: {entry['reason']}{instead}")
                         + "\n")
    if outcome.not_graded:
        stream.write(for_terminal(f"{len(outcome.not_graded)} submission(s) not graded: " + "; ".join(
            f"{student}: {reason}" for student, reason in sorted(outcome.not_graded.items()))) + "\n")
    stream.flush()
    return outcome
