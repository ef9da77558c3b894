"""Benchmark: `llmcourse check` on each available lesson's source notebook (full marks), its released
notebook (all stubs) and a notebook where every exercise holds a known mistake from tests/mistakes
(the wait for feedback when everything is wrong: failures are shrunk), side by side
with `nbgrader validate` (what a student runs in nbgrader to check a notebook) on the same files, and
the same gradings in a long-running grader with warm sandboxes (what the Check button and the check
service pay: a started sandbox and the suite's recorded examples; measured after one grading of the
lesson, with the spare sandbox refilled between gradings, as between two clicks).

Prints a table and saves bench/results/check.json. Wall time is the median of --repeat runs of the
whole command (interpreter start included); peak memory is the `check` process's own maximum RSS
(the sandboxed worker's is bounded by the lesson's budget).

`--command "PYTHONPATH=/old/checkout python -m autograder.cli"` times another version of the course
(an older commit, checked out elsewhere) in the same run, for a before/after comparison."""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from autograder.authoring.build import build_notebook, lesson_data_files, notebook_text, released  # noqa: E402
from autograder.engine.course import load_course  # noqa: E402
from autograder.engine.pipeline import grade  # noqa: E402
from autograder.engine.pool import WarmWorkers  # noqa: E402
from support import lesson_mistakes, notebook_with  # noqa: E402


# Runs a command and prints its wall time, peak RSS and exit code. A process started straight from
# this one would report this process's own peak as its own (Linux keeps the peak across fork and
# exec), and this one grows with the warm gradings; the small shim starts it afresh.
SHIM = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run(command):
    """(wall seconds, own peak RSS MiB, exit code) of one command."""
    shim = subprocess.run([sys.executable, "-c", SHIM, *command], capture_output=True, text=True, check=True)
    wall, peak_kib, code = shim.stdout.split()
    return float(wall), int(peak_kib) / 1024, int(code)


def measure(command, repeat):
    runs = [run(command) for _ in range(repeat)]
    assert all(code == 0 for _, _, code in runs), f"{command} failed"
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def warm_check(lesson, path, course, workers, repeat):
    """Median seconds of grading `path` in this process once the lesson is warm."""
    workers.prepare(lesson.budget.limits(), True, [], lesson.uses)
    grade(path, course, lesson.id, require_sandbox=True, workers=workers)  # records the suite's examples
    times = []
    for _ in range(repeat):
        workers.prepare(lesson.budget.limits(), True, [], lesson.uses)  # refilled, as between two clicks
        start = time.perf_counter()
        grade(path, course, lesson.id, require_sandbox=True, workers=workers)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true", help="skip nbgrader validate")
    parser.add_argument("--lessons", nargs="*", help="lesson ids (default: every available lesson)")
    parser.add_argument("--command", help="also time this command line (another checkout) in place of llmcourse")
    args = parser.parse_args()
    course = load_course()
    workdir = Path(tempfile.mkdtemp(prefix="llmcourse-bench-"))
    rows = []
    workers = WarmWorkers()
    for lesson in [course.lesson(lesson_id) for lesson_id in args.lessons] if args.lessons else course.available:
        lesson_dir = workdir / lesson.id  # with the files the notebook reads beside it
        lesson_dir.mkdir()
        for data_file in lesson_data_files(lesson):
            shutil.copy(data_file, lesson_dir)
        released_path = lesson_dir / "released.ipynb"
        released_path.write_text(notebook_text(released(build_notebook(lesson))), encoding="utf-8")
        mistakes_path = lesson_dir / "mistakes.ipynb"
        first_mistakes = {name: next(iter(codes.values())) for name, codes in lesson_mistakes(lesson).MISTAKES.items()}
        mistakes_path.write_text(notebook_text(notebook_with(lesson, first_mistakes, base=build_notebook(lesson))),
                                 encoding="utf-8")
        for kind, path in (("source", lesson.notebook), ("released", released_path), ("mistakes", mistakes_path)):
            wall, rss = measure(["llmcourse", "check", str(path), "--json"], args.repeat)
            row = {"lesson": lesson.id, "notebook": kind, "check_s": round(wall, 3), "check_peak_mib": round(rss, 1),
                   "warm_s": round(warm_check(lesson, path, course, workers, args.repeat), 3)}
            if args.command:
                other = ["env", *args.command.split(), "check", str(path), "--json"]
                row["other_s"] = round(measure(other, args.repeat)[0], 3)
            if not args.no_peer and kind == "source":
                peer_wall, peer_rss = measure(["nbgrader", "validate", str(path)], args.repeat)
                row.update(validate_s=round(peer_wall, 3), validate_peak_mib=round(peer_rss, 1),
                           ratio=round(wall / peer_wall, 2))
            rows.append(row)
    workers.close()

    print(f"{'lesson':<24} {'notebook':<9} {'check s':>8} {'warm s':>7} {'peak MiB':>9} {'validate s':>11} "
          f"{'ratio':>6} {'other s':>8}")
    for row in rows:
        print(f"{row['lesson']:<24} {row['notebook']:<9} {row['check_s']:>8.2f} {row['warm_s']:>7.2f} "
              f"{row['check_peak_mib']:>9.0f} {row.get('validate_s', float('nan')):>11.2f} "
              f"{row.get('ratio', float('nan')):>6.2f} {row.get('other_s', float('nan')):>8.2f}")
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "repeat": args.repeat, "rows": rows}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "check.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"saved {out / 'check.json'}")


if __name__ == "__main__":
    main()
