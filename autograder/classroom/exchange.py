"""nbgrader's exchange, for both sides: the instructor releases and collects, students fetch and submit.

Everything here is nbgrader's own machinery (its NbGraderAPI, the one the formgrader uses, and its
file-system exchange), run in-process with the course directory's nbgrader_config.py. Only grading
is ours (autograde.py): nbgrader never executes a student's notebook in this course.
"""

from pathlib import Path

from nbgrader.apps.api import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from .coursedir import ClassroomError, CourseDir


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
