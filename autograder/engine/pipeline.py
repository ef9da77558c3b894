"""Grading one notebook, as its stages: notebook -> extract -> sandbox -> call/compare -> score.

Each stage is a small class with `run(grading)`, working on one `Grading` record; `grade()` runs
them in order and always stops the worker. The report stage (report.py) renders the result.
"""

import dataclasses
import sys
from pathlib import Path

from . import sandbox
from .call import StudentCode
from .course import AUTOGRADER_DIR, SOLUTIONS_DIR, CourseError
from .extract import likeness, student_cells
from .notebook import NotebookError, read_notebook
from .report import ExerciseResult, Report
from .fingerprint import grading_fingerprint, versions

class SandboxRequired(RuntimeError):
    pass


@dataclasses.dataclass
class Grading:
    path: Path
    course: object
    assignment: str = None
    only: tuple = None
    require_sandbox: bool = False
    workers: object = None  # a pool.WarmWorkers, in a long-running grader
    lesson: object = None
    fingerprint: str = None
    submission: dict = None
    source: dict = None
    cells: list = None
    code: StudentCode = None
    results: list = None
    depends: dict = None
    report: Report = None


class ReadNotebook:
    def run(self, grading):
        grading.submission = read_notebook(grading.path)


class IdentifyAssignment:
    """From --assignment, else the available lesson whose fixed cells the notebook shares most."""

    def run(self, grading):
        course = grading.course
        if grading.assignment:
            grading.lesson = course.lesson(grading.assignment)
            if not grading.lesson.available:
                raise CourseError(f"lesson {grading.lesson.id} is not available for grading yet")
        else:
            scored = [(likeness(grading.submission, read_notebook(lesson.notebook)), lesson)
                      for lesson in course.available if lesson.notebook.is_file()]
            best, lesson = max(scored, key=lambda pair: pair[0], default=(0, None))
            if best == 0:
                raise NotebookError(f"{grading.path} matches none of the course's assignments; "
                                    "name one with --assignment")
            grading.lesson = lesson
        names = [exercise.name for exercise in grading.lesson.exercises]
        unknown = sorted(set(grading.only or ()) - set(names))
        if unknown:
            raise CourseError(f"{grading.lesson.id} has no exercise named {', '.join(unknown)}; "
                              f"its exercises are {', '.join(names)}")
        grading.source = read_notebook(grading.lesson.notebook)
        grading.fingerprint = grading_fingerprint(grading.lesson)


class ExtractCode:
    def run(self, grading):
        grading.cells = student_cells(grading.submission, grading.source)


def sandbox_available(required):
    """Whether student code will run in bubblewrap; SandboxRequired when it must and cannot."""
    available = sandbox.bwrap_works()
    if required and not available:
        raise SandboxRequired("bubblewrap (bwrap) is not available, so student code cannot be isolated; "
                              "install it (apt-get install bubblewrap) or pass --allow-unsandboxed")
    return available


class StartSandbox:
    def run(self, grading):
        sandboxed = sandbox_available(grading.require_sandbox)
        hidden = [grading.course.root, AUTOGRADER_DIR, SOLUTIONS_DIR, Path(grading.path).resolve().parent]
        names = [exercise.name for exercise in grading.lesson.exercises]
        grading.code = StudentCode(grading.cells, names, grading.lesson.budget, sandboxed, hidden,
                                   grading.lesson.uses, grading.workers)
        grading.code.start()


class RunSuite:
    def run(self, grading):
        # Imported here, not at the top: pytest and Hypothesis load while the worker starts.
        from .score import run_suite
        grading.results, grading.depends = run_suite(grading.lesson, grading.code, grading.only,
                                                     grading.fingerprint)


class Score:
    def run(self, grading):
        code = grading.code
        code.loaded()
        exercises = []
        for exercise in grading.lesson.exercises:
            if grading.only and exercise.name not in grading.only:
                continue
            tests = [t for t in grading.results if t.exercise == exercise.name]
            if sum(t.max_score for t in tests) != exercise.points:  # load_course checks this: a course bug
                from .score import SuiteError
                raise SuiteError(f"the hidden suite of {exercise.name} carries other points than course.yml")
            if code.cell_errors and code.status(exercise.name) == "missing":
                tests = [dataclasses.replace(t, message=t.message + "\n" + _cell_errors(code)) for t in tests]
            callers = sorted(grading.depends.get(exercise.name, ()))
            failed = [i for i, t in enumerate(tests) if not t.passed]
            if callers and failed:
                tests[failed[0]] = dataclasses.replace(tests[failed[0]], message=tests[failed[0]].message
                                                       + "\n" + _depends_note(exercise.name, callers))
            exercises.append(ExerciseResult(exercise.name, sum(t.score for t in tests), exercise.points, tests))
        grading.report = Report(
            assignment=grading.lesson.id, sandboxed=code.sandboxed, exercises=exercises,
            load_problem=str(code.load_failure) if code.load_failure else None,
            cell_errors=code.cell_errors, isolation=code.isolation or {},
            grading={"fingerprint": grading.fingerprint, "versions": versions()})


def _cell_errors(code):
    return "\n".join(f"The cell starting {e['label']} raised {e['type']}: {e['message']}" for e in code.cell_errors)


def _depends_note(name, callers):
    names = ", ".join(f"`{caller}`" for caller in callers)
    return (f"Note: your {names} call{'s' if len(callers) == 1 else ''} `{name}`. "
            f"{'It was' if len(callers) == 1 else 'They were'} graded with the course's own `{name}`, so this "
            "mistake cost nothing there, but in your notebook they rely on this one.")


STAGES = (ReadNotebook(), IdentifyAssignment(), ExtractCode(), StartSandbox(), RunSuite(), Score())

_warned_unsandboxed = False


def grade(path, course, assignment=None, only=None, require_sandbox=False, workers=None):
    """Grade the notebook at `path`; returns a Report. Raises NotebookError, CourseError or
    SandboxRequired for input the grader cannot work with. `workers`, a pool.WarmWorkers, gives
    started sandboxes to a grader that grades many notebooks."""
    global _warned_unsandboxed
    grading = Grading(Path(path), course, assignment, tuple(only) if only else None, require_sandbox, workers)
    try:
        for stage in STAGES:
            stage.run(grading)
    finally:
        if grading.code is not None:
            grading.code.stop()
    if not grading.report.sandboxed and not _warned_unsandboxed:
        _warned_unsandboxed = True
        print("note: bubblewrap is not available here, so your code ran without a sandbox "
              "(resource limits only). Grades for credit are only given sandboxed.", file=sys.stderr)
    return grading.report
