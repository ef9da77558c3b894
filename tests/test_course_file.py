"""course.yml is validated on load, and a mistake names the file, the field and what was expected."""

import pytest

from autograder.course import CourseError, load_course

from support import COURSE

LESSON = """
  - id: 01-introduction
    title: Intro
    notebook: assignments/01-introduction/01-introduction.ipynb
    available: true
    solutions: solutions.l01_introduction
    exercises:
      - {name: softmax, points: POINTS, grade_id: test_softmax}
"""


def write_course(tmp_path, lesson=LESSON, points="2", top="id: c\ntitle: T\n"):
    (tmp_path / "assignments" / "01-introduction").mkdir(parents=True)
    path = tmp_path / "course.yml"
    path.write_text(top + "lessons:" + lesson.replace("POINTS", points), encoding="utf-8")
    return path


def test_the_course_has_all_thirteen_lessons_in_order():
    assert [lesson.id[:2] for lesson in COURSE.lessons] == [f"{n:02d}" for n in range(1, 14)]
    assert all(lesson.title for lesson in COURSE.lessons)
    assert {"01-introduction", "02-bag-of-words"} <= {lesson.id for lesson in COURSE.available}


def test_every_available_lesson_has_its_files():
    for lesson in COURSE.available:
        assert lesson.notebook.is_file(), lesson.notebook
        assert lesson.lesson_script.is_file(), lesson.lesson_script
        assert lesson.suite_dir.is_dir(), lesson.suite_dir
        assert lesson.max_score > 0


def test_a_valid_file_loads(tmp_path):
    course = load_course(write_course(tmp_path))
    assert course.lesson("01-introduction").exercises[0].points == 2


@pytest.mark.parametrize("points, expected", [
    ("two", "course.yml: lessons[0].exercises[0].points: expected a positive integer, got 'two'"),
    ("0", "course.yml: lessons[0].exercises[0].points: expected a positive integer, got 0"),
    ("1.5", "course.yml: lessons[0].exercises[0].points: expected a positive integer, got 1.5"),
])
def test_bad_points_are_named(tmp_path, points, expected):
    with pytest.raises(CourseError) as error:
        load_course(write_course(tmp_path, points=points))
    assert str(error.value) == expected


def test_missing_field_is_named(tmp_path):
    with pytest.raises(CourseError, match=r"course.yml: lessons\[0\].exercises: expected this field"):
        load_course(write_course(tmp_path, lesson=LESSON.split("    exercises:")[0]))


def test_unknown_field_is_named(tmp_path):
    with pytest.raises(CourseError, match=r"course.yml: lessons\[0\].colour: expected one of the fields"):
        load_course(write_course(tmp_path, lesson=LESSON + "    colour: blue\n"))


def test_bad_lesson_id_and_budget_are_named(tmp_path):
    with pytest.raises(CourseError, match=r"lessons\[0\].id: expected an id such as '01-introduction', got 'Intro'"):
        load_course(write_course(tmp_path, lesson=LESSON.replace("id: 01-introduction", "id: Intro")))
    with pytest.raises(CourseError, match=r"budget.call_timeout: expected a positive number, got -1"):
        load_course(write_course(tmp_path / "b", top="id: c\ntitle: T\nbudget: {call_timeout: -1}\n"))


def test_unreadable_and_invalid_yaml(tmp_path):
    with pytest.raises(CourseError, match="cannot read the course file"):
        load_course(tmp_path / "nope.yml")
    bad = tmp_path / "course.yml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CourseError, match="course.yml: not valid YAML"):
        load_course(bad)
