"""course.yml is validated on load, with the lessons' files: a mistake names the file, the field and
what was expected or what to do."""

import re
import shutil
from pathlib import Path

import pytest

from autograder.engine.course import CourseError, load_course

from support import COURSE

# Lesson 01 as course.yml lists it, with softmax's points to fill in.
EXERCISES = "{" + ", ".join(f"{e.name}: {'POINTS' if e.name == 'softmax' else e.points}"
                            for e in COURSE.lesson("01-introduction").exercises) + "}"
LESSON = f"""
  - id: 01-introduction
    title: Intro
    available: true
    exercises: {EXERCISES}
"""


def write_course(tmp_path, lesson=LESSON, points="2", top="id: c\ntitle: T\n"):
    path = tmp_path / "course.yml"
    path.write_text(top + "lessons:" + lesson.replace("POINTS", points), encoding="utf-8")
    return path


def course_copy(tmp_path):
    """A copy of the course's lesson files beside a course.yml of our own, to break one of them."""
    for part in ("assignments/01-introduction",):
        shutil.copytree(COURSE.root / part, tmp_path / part)
    return tmp_path


def test_the_course_lists_the_syllabus_lessons_in_order():
    numbers = [int(lesson.id[:2]) for lesson in COURSE.lessons]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 13
    assert all(lesson.title for lesson in COURSE.lessons)
    assert {"01-introduction", "02-bag-of-words"} <= {lesson.id for lesson in COURSE.available}


def test_the_whole_course_is_consistent():
    """Every available lesson's files exist and agree (load_course checks them all)."""
    course = load_course(COURSE.root / "course.yml")
    for lesson in course.available:
        assert lesson.max_score > 0
        assert lesson.notebook == COURSE.root / "assignments" / lesson.id / f"{lesson.id}.ipynb"
        assert lesson.solutions == f"solutions.l{lesson.id.replace('-', '_')}"


def test_a_valid_file_loads(tmp_path):
    course = load_course(write_course(course_copy(tmp_path)), check_files=False)
    exercise = course.lesson("01-introduction").exercises[0]
    assert (exercise.name, exercise.points, exercise.grade_id) == ("softmax", 2, "test_softmax")


@pytest.mark.parametrize("points, expected", [
    ("two", "course.yml: lessons[0].exercises.softmax: expected a positive integer, got 'two'"),
    ("0", "course.yml: lessons[0].exercises.softmax: expected a positive integer, got 0"),
    ("1.5", "course.yml: lessons[0].exercises.softmax: expected a positive integer, got 1.5"),
])
def test_bad_points_are_named(tmp_path, points, expected):
    with pytest.raises(CourseError) as error:
        load_course(write_course(tmp_path, points=points))
    assert str(error.value) == expected


def test_an_available_lesson_needs_exercises(tmp_path):
    with pytest.raises(CourseError, match=r"course.yml: lessons\[0\].exercises: expected the exercises"):
        load_course(write_course(tmp_path, lesson=LESSON.split("    exercises:")[0]))


def test_unknown_field_is_named(tmp_path):
    with pytest.raises(CourseError, match=r"course.yml: lessons\[0\].colour: expected one of the fields"):
        load_course(write_course(tmp_path, lesson=LESSON + "    colour: blue\n"))


def test_bad_lesson_id_and_budget_are_named(tmp_path):
    with pytest.raises(CourseError, match=r"lessons\[0\].id: expected an id such as '01-introduction', got 'Intro'"):
        load_course(write_course(tmp_path, lesson=LESSON.replace("id: 01-introduction", "id: Intro")))
    (tmp_path / "b").mkdir()
    with pytest.raises(CourseError, match=r"budget.call_timeout: expected a positive number, got -1"):
        load_course(write_course(tmp_path / "b", top="id: c\ntitle: T\nbudget: {call_timeout: -1}\n"))


def test_unreadable_and_invalid_yaml(tmp_path):
    with pytest.raises(CourseError, match="cannot read the course file"):
        load_course(tmp_path / "nope.yml")
    bad = tmp_path / "course.yml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CourseError, match="course.yml: not valid YAML"):
        load_course(bad)


def test_points_that_do_not_add_up_name_the_suite_file(tmp_path):
    with pytest.raises(CourseError) as error:
        load_course(write_course(course_copy(tmp_path), points="3"))
    assert re.match(r"autograder/lessons/l01_introduction/test_softmax.py: its properties carry 2 point\(s\) "
                    r"\(test_\w+ 1, test_\w+ 1\) but course.yml gives `softmax` 3", str(error.value)), error.value


def test_an_exercise_without_a_suite_and_a_suite_without_an_exercise_are_named(tmp_path):
    course_copy(tmp_path)
    with pytest.raises(CourseError, match=r"solutions/l01_introduction.py defines no `relu`"):
        load_course(write_course(tmp_path, lesson=LESSON.replace("{softmax", "{relu: 1, softmax")))
    # The suite folder holds test_cross_entropy.py, which this course.yml does not list.
    with pytest.raises(CourseError, match=r"autograder/lessons/l01_introduction/test_cross_entropy.py grades "
                                          r"`cross_entropy`, which is not an exercise of lesson 01-introduction"):
        load_course(write_course(tmp_path, lesson=LESSON.replace(" cross_entropy: 2,", "")))


def test_a_lesson_marked_available_without_its_files_says_what_to_do(tmp_path):
    lesson = LESSON.replace("01-introduction", "14-relu")
    with pytest.raises(CourseError, match=r"lesson 14-relu is available but its lesson script "
                                          r"assignments/14-relu/lesson.py is missing \(`llmcourse new-lesson"):
        load_course(write_course(tmp_path, lesson=lesson))


def test_an_unmarked_property_or_bad_points_fail_at_load(tmp_path, monkeypatch):
    """A typo in a suite's mark fails when the course loads, naming the file and line."""
    from autograder.engine import course as course_module
    lessons = tmp_path / "lessons"
    shutil.copytree(course_module.LESSONS_DIR / "l01_introduction", lessons / "l01_introduction")
    monkeypatch.setattr(course_module, "LESSONS_DIR", lessons)
    suite = lessons / "l01_introduction" / "test_softmax.py"
    text = suite.read_text(encoding="utf-8")
    course_file = write_course(course_copy(tmp_path))
    suite.write_text(text.replace("@graded\n", "@graded(points=0)\n", 1), encoding="utf-8")
    with pytest.raises(CourseError, match=r"test_softmax.py:\d+: test_\w+: points must be a whole number >= 1"):
        load_course(course_file)
    suite.write_text(text.replace("@graded\n", "", 1), encoding="utf-8")
    with pytest.raises(CourseError, match=r"test_softmax.py:\d+: test_\w+ is not marked @graded"):
        load_course(course_file)
    assert Path(suite).is_file()
