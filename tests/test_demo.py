"""The README's main job: `llmcourse demo` runs the whole course round trip and prints the table."""

import re
import subprocess

from support import COURSE


def test_demo_grades_the_three_students_through_nbgrader():
    run = subprocess.run(["llmcourse", "demo"], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    total = sum(lesson.max_score for lesson in COURSE.available)
    rows = {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"^(ada|ben|eve)\s.*?(\d+)/(\d+)\s*$", run.stdout, re.M)}
    assert rows["ada"] == (total, total)
    assert 0 < rows["ben"][0] < total
    assert rows["eve"] == (0, total)
    assert "exported" in run.stdout and "Feedback:" in run.stdout
