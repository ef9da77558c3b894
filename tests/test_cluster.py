"""Grading on a Dask cluster (a LocalCluster of worker processes here): the same grades and reports
as local grading, and a worker killed mid-batch loses and doubles nothing."""

import json
import os
import signal
import sqlite3
import threading

import pytest

from autograder.classroom import exchange
from autograder.classroom.autograde import REPORT_FILE, autograde
from autograder.classroom.coursedir import init_course
from autograder.classroom.demo import ada, ben, eve, work_on
from autograder.engine import sandbox

from support import COURSE

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(not sandbox.bwrap_works(), reason="needs bubblewrap")

LESSON = COURSE.lesson("01-introduction")
STUDENTS = [f"s{index:02d}" for index in range(12)]


def work_of(student):
    return (eve, ben, ada)[int(student[1:]) % 3]


def make_course(base):
    base.mkdir(parents=True, exist_ok=True)
    roster = base / "roster.csv"
    roster.write_text("id\n" + "".join(f"{student}\n" for student in STUDENTS), encoding="utf-8")
    root = init_course(base / "course", COURSE, roster, check_owner=False)
    exchange.release(root, LESSON.id)
    for student in STUDENTS:
        desk = exchange.StudentDesk(base / student, COURSE.id, student, root / "exchange")
        work_on(desk.fetch(LESSON.id) / f"{LESSON.id}.ipynb", LESSON, work_of(student))
        desk.submit(LESSON.id)
    exchange.collect(root, LESSON.id)
    return root


def stored(root):
    reports = {path.parent.parent.name: json.loads(path.read_text(encoding="utf-8"))
               for path in (root / "autograded").glob(f"*/{LESSON.id}/{REPORT_FILE}")}
    with sqlite3.connect(root / "gradebook.db") as db:
        rows = db.execute("select student.id, count(*) from submitted_assignment "
                          "join student on student.id = submitted_assignment.student_id group by student.id").fetchall()
    return reports, dict(rows)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as local:
        yield local


@pytest.fixture(scope="module")
def graded_locally(tmp_path_factory):
    """The reports of the same submissions graded by local grading processes."""
    local = make_course(tmp_path_factory.mktemp("local"))
    autograde(local, COURSE, LESSON.id, workers=2)
    reports, _ = stored(local)
    assert len({record["report"]["score"] for record in reports.values()}) == 3  # eve, ben, ada: all kinds
    return {student: record["report"] for student, record in reports.items()}


def same_grades(reports, expected):
    for student in STUDENTS:
        got = reports[student]["report"]
        assert (got["score"], got["exercises"]) == (expected[student]["score"], expected[student]["exercises"]), student


def test_a_cluster_grades_as_local_grading_does(tmp_path, cluster, graded_locally):
    remote = make_course(tmp_path)
    outcome = autograde(remote, COURSE, LESSON.id, scheduler=cluster.scheduler_address)
    assert not outcome.not_graded and sorted(outcome.graded) == STUDENTS
    reports, rows = stored(remote)
    same_grades(reports, graded_locally)
    assert rows == dict.fromkeys(STUDENTS, 1)
    again = autograde(remote, COURSE, LESSON.id, scheduler=cluster.scheduler_address)
    assert again.skipped == len(STUDENTS) and not again.graded  # a rerun skips what is done
    again = autograde(remote, COURSE, LESSON.id, scheduler=cluster.scheduler_address)
    assert again.skipped == len(STUDENTS) and not again.graded  # a rerun skips what is done


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(tmp_path, cluster, graded_locally):
    root = make_course(tmp_path)
    with distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())

    done_when_killed = []

    def kill_one_worker_once_grading_started():
        for _ in range(600):
            if any((root / "autograded").glob(f"*/{LESSON.id}/{REPORT_FILE}")):
                break
            threading.Event().wait(0.1)
        os.kill(pids[0], signal.SIGKILL)  # the nanny starts a new worker in its place
        done_when_killed.append(len(list((root / "autograded").glob(f"*/{LESSON.id}/{REPORT_FILE}"))))

    killer = threading.Thread(target=kill_one_worker_once_grading_started)
    killer.start()
    outcome = autograde(root, COURSE, LESSON.id, scheduler=cluster.scheduler_address)
    killer.join()
    assert done_when_killed[0] < len(STUDENTS)  # killed mid-batch
    reports, rows = stored(root)
    assert not outcome.not_graded, outcome.not_graded
    assert sorted(reports) == STUDENTS and rows == dict.fromkeys(STUDENTS, 1)
    same_grades(reports, graded_locally)
    with distributed.Client(cluster) as client:
        assert pids[0] not in client.run(os.getpid).values()  # the worker was killed, and replaced
