"""The README's commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(bash \.ci/setup && .+?)\s+#", readme, re.M)
    assert commands == ["bash .ci/setup && llmcourse demo", "bash .ci/setup && python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == commands[1]


def test_the_lessons_table_is_the_course_file():
    from autograder.engine.course import load_course

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d-[\w-]+) — (.+?) \| (.+?) \| (\d+) \|$", readme, re.M)
    expected = [(lesson.id, lesson.title, ", ".join(f"`{e.name}`" for e in lesson.exercises),
                 str(sum(e.points for e in lesson.exercises))) for lesson in load_course().lessons]
    assert rows == expected
