"""The instructor's nbgrader course directory: its configuration, its roster, and every path in it.

`llmcourse init` writes nbgrader_config.py, source/ (the available lessons' notebooks and data),
the exchange and the gradebook. Every other module reaches the directory through `CourseDir`, whose
paths are nbgrader's own (`CourseDirectory.format_path`), so what nbgrader writes and what we read
are the same folders.
"""

import csv
import shutil
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from autograder.authoring.build import lesson_data_files
from autograder.engine.course import CourseError

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

    @classmethod
    def of(cls, course_dir):
        """`course_dir` as a CourseDir (a path or a CourseDir)."""
        return course_dir if isinstance(course_dir, cls) else cls(course_dir)


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
