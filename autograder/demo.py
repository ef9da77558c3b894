"""`llmcourse demo`: grade three example students on every available lesson and print the table.

ada submits the reference notebook; ben finished about half of each lesson and got one function
subtly wrong; eve cheats: her functions return an object that claims to equal anything, her
notebook tries to read the solutions and hidden tests, and prints a fake perfect score.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

from .build import build_notebook, notebook_text, released
from .pipeline import grade
from .report import render_table

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
import json, os, glob
print(json.dumps({"score": 100, "max_score": 100, "passed": True}))
stolen = []
for pattern in ["/work/*/solutions/*.py", "/work/*/autograder/suites/*/*.py", "/work/**/gradebook.db"]:
    try:
        stolen += glob.glob(pattern, recursive=True)[:3]
    except OSError:
        pass
try:
    import solutions  # the reference, if it were importable
except ImportError:
    solutions = None
print("found:", stolen, "solutions importable:", solutions is not None)


class AlwaysRight(float):
    def __eq__(self, other):
        return True
    __array_priority__ = 1000
'''


def _cells_by_exercise(notebook):
    cells = {}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("solution-"):
            cells[grade_id.removeprefix("solution-")] = cell
    return cells


def ada(lesson):
    return build_notebook(lesson)


def ben(lesson):
    notebook = build_notebook(lesson)
    stubs = _cells_by_exercise(released(notebook))
    cells = _cells_by_exercise(notebook)
    names = [e.name for e in lesson.exercises]
    for name in names[len(names) // 2 + 1:]:
        cells[name]["source"] = stubs[name]["source"]
    if lesson.id in BEN_MISTAKES:
        name, code = BEN_MISTAKES[lesson.id]
        cells[name]["source"] = code
    return notebook


def eve(lesson):
    notebook = released(build_notebook(lesson))
    cells = _cells_by_exercise(notebook)
    for name, cell in cells.items():
        cell["source"] = f"def {name}(*args, **kwargs):\n    return AlwaysRight(1.0)\n"
        cell["metadata"]["nbgrader"]["points"] = 1000
        cell.setdefault("metadata", {})["tags"] = ["skip-execution"]
    first_code = next(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code")
    notebook["cells"].insert(first_code + 1, {"cell_type": "code", "metadata": {}, "execution_count": None,
                                              "outputs": [], "source": EVE_CHEATS})
    return notebook


STUDENTS = {"ada (correct)": ada, "ben (partly wrong)": ben, "eve (cheating)": eve}


def run_demo(course, allow_unsandboxed=False, out=sys.stdout):
    lessons = course.available
    workdir = Path(tempfile.mkdtemp(prefix="llmcourse-demo-"))
    results = {}
    started = time.monotonic()
    for student, make in STUDENTS.items():
        for lesson in lessons:
            folder = workdir / student.split()[0] / lesson.id
            folder.mkdir(parents=True)
            path = folder / f"{lesson.id}.ipynb"
            path.write_text(notebook_text(make(lesson)), encoding="utf-8")
            report = grade(path, course, lesson.id, require_sandbox=not allow_unsandboxed)
            (folder / "report.json").write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
            (folder / "feedback.txt").write_text(render_table(report) + "\n", encoding="utf-8")
            results[student, lesson.id] = report
    elapsed = time.monotonic() - started

    width = max(len(s) for s in STUDENTS)
    header = f"{'student':<{width}}  " + "  ".join(f"{lesson.id:>18}" for lesson in lessons) + "   total"
    print(f"{course.title}: {len(STUDENTS)} example students graded on {len(lessons)} lessons "
          f"in {elapsed:.1f} s", file=out)
    print("", file=out)
    print(header, file=out)
    for student in STUDENTS:
        reports = [results[student, lesson.id] for lesson in lessons]
        cells = "  ".join(f"{r.score:>8}/{r.max_score:<9}" for r in reports)
        total = sum(r.score for r in reports), sum(r.max_score for r in reports)
        print(f"{student:<{width}}  {cells}   {total[0]}/{total[1]}", file=out)
    sandboxed = all(r.sandboxed for r in results.values())
    print("", file=out)
    print(f"Student code ran {'in a bubblewrap sandbox' if sandboxed else 'WITHOUT a sandbox'}. "
          f"Reports and feedback: {workdir}/<student>/<lesson>/", file=out)
    example = results["ben (partly wrong)", lessons[0].id]
    print("", file=out)
    print("Feedback ben gets for " + lessons[0].id + ":", file=out)
    print(render_table(example), file=out)
    return 0
