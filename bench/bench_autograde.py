"""Benchmark: `llmcourse autograde` (1 and 2 grading processes, and a 2-worker Dask LocalCluster)
against `nbgrader autograde`, side by side in one run, on the same collected submissions (N students
x every available assignment).

The students are the demo's: most submit the reference, some are half done with a mistake (ben), one
in ten cheats (eve), one in ten hands in a broken notebook (a cell that does not parse). Each tool
grades its own copy of the course directory. Then, from the cluster's cost per notebook, Dask's own
overhead per task and the coordinator's cost per submission (it stores every result, alone): how
long 10,000 and 100,000 submissions would take on 1, 10 and 100 workers. Prints the tables and saves
bench/results/autograde.json.

`--hostile`: what one hostile submission can cost the instructor's grader instead, under the
course's own budget: a class of one honest student and one attacker per attack (correct or failing
calls that each sleep just under the call timeout, a top-level endless loop, a reply of 64 MB of
nested lists, a forged error message of 20 MB, a notebook of 90 MB of nested lists), each graded by
`llmcourse autograde --student`. Prints, per attack, the wall time, the grading process's peak
memory (from the stored report, or its cap when it ran out) and that of the `llmcourse autograde`
process itself, and saves bench/results/autograde_hostile.json.
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

from autograder.authoring.build import solution_cells  # noqa: E402
from autograder.classroom import autograde as autograde_module  # noqa: E402
from autograder.classroom import cluster as cluster_module  # noqa: E402
from autograder.classroom import exchange  # noqa: E402
from autograder.classroom.coursedir import CONFIG_FILE, init_course  # noqa: E402
from autograder.classroom.demo import ada, ben, eve  # noqa: E402
from autograder.engine.course import load_course  # noqa: E402


def make_course(base, course, students):
    base.mkdir(parents=True, exist_ok=True)
    roster = base / "roster.csv"
    roster.write_text("id\n" + "".join(f"s{index:02d}\n" for index in range(students)), encoding="utf-8")
    # Every student submits as this one OS user: the owner check would refuse them all.
    root = init_course(base / "course", course, roster, check_owner=False)
    for lesson in course.available:
        exchange.release(root, lesson.id)
    for index in range(students):
        work = eve if index % 10 == 9 else broken if index % 10 == 4 else ben if index % 3 == 2 else ada
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


def broken(lesson, notebook):
    """Half the work done, then a cell that does not parse."""
    notebook = ben(lesson, notebook)
    cell = next(iter(solution_cells(notebook).values()))
    cell["source"] = "".join(cell["source"]).replace("):", ")", 1)
    return notebook


def copy_course(root, target):
    shutil.copytree(root, target, symlinks=True)
    config = target / CONFIG_FILE
    config.write_text(config.read_text(encoding="utf-8").replace(str(root), str(target)), encoding="utf-8")
    return target


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def _replying(reply):
    """Student code that writes `reply` (a Python expression of bytes) straight onto the reply pipe."""
    return ("import json, os, sys, time\ndef NAME(*args, **kwargs):\n    os.write(int(sys.argv[2]), " + reply + ")\n"
            "    time.sleep(5)\n")


# Each attack's code replaces every solution cell (NAME: the function's name, UNDER: seconds just under
# the call timeout, SOLUTION: the cell's correct code); None: the notebook itself is the attack.
ATTACKS = {
    "correct, each call just under the timeout": "import time\nSOLUTION\n_slow_NAME = NAME\n"
                                                 "def NAME(*args, **kwargs):\n    time.sleep(UNDER)\n"
                                                 "    return _slow_NAME(*args, **kwargs)\n",
    "calls just under the call timeout": "import time\ndef NAME(*args, **kwargs):\n    time.sleep(UNDER)\n"
                                         "    raise ValueError('slow')\n",
    "endless loop at top level": "while True:\n    pass\n",
    "reply of 64 MB of nested lists": _replying('b"[" + b"[]," * (21 << 20) + b"[]]\\n"'),
    "forged error message of 20 MB": _replying(
        'json.dumps({"op": "result", "id": 0, "ok": False, "warnings": [], "error": {"type": "E", '
        '"message": "x" * (20 << 20), "traceback": ""}}).encode() + b"\\n"'),
    "notebook of 90 MB of nested lists": None,
}


def hostile(base, course, lesson):
    """Grade one attacker per ATTACKS (and ada) on `lesson`; returns a row per attack."""
    names = {f"h{index}": attack for index, attack in enumerate(ATTACKS)}
    roster = base / "roster.csv"
    roster.parent.mkdir(parents=True, exist_ok=True)
    roster.write_text("id\nada\n" + "".join(f"{student}\n" for student in names), encoding="utf-8")
    root = init_course(base / "course", course, roster, check_owner=False)
    exchange.release(root, lesson.id)
    for student in ["ada", *names]:
        desk = exchange.StudentDesk(base / "students" / student, course.id, student, root / "exchange")
        path = desk.fetch(lesson.id) / f"{lesson.id}.ipynb"
        notebook = ada(lesson, json.loads(path.read_text(encoding="utf-8")))
        code = ATTACKS.get(names.get(student))
        if code:
            for name, cell in solution_cells(notebook).items():
                solution = "".join(cell["source"])
                cell["source"] = (code.replace("SOLUTION", solution).replace("NAME", name)
                                  .replace("UNDER", f"{lesson.budget.call_timeout * 0.95:.2f}"))
        path.write_text(json.dumps(notebook), encoding="utf-8")
        desk.submit(lesson.id)
    exchange.collect(root, lesson.id)
    bomb = next(student for student, attack in names.items() if ATTACKS[attack] is None)
    path = root / "submitted" / bomb / lesson.id / f"{lesson.id}.ipynb"
    text = path.read_text(encoding="utf-8").rstrip()  # written as text: a list of them would take ~2 GB here
    path.write_text(text[:-1] + ',"bomb":[' + "[]," * 30_000_000 + "[]]}", encoding="utf-8")
    rows = []
    for student in ["ada", *names]:
        seconds, coordinator_mb, said = measured(["llmcourse", "autograde", lesson.id, "--student", student,
                                                  "--course-dir", str(root)])
        record = root / "autograded" / student / lesson.id / autograde_module.REPORT_FILE
        stored = json.loads(record.read_text(encoding="utf-8")) if record.exists() else None
        rows.append({"submission": names.get(student, "honest (ada)"), "wall_s": round(seconds, 1),
                     "grading_process_peak_mb": stored["grader_peak_memory_mb"] if stored
                     else f"<= {autograde_module.GRADER_MEMORY_MB} (its cap)",
                     "coordinator_peak_mb": coordinator_mb,
                     "result": f"{stored['report']['score']}/{stored['report']['max_score']}" if stored
                     else said.strip().splitlines()[-1][:120]})
        print(f"{rows[-1]['submission']:<44}{rows[-1]['wall_s']:>7.1f} s  grading process "
              f"{rows[-1]['grading_process_peak_mb']} MB  coordinator {rows[-1]['coordinator_peak_mb']} MB  "
              f"{rows[-1]['result']}", flush=True)
    return rows


def measured(command):
    """(seconds, the command's own peak resident MB (not its children's: /proc's VmHWM, polled), its stderr)."""
    with tempfile.TemporaryFile("w+") as said:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=said, text=True)
        peak_kb = 0
        while process.poll() is None:
            try:
                peak_kb = max(peak_kb, int(Path(f"/proc/{process.pid}/status").read_text()
                                           .split("VmHWM:")[1].split()[0]))
            except (OSError, IndexError):
                pass
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        said.seek(0)
        return seconds, round(peak_kb / 1024), said.read()


WORKER_COUNTS = (1, 10, 100)
SUBMISSION_COUNTS = (10_000, 100_000)


def dask_task_overhead(cluster, tasks=200):
    """Seconds a task costs in Dask itself: the round trip of tasks that do nothing."""
    from distributed import Client

    with Client(cluster) as client:
        client.gather([client.submit(len, b"warm", key=f"warm-{i}") for i in range(10)])
        start = time.perf_counter()
        client.gather([client.submit(len, b"x" * 50_000, key=f"noop-{i}") for i in range(tasks)])
        return (time.perf_counter() - start) / tasks


def coordinator_cost(root, course, lessons):
    """Seconds the coordinator spends per submission (reading it, storing the report and scores,
    the formgrader's copy): autograde with a cluster that answers at once, with outcomes graded
    beforehand. The coordinator is one process: it bounds how far workers can scale."""
    from autograder.classroom.coursedir import CourseDir

    course_dir, spent, count = CourseDir.of(root), 0.0, 0
    roster = course_dir.roster()
    for lesson in lessons:
        submissions = autograde_module.find_submissions(course_dir, lesson)
        outcomes = {submission.student: autograde_module.grade_submission(course, lesson.id, submission.folder)
                    for submission in submissions}

        class AnswersAtOnce:
            def grade_all(self, queue, finish, failed):
                while queue:
                    job = queue.popleft()
                    cluster_module.read_notebook(job, autograde_module.NOTEBOOK_BYTES)
                    finish(job, outcomes[job.submission.student], 0.0)

        jobs = [autograde_module.read_job(submission, roster) for submission in submissions]
        run = autograde_module.Run(course_dir, course, lesson, "bench", True, 1, open(os.devnull, "w"))
        start = time.perf_counter()
        run.grade_all(jobs, AnswersAtOnce())
        spent, count = spent + time.perf_counter() - start, count + len(jobs)
    return spent / count


def scaling_table(per_worker, task_overhead, coordinator):
    """{submissions: {workers: hours}}: each worker grades a notebook in `per_worker` + `task_overhead`
    seconds, and the coordinator handles one in `coordinator` seconds, one at a time."""
    return {count: {workers: count * max((per_worker + task_overhead) / workers, coordinator) / 3600
                    for workers in WORKER_COUNTS} for count in SUBMISSION_COUNTS}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--hostile", action="store_true", help="what one hostile submission costs the grader")
    args = parser.parse_args()
    course = load_course()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    if args.hostile:
        lesson = course.lesson("01-introduction")
        base = Path(tempfile.mkdtemp(prefix="llmcourse-bench-hostile-"))
        rows = hostile(base, course, lesson)
        (out / "autograde_hostile.json").write_text(json.dumps(
            {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "lesson": lesson.id,
             "budget": {"call_timeout": lesson.budget.call_timeout, "load_timeout": lesson.budget.load_timeout,
                        "submission_seconds": lesson.budget.submission_seconds},
             "grader_memory_mb": autograde_module.GRADER_MEMORY_MB, "rows": rows}, indent=2) + "\n",
            encoding="utf-8")
        print(f"saved {out / 'autograde_hostile.json'}; course in {base}")
        return
    lessons = course.available
    base = Path(tempfile.mkdtemp(prefix="llmcourse-bench-autograde-"))
    root = make_course(base, course, args.students)
    notebooks = args.students * len(lessons)
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        runs = [("llmcourse autograde", "1 process", ["llmcourse", "autograde", "{a}", "--workers", "1"]),
                ("llmcourse autograde", "2 processes", ["llmcourse", "autograde", "{a}", "--workers", "2"]),
                ("llmcourse autograde --scheduler", "2-worker LocalCluster",
                 ["llmcourse", "autograde", "{a}", "--scheduler", cluster.scheduler_address]),
                ("nbgrader autograde", "1 process", ["nbgrader", "autograde", "{a}"])]
        rows = []
        for index, (name, workers, template) in enumerate(runs):
            copy = copy_course(root, base / f"run-{index}")
            per_lesson = {lesson.id: round(timed([part.format(a=lesson.id) for part in template], copy), 2)
                          for lesson in lessons}
            total = sum(per_lesson.values())
            rows.append({"tool": name, "workers": workers, "notebooks": notebooks, "total_s": round(total, 2),
                         "per_notebook_s": round(total / notebooks, 3), "per_lesson_s": per_lesson})
        task_overhead = dask_task_overhead(cluster)
    peer = rows[-1]["total_s"]
    for row in rows:
        row["nbgrader_over_this"] = round(peer / row["total_s"], 2)
        row["throughput_over_1_process"] = round(rows[0]["total_s"] / row["total_s"], 2)
    coordinator = coordinator_cost(copy_course(root, base / "coordinator"), course, lessons)
    # A cluster worker's cost per notebook, from the 2-worker cluster's run (both kept busy).
    per_worker = rows[2]["total_s"] * 2 / notebooks
    scaling = scaling_table(per_worker, task_overhead, coordinator)

    print(f"{args.students} students x {len(lessons)} assignments = {notebooks} notebooks, "
          f"{os.cpu_count()} cores")
    print(f"{'tool':<33}{'workers':>23}{'total s':>9}{'s/notebook':>12}{'nbgrader/this':>15}{'vs 1 process':>14}")
    for row in rows:
        print(f"{row['tool']:<33}{row['workers']:>23}{row['total_s']:>9.1f}{row['per_notebook_s']:>12.3f}"
              f"{row['nbgrader_over_this']:>15.2f}{row['throughput_over_1_process']:>14.2f}")
    print(f"\nper notebook: {per_worker:.3f} s on a cluster worker, {task_overhead * 1000:.1f} ms of Dask per task, "
          f"{coordinator * 1000:.1f} ms in the coordinator (reading, storing, the formgrader's copy)")
    print(f"{'submissions':>12}" + "".join(f"{f'{w} workers':>14}" for w in WORKER_COUNTS))
    for count, hours in scaling.items():
        print(f"{count:>12,}" + "".join(f"{h:>12.2f} h" for h in hours.values()))
    (out / "autograde.json").write_text(json.dumps(
        {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
         "students": args.students, "lessons": [lesson.id for lesson in lessons], "rows": rows,
         "per_notebook_on_a_cluster_worker_s": round(per_worker, 4), "dask_overhead_per_task_s": round(task_overhead, 5),
         "coordinator_per_notebook_s": round(coordinator, 4),
         "scaling_hours": {str(count): {str(w): round(h, 3) for w, h in hours.items()}
                           for count, hours in scaling.items()}},
        indent=2) + "\n", encoding="utf-8")
    print(f"saved {out / 'autograde.json'}; course copies in {base}")

if __name__ == "__main__":
    main()
