"""`llmcourse demo`: a whole course round trip with three example students, in a temporary directory.

The instructor creates an nbgrader course and releases every available assignment; ada, ben and
eve fetch them through nbgrader's exchange, work, and submit: ada correctly, ben about half done
with one function subtly wrong, eve cheating (functions that return an object claiming to equal
anything, code that hunts for the solutions and hidden tests, a fake perfect score printed, inflated
points and skip-execution tags in the metadata). The instructor collects, autogrades in the sandbox,
writes and releases feedback, and exports the grades.
"""

import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from autograder.authoring.build import solution_cells
from autograder.engine.notebook import read_notebook

from . import exchange
from .autograde import autograde
from .coursedir import init_course
from .export import export_csv, export_gradescope
from .feedback import write_feedback

# One plausible wrong function per lesson, as a student would write it.
BEN_MISTAKES = {
    "01-introduction": ("softmax", '''def softmax(x, axis=-1):
    """Forgot to subtract the maximum: overflows for large scores."""
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
'''),
    "02-bag-of-words": ("cosine_similarity", '''def cosine_similarity(a, b):
    """Divides by zero for an all-zero vector."""
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
'''),
}

EVE_CHEATS = '''
import glob, json
print(json.dumps({"score": 100, "max_score": 100, "passed": True}))
stolen = []
for pattern in ["/work/*/solutions/*.py", "/work/*/autograder/suites/*/*.py", "/tmp/*/course/gradebook.db"]:
    stolen += glob.glob(pattern)
try:
    import solutions  # the reference, if it were importable
except ImportError:
    solutions = None
print("found:", stolen, "solutions importable:", solutions is not None)


class AlwaysRight(float):
    def __eq__(self, other):
        return True
'''


def ada(lesson, notebook):
    answers = solution_cells(read_notebook(lesson.notebook))
    for name, cell in solution_cells(notebook).items():
        cell["source"] = answers[name]["source"]
    return notebook


def ben(lesson, notebook):
    answers = solution_cells(read_notebook(lesson.notebook))
    names = [e.name for e in lesson.exercises]
    cells = solution_cells(notebook)
    for name in names[: len(names) // 2 + 1]:
        cells[name]["source"] = answers[name]["source"]
    if lesson.id in BEN_MISTAKES:
        name, code = BEN_MISTAKES[lesson.id]
        cells[name]["source"] = code
    return notebook


def eve(lesson, notebook):
    for name, cell in solution_cells(notebook).items():
        cell["source"] = f"def {name}(*args, **kwargs):\n    return AlwaysRight(1.0)\n"
        cell["metadata"]["tags"] = ["skip-execution"]
    for cell in notebook["cells"]:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("grade"):
            nbgrader["points"] = 1000
            cell["metadata"]["tags"] = ["skip-execution"]
    first_code = next(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code")
    notebook["cells"].insert(first_code + 1, {"cell_type": "code", "metadata": {}, "execution_count": None,
                                              "outputs": [], "source": EVE_CHEATS})
    return notebook


STUDENTS = {"ada": ada, "ben": ben, "eve": eve}


def work_on(path, lesson, student):
    """Do a student's work (ada, ben or eve) on the notebook at `path`, in place; returns `path`."""
    path = Path(path)
    notebook = student(lesson, json.loads(path.read_text(encoding="utf-8")))
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def print_table(csv_path, lessons, out):
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    maxima = {lesson.id: lesson.max_score for lesson in lessons}
    print(f"{'student':<8}" + "".join(f"{lesson.id:>26}" for lesson in lessons) + f"{'total':>10}", file=out)
    for row in rows:
        cells = "".join(f"{row[lesson.id + '/total'] + '/' + str(maxima[lesson.id]):>26}" for lesson in lessons)
        print(f"{row['student_id']:<8}{cells}{row['total'] + '/' + str(sum(maxima.values())):>10}", file=out)


def run_demo(course, allow_unsandboxed=False, workers=2, out=sys.stdout):
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="llmcourse-demo-"))
    lessons = course.available

    def say(text):
        print(f"[{time.monotonic() - started:5.1f}s] {text}", file=out, flush=True)

    roster = workdir / "roster.csv"
    roster.write_text("id\n" + "".join(f"{student}\n" for student in STUDENTS), encoding="utf-8")
    # The three students are played by this one OS user: no folder's owner can tell them apart.
    root = init_course(workdir / "course", course, roster, check_owner=False)
    say(f"instructor: nbgrader course {course.id} in {root}, students {', '.join(STUDENTS)} on its roster")
    for lesson in lessons:
        exchange.release(root, lesson.id)
    say(f"instructor: released {', '.join(lesson.id for lesson in lessons)}")

    for student, work in STUDENTS.items():
        desk = exchange.StudentDesk(workdir / "students" / student, course.id, student, root / "exchange")
        for lesson in lessons:
            work_on(desk.fetch(lesson.id) / f"{lesson.id}.ipynb", lesson, work)
            desk.submit(lesson.id)
    say(f"students: {', '.join(STUDENTS)} fetched, worked and submitted through the exchange")

    not_graded = 0
    for lesson in lessons:
        exchange.collect(root, lesson.id)
        outcome = autograde(root, course, lesson.id, workers=workers, require_sandbox=not allow_unsandboxed,
                            stream=out)
        not_graded += len(outcome.not_graded)
        write_feedback(root, course, lesson.id)
    say("instructor: collected, autograded in the sandbox, feedback written and released")

    grades = root / "grades.csv"
    export_csv(root, course, grades)
    export_gradescope(root, course, root / "gradescope")
    say(f"instructor: exported {grades} and gradescope/*/*/results.json")
    print("", file=out)
    print_table(grades, lessons, out)
    print("", file=out)
    print(f"Gradebook: {root / 'gradebook.db'} (open the formgrader with `jupyter lab` in {root})", file=out)
    print(f"Feedback:  {root / 'feedback'}/<student>/<assignment>/*.html", file=out)
    print(f"Students:  {workdir / 'students'}/<student>/<assignment>/feedback/ after fetch_feedback", file=out)
    return 1 if not_graded else 0
