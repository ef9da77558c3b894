"""`llmcourse new-lesson NN-name EXERCISE:POINTS ...`: every file a new lesson needs, already consistent.

It adds the lesson to course.yml (available, with its exercises and points; an entry that is there
already, not available yet, keeps its title), then writes, for each exercise, a stub reference
function, a notebook cell pair, a hidden suite comparing the student's function with the reference,
and a place for its known mistakes, and builds the notebook. The course loads and builds at once;
the author then fills in the five files the command lists (CONTRIBUTING.md).
"""

import json
import re

import yaml

from autograder.engine.course import (LESSONS_DIR, PACKAGE_ROOT, SOLUTIONS_DIR, CourseError, Lesson, load_course)

SOLUTION = '''
def {name}(x):
    """TODO, for the student: what {name} computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of {name}")
    ### END SOLUTION
'''

LESSON_SCRIPT_HEAD = '''# %% [markdown]
# # {title}
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np
'''

LESSON_SCRIPT_EXERCISE = '''
# %% [markdown]
# ## `{name}`
#
# TODO: what `{name}` is for, and how to compute it.

# %% solution {name}

# %% tests {name}
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert {name}(x).shape == x.shape, "{name} keeps the shape of its input"
print("{name}: sanity checks passed")
'''

LESSON_SCRIPT_FIGURE = '''
# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, {name}(x))
plt.title("{name}")
plt.xlabel("x")
plt.ylabel("{name}(x)")
plt.show()
'''

SUITE = '''"""Hidden tests: {name}."""

from autograder.lessons.toolkit import expect_close, float_arrays, given, graded


@graded{points}
@given(x=float_arrays())
def test_matches_the_reference(student, ref, x):
    """TODO: the property in words, for the student: {name}(x) equals ... for any float array x."""
    expect_close(student.{name}(x), ref.{name}(x))
'''

MISTAKES = '''"""Lesson {id}: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {{
{mistakes}}}

ALTERNATIVES = {{
{alternatives}}}
'''

REFERENCE_TESTS = '''"""Lesson {id}'s reference solutions against a real library or golden values."""

import numpy as np

from solutions import {package} as ref


{tests}'''

REFERENCE_TEST = '''def test_{name}_matches_a_real_library():
    x = np.linspace(-3, 3, 7)
    raise NotImplementedError("TODO: compare ref.{name}(x) with a real library (torch, transformers, ...)")
'''


def parse_exercise(text):
    """'relu:2' -> ('relu', 2)."""
    match = re.fullmatch(r"([A-Za-z_]\w*):([1-9]\d*)", text)
    if not match:
        raise CourseError(f"expected EXERCISE:POINTS such as relu:2, got {text!r}")
    return match.group(1), int(match.group(2))


def new_lesson(lesson_id, exercises, title=None, course_file=None):
    """Write a lesson's files; returns [(path, what to write in it)] for the author."""
    course = load_course(course_file, check_files=False)
    if not re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", lesson_id):
        raise CourseError(f"expected a lesson id such as 14-relu, got {lesson_id!r}")
    existing = {lesson.id: lesson for lesson in course.lessons}.get(lesson_id)
    if existing is not None and existing.available:
        raise CourseError(f"lesson {lesson_id} exists and is available already")
    title = title or (existing.title if existing else None)
    if not title:
        raise CourseError("a new lesson needs a title: --title 'Rectified linear units'")
    exercises = dict(parse_exercise(text) for text in exercises)
    if not exercises:
        raise CourseError("name at least one exercise, e.g. relu:2")
    lesson = Lesson(id=lesson_id, title=title, available=True, root=course.root)
    files = _files(lesson, exercises)
    taken = [path for path in files if path.exists()]
    if taken:
        raise CourseError(f"{taken[0]} exists already: new-lesson writes only new files")
    _add_to_course_file(course.root / "course.yml", lesson_id, title, exercises)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    from autograder.authoring.build import write_notebooks
    write_notebooks([load_course(course.root / "course.yml", need_notebooks=False).lesson(lesson_id)])
    return [(lesson.solutions_file, "the reference solution of each exercise, with its docstring"),
            (lesson.lesson_script, "the lesson's text, a figure, and visible tests with messages"),
            *[(lesson.suite_dir / f"test_{name}.py", f"the hidden properties of `{name}`") for name in exercises],
            (_tests_dir(lesson) / "mistakes.py", "three realistic wrong implementations per exercise, and "
                                                 "one correct alternative"),
            (_tests_dir(lesson) / "test_reference.py", "the reference checked against a real library")]


def _tests_dir(lesson):
    return PACKAGE_ROOT / "tests" / "lessons" / lesson.package


def _files(lesson, exercises):
    first = next(iter(exercises))
    solutions = f'"""Lesson {lesson.id}: {lesson.title}."""\n\nimport numpy as np\n\n' + "\n".join(
        SOLUTION.format(name=name) for name in exercises)
    script = (LESSON_SCRIPT_HEAD.format(title=f"Lesson {lesson.id[:2]} — {lesson.title}")
              + "".join(LESSON_SCRIPT_EXERCISE.format(name=name) for name in exercises)
              + LESSON_SCRIPT_FIGURE.format(name=first))
    files = {
        SOLUTIONS_DIR / f"{lesson.package}.py": solutions.replace("\n\n\n\ndef", "\n\n\ndef"),
        lesson.lesson_script: script,
        lesson.suite_dir / "__init__.py": "",
        _tests_dir(lesson) / "__init__.py": "",
        _tests_dir(lesson) / "mistakes.py": MISTAKES.format(
            id=lesson.id,
            mistakes="".join(f'    "{name}": {{\n        # "what the student did wrong": \'\'\'def {name}(x): ...\'\'\',\n'
                             f"    }},\n" for name in exercises),
            alternatives="".join(f'    # "{name}": \'\'\'def {name}(x): ...\'\'\',\n' for name in exercises)),
        _tests_dir(lesson) / "test_reference.py": REFERENCE_TESTS.format(
            id=lesson.id, package=lesson.package,
            tests="\n\n".join(REFERENCE_TEST.format(name=name) for name in exercises)),
    }
    for name, points in exercises.items():
        files[lesson.suite_dir / f"test_{name}.py"] = SUITE.format(
            name=name, points="" if points == 1 else f"(points={points})")
    return files


def _add_to_course_file(path, lesson_id, title, exercises):
    """Add the lesson's entry (or make an existing unavailable one available), keeping the file's
    comments and layout: the entry is edited as text."""
    text = path.read_text(encoding="utf-8")
    listed = ", ".join(f"{name}: {points}" for name, points in exercises.items())
    entry = (f"  - id: {lesson_id}\n    title: {json.dumps(title, ensure_ascii=False)}\n"
             f"    available: true\n    exercises: {{{listed}}}\n")
    existing = re.search(rf"^  - id: {re.escape(lesson_id)}\n(?:    .*\n)*", text, re.M)
    if existing:
        text = text[:existing.start()] + entry + text[existing.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + entry
    path.write_text(text, encoding="utf-8")
    yaml.safe_load(text)  # still valid YAML


def describe(written):
    return "\n".join(f"  {path}\n      {what}" for path, what in written)
