"""The gradebook can be any SQLAlchemy URL: the instructor's loop with its gradebook in PostgreSQL,
on a server this test starts (Debian's postgresql, as the postgres user, on a private Unix socket
with no TCP), checked through nbgrader's own export."""

import csv
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy

from autograder.classroom import exchange
from autograder.classroom.coursedir import init_course
from autograder.classroom.autograde import autograde
from autograder.classroom.demo import ada, ben, work_on

from support import COURSE

POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
if not POSTGRES_BINS:
    if os.environ.get("CI"):
        raise RuntimeError("PostgreSQL is missing: .ci/setup installs Debian's postgresql")
    pytest.skip("PostgreSQL not installed (apt-get install postgresql)", allow_module_level=True)
pytest.importorskip("psycopg2")

BIN = POSTGRES_BINS[-1].parent
LESSON = COURSE.lesson("01-introduction")


@pytest.fixture(scope="module")
def postgres_url():
    # PostgreSQL refuses to run as root: as root, run it as its own user, in a directory it can reach
    # (pytest's temporary directories are private to root).
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="llmcourse-postgres-"))
    if as_postgres:
        os.chown(base, pwd.getpwnam("postgres").pw_uid, -1)
    data = base / "data"

    def postgres(*command):
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, timeout=120)

    postgres(str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader")
    postgres(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
             "-o", f"-k {base} -c listen_addresses=''", "start")
    try:
        postgres(str(BIN / "createdb"), "-h", str(base), "-U", "grader", "gradebook")
        yield f"postgresql+psycopg2://grader@/gradebook?host={base}"
    finally:
        postgres(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_the_loop_keeps_its_gradebook_in_postgresql(postgres_url, tmp_path):
    (tmp_path / "roster.csv").write_text("id\nada\nben\n", encoding="utf-8")
    root = init_course(tmp_path / "course", COURSE, tmp_path / "roster.csv", db_url=postgres_url, check_owner=False)
    assert not (root / "gradebook.db").exists()
    exchange.release(root, LESSON.id)
    for name, make in (("ada", ada), ("ben", ben)):
        desk = exchange.StudentDesk(tmp_path / name, COURSE.id, name, root / "exchange")
        work_on(desk.fetch(LESSON.id) / f"{LESSON.id}.ipynb", LESSON, make)
        desk.submit(LESSON.id)
    assert exchange.collect(root, LESSON.id).students == ["ada", "ben"]
    results = autograde(root, COURSE, LESSON.id).graded

    subprocess.run(["nbgrader", "export", "--to", str(tmp_path / "grades.csv")], cwd=root, check=True,
                   capture_output=True, timeout=300)
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert exported == {name: results[name]["score"] for name in ("ada", "ben")}
    assert exported["ada"] == LESSON.max_score and 0 < exported["ben"] < LESSON.max_score
    with sqlalchemy.create_engine(postgres_url).connect() as gradebook:
        rows = gradebook.execute(sqlalchemy.text("select count(*) from grade")).scalar()
    assert rows == 2 * len(LESSON.exercises)
