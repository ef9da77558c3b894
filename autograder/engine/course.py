"""course.yml: the lessons, their exercises and points. Everything else follows from a lesson's id.

course.yml states only what cannot be derived: each lesson's id, title, availability, exercises
with their points, what its code uses in the sandbox besides NumPy (`uses:`), and budget overrides. For the lesson `01-introduction`, whose Python name is
`l01_introduction` (ids hold '-', which Python names cannot):

    assignments/01-introduction/lesson.py               the notebook's text and visible tests
    assignments/01-introduction/01-introduction.ipynb   the nbgrader source notebook (`llmcourse build`)
    solutions/l01_introduction.py                       the reference solutions
    autograder/lessons/l01_introduction/test_<exercise>.py   the hidden suite, one file per exercise
    nbgrader grade ids                                  test_<exercise> (its graded cell), solution-<exercise>

Loading checks that an available lesson has all of these and that they agree: every exercise has a
suite file and a reference function, every suite file names an exercise, every property is marked
@graded and an exercise's properties add up to its points. A mistake is reported with the file and
what to do, e.g. `course.yml: lessons[1].exercises.softmax: expected a positive integer, got 'two'`.
"""

import ast
import dataclasses
import os
import re
from pathlib import Path

import yaml

from .sandbox import Limits, UsesError, used_paths

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent  # holds autograder/ and solutions/
AUTOGRADER_DIR = PACKAGE_ROOT / "autograder"
LESSONS_DIR = AUTOGRADER_DIR / "lessons"
SOLUTIONS_DIR = PACKAGE_ROOT / "solutions"
SUITE_FILE = "test_{}.py"


def default_course_file():
    """course.yml beside the package in a checkout or editable install; in a wheel install, the copy
    installed beside the package as `llmcourse_course` (see pyproject.toml)."""
    beside = PACKAGE_ROOT / "course.yml"
    return beside if beside.is_file() else PACKAGE_ROOT / "llmcourse_course" / "course.yml"


class CourseError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Budget:
    """What grading one submission may cost; course.yml may override any field, for the whole
    course (`budget:`) or a lesson. These are the only defaults."""
    max_examples: int = 25         # hypothesis examples per property (plus the shrinking of a failure)
    call_timeout: float = 2.0      # seconds one call of a student function may take
    load_timeout: float = 30.0     # seconds the notebook's own code may take to run
    submission_seconds: float = 120.0  # wall time all the calls of one submission may take together
    memory_mb: int = 2048          # address space of the worker, and memory of all its processes
    cpu_seconds: int = 300         # CPU time of the worker over the whole grading
    processes: int = 32            # processes and threads the worker may have
    file_mb: int = 16              # size of one file the worker writes
    open_files: int = 256
    scratch_mb: int = 64           # size of each writable tmpfs (/tmp, /dev/shm) in the sandbox
    max_restarts: int = 5          # worker restarts after timeouts or crashes before calls fail at once

    def limits(self):
        return Limits(**{field.name: getattr(self, field.name) for field in dataclasses.fields(Limits)})


@dataclasses.dataclass(frozen=True)
class Exercise:
    name: str
    points: int

    @property
    def grade_id(self):
        """nbgrader's id of the exercise's graded (visible tests) cell, where the gradebook keeps its score."""
        return f"test_{self.name}"


@dataclasses.dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    available: bool
    root: Path
    exercises: tuple = ()
    budget: Budget = Budget()
    uses: tuple = ()  # what the notebook's code may import or read in the sandbox besides NumPy

    @property
    def package(self):
        """The lesson's Python name: 01-introduction -> l01_introduction."""
        return "l" + self.id.replace("-", "_")

    @property
    def folder(self):
        return self.root / "assignments" / self.id

    @property
    def notebook(self):
        return self.folder / f"{self.id}.ipynb"

    @property
    def lesson_script(self):
        return self.folder / "lesson.py"

    @property
    def solutions(self):
        return f"solutions.{self.package}"

    @property
    def solutions_file(self):
        return SOLUTIONS_DIR / f"{self.package}.py"

    @property
    def suite_dir(self):
        return LESSONS_DIR / self.package

    @property
    def max_score(self):
        return sum(e.points for e in self.exercises)

    def exercise(self, name):
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise CourseError(f"lesson {self.id} has no exercise named {name!r}")


@dataclasses.dataclass(frozen=True)
class Course:
    id: str
    title: str
    root: Path
    lessons: tuple

    @property
    def available(self):
        return [lesson for lesson in self.lessons if lesson.available]

    def lesson(self, lesson_id):
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        known = ", ".join(lesson.id for lesson in self.lessons)
        raise CourseError(f"no lesson {lesson_id!r} in the course (known: {known})")


class _Reader:
    """Reads typed fields out of parsed YAML, naming the field in every error."""

    def __init__(self, filename):
        self.filename = filename

    def fail(self, where, expected, got):
        shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
        raise CourseError(f"{self.filename}: {where}: expected {expected}, got {shown}")

    def mapping(self, data, where, required, optional=()):
        if not isinstance(data, dict):
            self.fail(where, "a mapping", data)
        unknown = set(data) - set(required) - set(optional)
        if unknown:
            self.fail(f"{where}.{sorted(unknown)[0]}" if where else sorted(unknown)[0],
                      f"one of the fields {', '.join(list(required) + list(optional))}", "an unknown field")
        for field in required:
            if field not in data:
                self.fail(f"{where}.{field}" if where else field, "this field to be present", None)
        return data

    def string(self, value, where, pattern=None, meaning="a non-empty string"):
        if not isinstance(value, str) or not value.strip() or (pattern and not re.fullmatch(pattern, value)):
            self.fail(where, meaning, value)
        return value

    def number(self, value, where, kind=int):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        if kind is int:
            ok = ok and isinstance(value, int)
        if not ok:
            self.fail(where, f"a positive {'integer' if kind is int else 'number'}", value)
        return kind(value)

    def boolean(self, value, where):
        if not isinstance(value, bool):
            self.fail(where, "true or false", value)
        return value

    def budget(self, data, where, base):
        fields = {f.name: f.type for f in dataclasses.fields(Budget)}
        self.mapping(data, where, (), fields)
        values = {name: self.number(value, f"{where}.{name}", int if fields[name] in (int, "int") else float)
                  for name, value in data.items()}
        return dataclasses.replace(base, **values)

    def names(self, data, where):
        if not isinstance(data, list) or not all(isinstance(name, str) and name.strip() for name in data):
            self.fail(where, "a list of packages or package files, e.g. [regex, torch]", data)
        return tuple(data)

    def exercises(self, data, where):
        if not isinstance(data, dict) or not data:
            self.fail(where, "a mapping of exercise names to points, e.g. {softmax: 2, cross_entropy: 2}", data)
        return tuple(Exercise(self.string(name, f"{where}.{name}", r"[A-Za-z_]\w*", "a Python function name"),
                              self.number(points, f"{where}.{name}"))
                     for name, points in data.items())


def load_course(path=None, check_files=True, need_notebooks=True):
    """Load and validate course.yml (default: $LLMCOURSE_COURSE, else the one beside the package).

    With `check_files`, every available lesson's files must exist and agree (see the module's doc),
    its built notebook too unless not `need_notebooks` (for the command that builds them)."""
    path = Path(path or os.environ.get("LLMCOURSE_COURSE") or default_course_file()).resolve()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CourseError(f"cannot read the course file {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise CourseError(f"{path.name}: not valid YAML: {error}") from None
    read = _Reader(path.name)
    read.mapping(data, "", ("id", "title", "lessons"), ("budget",))
    default_budget = read.budget(data.get("budget", {}), "budget", Budget())
    if not isinstance(data["lessons"], list) or not data["lessons"]:
        read.fail("lessons", "a non-empty list of lessons", data["lessons"])
    lessons = [_lesson(read, item, f"lessons[{i}]", path.parent, default_budget)
               for i, item in enumerate(data["lessons"])]
    seen = set()
    for i, lesson in enumerate(lessons):
        if lesson.id in seen:
            read.fail(f"lessons[{i}].id", "a lesson id used only once", lesson.id)
        seen.add(lesson.id)
    course = Course(id=read.string(data["id"], "id", r"[A-Za-z0-9][A-Za-z0-9_.-]*",
                                   "an id of letters, digits, '-', '_' or '.'"),
                    title=read.string(data["title"], "title"), root=path.parent, lessons=tuple(lessons))
    if check_files:
        for lesson in course.available:
            check_lesson_files(lesson, need_notebooks)
    return course


def _lesson(read, data, where, root, default_budget):
    read.mapping(data, where, ("id", "title", "available"), ("exercises", "budget", "uses"))
    lesson_id = read.string(data["id"], f"{where}.id", r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", "an id such as '01-introduction'")
    available = read.boolean(data["available"], f"{where}.available")
    if available and "exercises" not in data:
        read.fail(f"{where}.exercises", "the exercises of an available lesson", None)
    return Lesson(
        id=lesson_id, title=read.string(data["title"], f"{where}.title"), available=available, root=root,
        exercises=read.exercises(data["exercises"], f"{where}.exercises") if "exercises" in data else (),
        budget=read.budget(data.get("budget", {}), f"{where}.budget", default_budget),
        uses=read.names(data.get("uses", []), f"{where}.uses"))


def _relative(path, lesson):
    for base in (lesson.root, PACKAGE_ROOT):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def check_lesson_files(lesson, need_notebook=True):
    """Every file of an available lesson is there and they agree; CourseError naming the file and
    what to do otherwise. The notebook is built from the others (`need_notebook=False` before that)."""
    scaffold = f"(`llmcourse new-lesson {lesson.id}` writes a lesson's files)"
    for path, what in ((lesson.lesson_script, "its lesson script"), (lesson.solutions_file, "its reference solutions"),
                       (lesson.suite_dir, "its hidden suite")):
        if not path.exists():
            raise CourseError(f"lesson {lesson.id} is available but {what} {_relative(path, lesson)} is missing "
                              f"{scaffold}")
    defined = _top_level_names(lesson.solutions_file)
    names = [exercise.name for exercise in lesson.exercises]
    for name in names:
        if name not in defined:
            raise CourseError(f"{_relative(lesson.solutions_file, lesson)} defines no `{name}`, an exercise of "
                              f"lesson {lesson.id} in course.yml")
    suites = {path.stem.removeprefix("test_"): path for path in sorted(lesson.suite_dir.glob(SUITE_FILE.format("*")))}
    for name, path in suites.items():
        if name not in names:
            raise CourseError(f"{_relative(path, lesson)} grades `{name}`, which is not an exercise of lesson "
                              f"{lesson.id}: rename the file test_<exercise>.py after one of {', '.join(names)}, "
                              "or add the exercise to course.yml")
    for exercise in lesson.exercises:
        path = lesson.suite_dir / SUITE_FILE.format(exercise.name)
        if exercise.name not in suites:
            raise CourseError(f"exercise `{exercise.name}` of lesson {lesson.id} has no hidden suite: write "
                              f"{_relative(path, lesson)}")
        points = suite_points(path, _relative(path, lesson))
        if sum(points.values()) != exercise.points:
            raise CourseError(
                f"{_relative(path, lesson)}: its properties carry {sum(points.values())} point(s) "
                f"({', '.join(f'{test} {n}' for test, n in points.items()) or 'none'}) but course.yml gives "
                f"`{exercise.name}` {exercise.points}: make them agree")
    try:
        used_paths(lesson.uses)
    except UsesError as error:
        raise CourseError(f"lesson {lesson.id}: {error}") from None
    if need_notebook and not lesson.notebook.is_file():
        raise CourseError(f"lesson {lesson.id} is available but its notebook {_relative(lesson.notebook, lesson)} "
                          f"is missing: run `llmcourse build {lesson.id}`")


def _top_level_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def suite_points(path, shown=None):
    """{test function: points} of a suite file, read from its `@graded` marks without importing it;
    errors name the file as `shown`."""
    shown = shown or path.name
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    points = {}
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        marks = [d for d in node.decorator_list if _is_graded(d.func if isinstance(d, ast.Call) else d)]
        if not marks:
            raise CourseError(f"{shown}:{node.lineno}: {node.name} is not marked @graded "
                              "(every property of a hidden suite is worth points)")
        mark = marks[0]
        value = 1
        if isinstance(mark, ast.Call):
            keywords = {keyword.arg: keyword.value for keyword in mark.keywords}
            if mark.args or set(keywords) - {"points"}:
                raise CourseError(f"{shown}:{node.lineno}: write @graded or @graded(points=N)")
            if "points" in keywords:
                value = keywords["points"].value if isinstance(keywords["points"], ast.Constant) else None
        if type(value) is not int or value < 1:
            raise CourseError(f"{shown}:{node.lineno}: {node.name}: points must be a whole number >= 1")
        points[node.name] = value
    return points


def _is_graded(node):
    return (isinstance(node, ast.Name) and node.id == "graded") or (
        isinstance(node, ast.Attribute) and node.attr == "graded")
