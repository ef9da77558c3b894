"""The instructor's nbgrader course directory: its configuration, its roster, and every path in it.

`llmcourse init` writes nbgrader_config.py, source/ (the available lessons' notebooks and data),
the exchange and the gradebook with the roster. Every other module reaches the directory through
`CourseDir`, whose paths are nbgrader's own (`CourseDirectory.format_path`), so what nbgrader writes
and what we read are the same folders. The roster is the gradebook's students: only their
submissions are collected, graded and exported.
"""

import csv
import json
import os
import shutil
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import parse_utc
from traitlets.config.loader import PyFileConfigLoader

from autograder.authoring.build import lesson_data_files
from autograder.engine.course import CourseError

from .untrusted import Refused, for_terminal, read_files

CONFIG_FILE = "nbgrader_config.py"
TIMESTAMP_FILE = "timestamp.txt"
REFUSED_FOLDER = "refused"  # refused/<assignment>.json: what collect did not take, and why

CONFIG_TEMPLATE = '''\
# nbgrader configuration of this course directory, written by `llmcourse init`.
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.Exchange.root = {exchange!r}
# Collecting (`llmcourse collect`, `nbgrader collect`, the formgrader) takes only regular files, only
# from students on the roster, only from folders they own (autograder/classroom/exchange.py).
c.ExchangeFactory.collect = "autograder.classroom.exchange.CheckedCollect"
{owner_check}
'''
OWNER_CHECKED = "c.ExchangeCollect.check_owner = True"
OWNER_UNCHECKED = ("# Every student submits as the same OS user in this course (a demo or a test), so the owner\n"
                   "# of a submission's folder cannot tell who made it: not checked. Keep it on for a real class.\n"
                   "c.ExchangeCollect.check_owner = False")


class ClassroomError(CourseError):
    pass


class CourseDir:
    """An existing course directory, as nbgrader sees it (root, gradebook, course id, folders)."""

    def __init__(self, course_dir):
        self.config = load_config(course_dir)
        self.nbgrader = CourseDirectory(config=self.config)
        self.root = Path(self.nbgrader.root or course_dir).resolve()
        self.nbgrader.root = str(self.root)
        self.db_url = self.nbgrader.db_url
        self.course_id = self.nbgrader.course_id

    def folder(self, step, student, assignment):
        """nbgrader's folder of `step` ("submitted", "autograded", "feedback", ...) for one student;
        `student` "*" makes a glob pattern."""
        return Path(self.nbgrader.format_path(getattr(self.nbgrader, f"{step}_directory"), student, assignment))

    def gradebook(self):
        return Gradebook(self.db_url, course_id=self.course_id)

    def roster(self):
        """The ids of the gradebook's students."""
        with self.gradebook() as gradebook:
            return {student.id for student in gradebook.students}

    @classmethod
    def of(cls, course_dir):
        """`course_dir` as a CourseDir (a path or a CourseDir)."""
        return course_dir if isinstance(course_dir, cls) else cls(course_dir)


def refusals_path(root, assignment_id):
    return Path(root) / REFUSED_FOLDER / f"{assignment_id}.json"


def read_refusals(root, assignment_id):
    """[{"name": folder in the exchange, "student": ..., "reason": ...}] of the submissions of an
    assignment that collect refused (the latest collect's word on each student); [] if none."""
    try:
        entries = json.loads(refusals_path(root, assignment_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [entry for entry in entries if isinstance(entry, dict) and {"name", "student", "reason"} <= set(entry)]


def write_refusals(root, assignment_id, refused, students):
    """Record `refused` [(name, reason)], replacing what was recorded for `students` (those this
    collect looked at) and keeping the others'. The names and reasons are the students' text: kept
    as JSON (lone surrogates escaped), shown only through for_terminal or html.escape."""
    kept = [entry for entry in read_refusals(root, assignment_id) if entry["student"] not in students]
    kept += [{"name": name, "student": name.split("+", 1)[0], "reason": reason} for name, reason in refused]
    path = refusals_path(root, assignment_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.tmp")
    temporary.write_text(json.dumps(kept, indent=1), encoding="ascii")
    os.replace(temporary, path)


def load_config(course_dir):
    path = Path(course_dir) / CONFIG_FILE
    if not path.is_file():
        raise ClassroomError(f"{course_dir} is not a course directory (no {CONFIG_FILE}); "
                             "create one with `llmcourse init DIR`")
    return PyFileConfigLoader(CONFIG_FILE, path=str(path.parent)).load_config()


def read_roster(path):
    """Students from a CSV with a header: id (required), first_name, last_name, email."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise ClassroomError(f"cannot read the roster {path}: {error.strerror}") from None
    if rows and "id" not in rows[0]:
        raise ClassroomError(f"{path}: the roster needs a header with an 'id' column "
                             "(and optionally first_name, last_name, email)")
    students = []
    for number, row in enumerate(rows, 2):
        student_id = (row.get("id") or "").strip()
        if not student_id or any(ch in student_id for ch in "/*+ "):
            raise ClassroomError(f"{path}:{number}: expected a student id without spaces, '/', '*' or '+', "
                                 f"got {student_id!r}")
        students.append({"id": student_id, **{k: (row.get(k) or None) for k in ("first_name", "last_name", "email")}})
    return students


def submission_time(folder):
    """The time in a submission folder's timestamp.txt (naive UTC, as nbgrader keeps it); Refused
    when it is missing or holds no time."""
    return parse_submission_time(read_files(folder, {TIMESTAMP_FILE: 1024})[TIMESTAMP_FILE])


def parse_submission_time(data):
    """The time in the bytes of a timestamp.txt (None: no such file); Refused when it holds none."""
    if data is None:
        raise Refused(f"it has no {TIMESTAMP_FILE}")
    text = data.decode("utf-8", "replace").strip()
    try:
        return parse_utc(text)
    except Exception:  # noqa: BLE001 -- the file is the student's: any parse error is theirs
        raise Refused(f"its {TIMESTAMP_FILE} holds no time: '{for_terminal(text[:80])}'") from None


def init_course(course_dir, course, roster=None, db_url=None, check_owner=None):
    """Create (or update) an nbgrader course directory for `course`; returns its path. `check_owner`
    (default: as before, else on): refuse a submission whose folder the student does not own."""
    root = Path(course_dir).resolve()
    if (root / CONFIG_FILE).exists():
        config = load_config(root)
        db_url = db_url or config.CourseDirectory.db_url
        if check_owner is None:
            check_owner = config.ExchangeCollect.get("check_owner", True)
    root.mkdir(parents=True, exist_ok=True)
    exchange = root / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o777)  # students write their submissions into it
    db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    (root / CONFIG_FILE).write_text(CONFIG_TEMPLATE.format(
        course_id=course.id, root=str(root), db_url=db_url, exchange=str(exchange),
        owner_check=OWNER_UNCHECKED if check_owner is False else OWNER_CHECKED), encoding="utf-8")
    course_dir = CourseDir(root)
    for lesson in course.available:
        target = course_dir.folder("source", ".", lesson.id)
        target.mkdir(parents=True, exist_ok=True)
        for path in [lesson.notebook, *lesson_data_files(lesson)]:
            shutil.copy2(path, target / path.name)
    students = read_roster(roster) if roster else []
    with course_dir.gradebook() as gradebook:
        for student in students:
            gradebook.update_or_create_student(
                student["id"], **{k: v for k, v in student.items() if k != "id" and v})
    return root
