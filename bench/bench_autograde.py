"""Benchmark: `llmcourse autograde` (1 and 2 workers) against `nbgrader autograde`, side by side in one
run, on the same collected submissions (N students x every available assignment).

The students are the demo's: most submit the reference, some are half done with a mistake (ben), one
in ten cheats (eve). Each tool grades its own copy of the course directory. Prints a table and saves
bench/results/autograde.json.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import classroom  # noqa: E402
from autograder.engine.course import load_course  # noqa: E402
from autograder.classroom.demo import ada, ben, eve  # noqa: E402


def make_course(base, course, students):
    root = init_course(base / "course", course)
    for lesson in course.available:
        exchange.release(root, lesson.id)
    for index in range(students):
        work = eve if index % 10 == 9 else ben if index % 3 == 2 else ada
        desk = exchange.StudentDesk(base / "students" / f"s{index:02d}", course.id, f"s{index:02d}",
                                     root / "exchange")
        for lesson in course.available:
            path = desk.fetch(lesson.id) / f"{lesson.id}.ipynb"
            path.write_text(json.dumps(work(lesson, json.loads(path.read_text(encoding="utf-8")))),
                            encoding="utf-8")
            desk.submit(lesson.id)
    for lesson in course.available:
        exchange.collect(root, lesson.id)
    return root


def copy_course(root, target):
    shutil.copytree(root, target, symlinks=True)
    config = target / classroom.CONFIG_FILE
    config.write_text(config.read_text(encoding="utf-8").replace(str(root), str(target)), encoding="utf-8")
    return target


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    args = parser.parse_args()
    course = load_course()
    lessons = course.available
    base = Path(tempfile.mkdtemp(prefix="llmcourse-bench-autograde-"))
    root = make_course(base, course, args.students)
    notebooks = args.students * len(lessons)
    runs = [("llmcourse autograde", 1, ["llmcourse", "autograde", "{a}", "--workers", "1"]),
            ("llmcourse autograde", 2, ["llmcourse", "autograde", "{a}", "--workers", "2"]),
            ("nbgrader autograde", 1, ["nbgrader", "autograde", "{a}"])]
    rows = []
    for name, workers, template in runs:
        copy = copy_course(root, base / f"{name.split()[0]}-{workers}")
        per_lesson = {lesson.id: round(timed([part.format(a=lesson.id) for part in template], copy), 2)
                      for lesson in lessons}
        total = sum(per_lesson.values())
        rows.append({"tool": name, "workers": workers, "notebooks": notebooks, "total_s": round(total, 2),
                     "per_notebook_s": round(total / notebooks, 3), "per_lesson_s": per_lesson})
    peer = rows[-1]["total_s"]
    for row in rows:
        row["nbgrader_over_this"] = round(peer / row["total_s"], 2)

    print(f"{args.students} students x {len(lessons)} assignments = {notebooks} notebooks, "
          f"{os.cpu_count()} cores")
    print(f"{'tool':<22}{'workers':>8}{'total s':>10}{'s/notebook':>12}{'nbgrader/this':>15}")
    for row in rows:
        print(f"{row['tool']:<22}{row['workers']:>8}{row['total_s']:>10.1f}{row['per_notebook_s']:>12.3f}"
              f"{row['nbgrader_over_this']:>15.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "autograde.json").write_text(json.dumps(
        {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
         "students": args.students, "lessons": [lesson.id for lesson in lessons], "rows": rows},
        indent=2) + "\n", encoding="utf-8")
    print(f"saved {out / 'autograde.json'}; course copies in {base}")


if __name__ == "__main__":
    main()
