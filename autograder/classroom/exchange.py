"""nbgrader's exchange, for both sides: the instructor releases and collects, students fetch and submit.

Everything here is nbgrader's own machinery (its NbGraderAPI, the one the formgrader uses, and its
file-system exchange), run in-process with the course directory's nbgrader_config.py, except two
things: grading (autograde.py: nbgrader never executes a student's notebook in this course) and
the copy out of the exchange. The exchange is writable by every student, and nbgrader's collect
copies whatever it finds there with the instructor's rights, following links; `CheckedCollect`
takes the same submissions nbgrader would, but only as regular files, only from students on the
roster, and only from a folder the student owns; what it refuses, and why, is printed and kept in
the course directory (refused/<assignment>.json) for autograde and feedback to show. The course's
nbgrader_config.py makes it the collect of `nbgrader collect` and of the formgrader too.
"""

import dataclasses
import fnmatch
import os
from collections import defaultdict
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets.config import Config

from .coursedir import ClassroomError, CourseDir, submission_time, write_refusals
from .untrusted import Refused, Rules, copy_tree, for_terminal, owner_name, remove_tree


def nbgrader_api(course_dir):
    config = CourseDir.of(course_dir).config
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _check(result, what):
    if not result or not result.get("success"):
        detail = (result or {}).get("error") or (result or {}).get("log") or "no details"
        raise ClassroomError(f"nbgrader {what} failed:\n{detail}")
    return result


def release(course_dir, assignment_id):
    """nbgrader generate_assignment + release_assignment."""
    api = nbgrader_api(course_dir)
    _check(api.generate_assignment(assignment_id, force=True), f"generate_assignment {assignment_id}")
    _check(api.release_assignment(assignment_id), f"release_assignment {assignment_id}")
    return Path(api.coursedir.format_path(api.coursedir.release_directory, ".", assignment_id))


class CheckedCollect(ExchangeCollect):
    """nbgrader's collect (each student's newest submission; with before_duedate, the newest one
    made before the due date), refusing, with the reason in the log and in `refused`:
    a submission from a student who is not on the roster (the gradebook's students); with
    check_owner, one whose folder or files belong to another user than the student it names; one
    holding anything but regular files and folders (untrusted.py); one whose time is not a time or
    disagrees with its timestamp.txt. A refused submission is never copied; the student's newest
    acceptable one is taken instead. A resubmission replaces the collected one whole."""

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.inbound_path = os.path.join(self.root, self.coursedir.course_id, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        self.collected, self.refused = [], []
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            self.roster = {student.id for student in gradebook.students}
            try:
                self.duedate = gradebook.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        pattern = f"{self.coursedir.student_id or '*'}+{self.coursedir.assignment_id}+*"
        records = defaultdict(list)
        for name in sorted(os.listdir(self.inbound_path)):
            if not fnmatch.fnmatchcase(name, pattern):
                continue
            try:
                record = self._path_to_record(name)
            except Exception as error:  # noqa: BLE001 -- a student names the folder: any parse error is theirs
                self._refuse(name, f"its name holds no submission time ({error})")
                continue
            records[record["username"]].append(record)
        self.candidates = {student: self._preferred(found) for student, found in sorted(records.items())}

    def _preferred(self, records):
        newest_first = self._sort_by_timestamp(records)
        if self.before_duedate and self.duedate is not None:
            on_time = [record for record in newest_first if record["timestamp"] <= self.duedate]
            return on_time + [record for record in newest_first if record not in on_time]
        return newest_first

    def copy_files(self):
        if not self.candidates:
            self.log.warning(f"No submissions of '{self.coursedir.assignment_id}' for course "
                             f"'{self.coursedir.course_id}' to collect")
        for student, records in self.candidates.items():
            if student not in self.roster:
                for record in records:
                    self._refuse(record["filename"], f"{student} is not on the course's roster (the gradebook's "
                                 "students: `nbgrader db student add ID`, or `llmcourse init DIR --roster CSV`)")
                continue
            for record in records:
                try:
                    self._collect(student, record)
                except Refused as reason:
                    self._refuse(record["filename"], str(reason))
                else:
                    self.collected.append(student)
                    break
        # Kept for autograde and feedback, which say "not graded" with the reason.
        looked_at = set(self.candidates) | {name.split("+", 1)[0] for name, _ in self.refused}
        write_refusals(self.coursedir.root, self.coursedir.assignment_id, self.refused, looked_at)

    def _refuse(self, name, reason):
        self.refused.append((name, reason))
        self.log.warning(for_terminal(f"Not collected: {name}: {reason}"))

    def _collect(self, student, record):
        source = os.path.join(self.inbound_path, record["filename"])
        target = Path(self.coursedir.format_path(self.coursedir.submitted_directory, student,
                                                 self.coursedir.assignment_id))
        if self.check_owner:
            owner = owner_name(os.lstat(source).st_uid)
            if owner != student:
                raise Refused(f"it is submitted as {student} but belongs to the user {owner} "
                              "(someone else's submission, or another account)")
        if target.is_dir():
            if _collected_time(target) == record["timestamp"]:
                self.log.info(f"Already collected: {student} {self.coursedir.assignment_id}")
                return
            if not (self.update or self.before_duedate):
                self.log.info(f"Submission already exists, use --update to update: {student} "
                              f"{self.coursedir.assignment_id}")
                return
        rules = Rules(owner=student if self.check_owner else None, ignore=tuple(self.coursedir.ignore),
                      include=tuple(self.coursedir.include), max_file_bytes=1000 * self.coursedir.max_file_size,
                      max_total_bytes=1000 * self.coursedir.max_dir_size)
        staging = target.with_name(f".{target.name}.collecting")
        remove_tree(staging)  # left by a collect that was killed
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            copy_tree(source, staging, rules, self.log.warning)
            claimed = submission_time(staging)
            if claimed != record["timestamp"]:
                raise Refused(f"its timestamp.txt says {claimed} but its name says {record['timestamp']}")
        except BaseException:
            remove_tree(staging)
            _remove_if_empty(target.parent)
            raise
        self.log.info(f"{'Updating' if target.exists() else 'Collecting'} submission: {student} "
                      f"{self.coursedir.assignment_id}")
        if target.exists():
            replaced = target.with_name(f".{target.name}.replaced")
            remove_tree(replaced)
            os.rename(target, replaced)
            os.rename(staging, target)
            remove_tree(replaced)
        else:
            os.rename(staging, target)


def _collected_time(folder):
    try:
        return submission_time(folder)
    except Refused:
        return None


def _remove_if_empty(folder):
    try:
        folder.rmdir()
    except OSError:
        pass


@dataclasses.dataclass
class Collected:
    students: list  # whose submission is in submitted/, collected now or before
    refused: list   # (name in the exchange, reason) of every submission not taken


def collect(course_dir, assignment_id):
    """Collect the newest acceptable submission of each student on the roster (CheckedCollect)."""
    config = Config(CourseDir.of(course_dir).config)
    config.CourseDirectory.assignment_id = assignment_id
    app = CheckedCollect(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
                         config=config)
    app.update = True
    try:
        app.start()
    except ExchangeError as error:
        raise ClassroomError(f"nbgrader collect {assignment_id} failed: {error}") from None
    return Collected(sorted(set(app.collected)), app.refused)


def release_feedback(course_dir, assignment_id):
    api = nbgrader_api(course_dir)
    _check(api.release_feedback(assignment_id), f"release_feedback {assignment_id}")


class StudentDesk:
    """A student's side of the exchange: fetch and submit with nbgrader's exchange classes, as the
    Assignment List in JupyterLab or `nbgrader fetch_assignment/submit` do."""

    def __init__(self, home, course_id, student_id, exchange_root):
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.config = Config()
        self.config.CourseDirectory.course_id = course_id
        self.config.CourseDirectory.student_id = student_id
        self.config.Exchange.root = str(exchange_root)
        self.config.Exchange.cache = str(self.home / ".nbgrader-cache")
        self.config.Exchange.assignment_dir = str(self.home)

    def _run(self, exchange_class, assignment_id):
        config = Config(self.config)
        config.CourseDirectory.assignment_id = assignment_id
        coursedir = CourseDirectory(config=config)
        app = exchange_class(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
        app.start()

    def fetch(self, assignment_id):
        from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment
        self._run(ExchangeFetchAssignment, assignment_id)
        return self.home / assignment_id

    def submit(self, assignment_id):
        from nbgrader.exchange.default.submit import ExchangeSubmit
        self._run(ExchangeSubmit, assignment_id)

    def fetch_feedback(self, assignment_id):
        from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback
        self._run(ExchangeFetchFeedback, assignment_id)
        return self.home / assignment_id / "feedback"
