"""The instructor's nbgrader course directory: create it, release assignments, collect submissions.

Everything here is nbgrader's own machinery (its NbGraderAPI, the one the formgrader uses, and its
file-system exchange), run in-process with the course directory's nbgrader_config.py. Only grading
is ours (autograde.py): nbgrader never executes a student's notebook in this course.
"""

import csv
import shutil
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps.api import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .build import lesson_data_files
from .course import CourseError

CONFIG_FILE = "nbgrader_config.py"

CONFIG_TEMPLATE = '''\
# nbgrader configuration of this course directory, written by `llmcourse init`.
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.Exchange.root = {exchange!r}
'''


class ClassroomError(CourseError):
    pass


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


def init_course(course_dir, course, roster=None, db_url=None):
    """Create (or update) an nbgrader course directory for `course`; returns its path."""
    root = Path(course_dir).resolve()
    if (root / CONFIG_FILE).exists() and db_url is None:
        db_url = load_config(root).CourseDirectory.db_url
    root.mkdir(parents=True, exist_ok=True)
    exchange = root / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o777)  # students write their submissions into it
    db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    (root / CONFIG_FILE).write_text(CONFIG_TEMPLATE.format(
        course_id=course.id, root=str(root), db_url=db_url, exchange=str(exchange)), encoding="utf-8")
    for lesson in course.available:
        target = root / "source" / lesson.id
        target.mkdir(parents=True, exist_ok=True)
        for path in [lesson.notebook, *lesson_data_files(lesson)]:
            shutil.copy2(path, target / path.name)
    students = read_roster(roster) if roster else []
    with Gradebook(db_url, course_id=course.id) as gradebook:
        for student in students:
            gradebook.update_or_create_student(
                student["id"], **{k: v for k, v in student.items() if k != "id" and v})
    return root


def nbgrader_api(course_dir):
    config = load_config(course_dir)
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


def collect(course_dir, assignment_id):
    api = nbgrader_api(course_dir)
    _check(api.collect(assignment_id), f"collect {assignment_id}")
    return sorted(api.get_submitted_students(assignment_id))


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
