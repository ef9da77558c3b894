"""course.yml: the lessons, their graded exercises, points and budgets, validated on load.

A mistake in the file is reported with the file, the field and what was expected, e.g.
`course.yml: lessons[1].exercises[0].points: expected a positive integer, got 'two'`.
"""

import dataclasses
import os
import re
from pathlib import Path

import yaml

from .sandbox import Limits

PACKAGE_DIR = Path(__file__).resolve().parent
SUITES_DIR = PACKAGE_DIR / "suites"


def default_course_file():
    """course.yml beside the package in a checkout or editable install; in a wheel install, the copy
    installed beside the package as `llmcourse_course` (see pyproject.toml)."""
    beside = PACKAGE_DIR.parent / "course.yml"
    return beside if beside.is_file() else PACKAGE_DIR.parent / "llmcourse_course" / "course.yml"


class CourseError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Budget:
    max_examples: int = 25
    call_timeout: float = 2.0
    load_timeout: float = 30.0
    memory_mb: int = 2048
    cpu_seconds: int = 300
    max_restarts: int = 5

    def limits(self):
        return Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds)


@dataclasses.dataclass(frozen=True)
class Exercise:
    name: str
    points: int
    grade_id: str


@dataclasses.dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    notebook: Path
    available: bool
    solutions: str = ""
    exercises: tuple = ()
    budget: Budget = Budget()

    @property
    def suite_dir(self):
        return SUITES_DIR / self.id

    @property
    def lesson_script(self):
        return self.notebook.parent / "lesson.py"

    @property
    def max_score(self):
        return sum(e.points for e in self.exercises)

    def exercise(self, name):
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(f"lesson {self.id} has no exercise named {name!r}")


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


def load_course(path=None):
    """Load and validate course.yml (default: $LLMCOURSE_COURSE, else the one beside the package)."""
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
    return Course(id=read.string(data["id"], "id", r"[A-Za-z0-9][A-Za-z0-9_.-]*",
                                 "an id of letters, digits, '-', '_' or '.'"),
                  title=read.string(data["title"], "title"), root=path.parent, lessons=tuple(lessons))


def _lesson(read, data, where, root, default_budget):
    read.mapping(data, where, ("id", "title", "notebook", "available"), ("solutions", "exercises", "budget"))
    lesson_id = read.string(data["id"], f"{where}.id", r"\d\d-[a-z0-9-]+", "an id such as '01-introduction'")
    notebook = root / read.string(data["notebook"], f"{where}.notebook")
    available = read.boolean(data["available"], f"{where}.available")
    exercises = []
    if available:
        read.mapping(data, where, ("id", "title", "notebook", "available", "solutions", "exercises"), ("budget",))
        if not notebook.parent.is_dir():
            read.fail(f"{where}.notebook", "a path inside an existing lesson folder", data["notebook"])
        if not isinstance(data["exercises"], list) or not data["exercises"]:
            read.fail(f"{where}.exercises", "a non-empty list of exercises", data["exercises"])
        for j, item in enumerate(data["exercises"]):
            at = f"{where}.exercises[{j}]"
            read.mapping(item, at, ("name", "points", "grade_id"))
            exercises.append(Exercise(
                name=read.string(item["name"], f"{at}.name", r"[A-Za-z_]\w*", "a Python function name"),
                points=read.number(item["points"], f"{at}.points"),
                grade_id=read.string(item["grade_id"], f"{at}.grade_id", r"[A-Za-z0-9_-]+",
                                     "an nbgrader grade id (letters, digits, '_', '-')")))
        names = [e.name for e in exercises]
        for j, name in enumerate(names):
            if names.index(name) != j:
                read.fail(f"{where}.exercises[{j}].name", "a name used only once in the lesson", name)
    return Lesson(
        id=lesson_id, title=read.string(data["title"], f"{where}.title"), notebook=notebook,
        available=available,
        solutions=read.string(data["solutions"], f"{where}.solutions", r"solutions\.\w+",
                              "a module such as 'solutions.l01_introduction'") if available else "",
        exercises=tuple(exercises),
        budget=read.budget(data.get("budget", {}), f"{where}.budget", default_budget))
