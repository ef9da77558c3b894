"""The check service (`llmcourse serve`) as a class meets it: tokens, each student's own history, the
rate limit, size and content refusals, 30 students checking at once with every check recorded once
(SQLite and PostgreSQL), a service killed mid-check losing nothing; and what gets installed: the
student install holds no suites, solutions or grading engine, and a `pip install` of the course
enables the Check button's server and JupyterLab sides."""

import asyncio
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from autograder.classroom.demo import ada
from autograder.engine.pipeline import sandbox_available
from autograder.jupyter.grading import GradingPool, grade_file, refilled_between_gradings, serve_requests
from autograder.jupyter.student import build_wheel
from autograder.jupyter.store import Limit, Store
from service_support import TESTS, check_service
from support import COURSE, released_notebook, write

NO_POSTGRES = None
try:  # a fixture: a PostgreSQL server for the module (CI has one; elsewhere, without it, only its test is skipped)
    from test_postgres_gradebook import postgres_url  # noqa: F401
except pytest.skip.Exception as missing:
    NO_POSTGRES = str(missing)

LESSON = COURSE.lesson("01-introduction")
STUDENTS = [f"s{number:02d}" for number in range(30)]


RELEASED = released_notebook(LESSON)


def notebook_bytes(notebook=RELEASED):
    return json.dumps(notebook).encode("utf-8")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class FakeHub(http.server.BaseHTTPRequestHandler):
    """JupyterHub's GET /hub/api/user: the owner of the request's token, here only 'hub-token' (zoe)."""

    def do_GET(self):
        known = self.path == "/hub/api/user" and self.headers.get("Authorization") == "token hub-token"
        body = json.dumps({"kind": "user", "name": "zoe"} if known else {"status": 403}).encode()
        self.send_response(200 if known else 403)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    server.shutdown()


@pytest.fixture(scope="module")
def service(tmp_path_factory, hub):
    """A service for the module, over SQLite, with the stand-in grading, at most 3 checks per
    student and assignment an hour, and a Hub; yields (url, tokens, db_url)."""
    folder = tmp_path_factory.mktemp("service")
    db_url = f"sqlite:///{folder / 'checks.db'}"
    store = Store(db_url)
    tokens = store.issue_tokens(["ada", "ben"])
    store.close()
    with check_service(folder, db_url, "service_support:quick_grade", workers=1, limit=[3, 3600],
                       hub_api_url=hub) as (url, _):
        yield url, tokens, db_url


def test_no_token_no_grading(service):
    url, _, db_url = service
    for headers in ({}, bearer("llmc_not-a-token"), {"Authorization": "Basic YWRhOmFkYQ=="}):
        response = httpx.post(f"{url}/api/checks", content=notebook_bytes(), headers=headers)
        assert response.status_code == 401 and "token" in response.json()["error"], response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(f"{url}/api/checks").status_code == 401
    assert Store(db_url).count() == 0


def test_a_student_sees_only_their_own_checks(service):
    url, tokens, _ = service
    ben = httpx.post(f"{url}/api/checks", content=notebook_bytes(), headers=bearer(tokens["ben"]), timeout=60)
    assert ben.status_code == 200, ben.text
    assert ben.json()["report"]["assignment"] == LESSON.id
    ada_headers = bearer(tokens["ada"])
    assert httpx.get(f"{url}/api/checks/{ben.json()['check']}", headers=ada_headers).status_code == 404
    assert httpx.get(f"{url}/api/students/ben/checks", headers=ada_headers).status_code == 403
    assert httpx.get(f"{url}/api/checks", headers=ada_headers).json() == {"student": "ada", "checks": []}
    own = httpx.get(f"{url}/api/checks/{ben.json()['check']}", headers=bearer(tokens["ben"])).json()
    assert own["status"] == "graded" and own["exercises"]["softmax"] == [0, 2]


def test_a_hub_user_is_who_the_hub_says(service):
    url, _, _ = service
    response = httpx.post(f"{url}/api/checks", content=notebook_bytes(), timeout=60,
                          headers={"Authorization": "token hub-token"})
    assert response.status_code == 200, response.text
    assert httpx.get(f"{url}/api/checks", headers=bearer("hub-token")).json()["student"] == "zoe"
    assert httpx.get(f"{url}/api/checks", headers=bearer("another-hub-token")).status_code == 401


def test_the_rate_limit_answers_429_with_when_to_retry(service):
    url, tokens, db_url = service
    headers = bearer(tokens["ada"])
    answers = [httpx.post(f"{url}/api/checks", content=notebook_bytes(), headers=headers, timeout=60)
               for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [answer.json()["remaining"] for answer in answers] == [2, 1, 0]
    refused = httpx.post(f"{url}/api/checks", content=notebook_bytes(), headers=headers)
    assert refused.status_code == 429, refused.text
    assert 3500 < int(refused.headers["retry-after"]) <= 3601
    assert "3 checks of 01-introduction" in refused.json()["error"]
    # Resending the same click (its Idempotency-Key) is no new check, even at the limit.
    key = {**headers, "Idempotency-Key": "click-1"}
    assert httpx.post(f"{url}/api/checks", content=notebook_bytes(), headers=key).status_code == 429
    assert Store(db_url).count("ada") == 3


def test_refuses_what_is_too_large_or_not_a_notebook_of_the_course(service):
    url, tokens, db_url = service
    headers = {**bearer(tokens["ben"]), "X-Notebook-Name": "mine.ipynb"}
    before = Store(db_url).count()
    too_large = httpx.post(f"{url}/api/checks", content=b" " * (50 << 20), headers=headers, timeout=60)
    assert too_large.status_code == 413 and "larger than the service accepts" in too_large.json()["error"]
    garbage = httpx.post(f"{url}/api/checks", content=b"\x89PNG not json", headers=headers)
    assert garbage.status_code == 400 and "mine.ipynb is not a notebook" in garbage.json()["error"]
    foreign = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# My own notes"}], "metadata": {},
               "nbformat": 4, "nbformat_minor": 5}
    other = httpx.post(f"{url}/api/checks", content=json.dumps(foreign).encode(), headers=headers)
    assert other.status_code == 400 and "not a notebook of this course" in other.json()["error"]
    unknown = httpx.post(f"{url}/api/checks?assignment=99-nothing", content=notebook_bytes(), headers=headers)
    assert unknown.status_code == 400 and "no lesson '99-nothing'" in unknown.json()["error"]
    assert Store(db_url).count() == before


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    NO_POSTGRES is not None, reason=str(NO_POSTGRES)))])
def test_thirty_students_checking_twice_at_once(database, tmp_path, request):
    db_url = f"sqlite:///{tmp_path / 'checks.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(db_url)
    if database == "postgresql":  # the module's server is shared: start from an empty database
        for table in ("exercise_scores", "checks", "students"):
            with store.engine.begin() as connection:
                connection.exec_driver_sql(f"delete from {table}")
    tokens = store.issue_tokens(STUDENTS)
    with check_service(tmp_path, db_url, "service_support:quick_grade", workers=2) as (url, _):
        async def everyone():
            async with httpx.AsyncClient(timeout=120) as client:
                async def check(student, attempt):
                    return await client.post(f"{url}/api/checks", content=notebook_bytes(),
                                             headers={**bearer(tokens[student]), "Idempotency-Key": f"{attempt}"})

                checks = asyncio.gather(*(check(s, attempt) for s in STUDENTS for attempt in (1, 2)))
                health = []  # (checks waiting for a grading process, seconds the answer took), while grading
                while not checks.done():
                    start = time.monotonic()
                    waiting = (await client.get(f"{url}/api/health")).json()["waiting"]
                    health.append((waiting, time.monotonic() - start))
                    await asyncio.sleep(0.2)
                return await checks, health

        answers, health = asyncio.run(everyone())
    assert [answer.status_code for answer in answers] == [200] * 60, [a.text for a in answers if a.status_code != 200]
    # 60 gradings of 0.2 s in 2 processes: checks waited, and meanwhile the service answered at once.
    assert max(waiting for waiting, _ in health) > 10 and max(seconds for _, seconds in health) < 1.0, health
    assert len({answer.json()["check"] for answer in answers}) == 60
    for student in STUDENTS:
        checks = store.history(student)
        assert [check["status"] for check in checks] == ["graded", "graded"], checks
    assert store.count() == 60
    store.close()


def test_a_service_killed_mid_check_loses_no_recorded_check(tmp_path):
    """The check is recorded before it is graded; killed then, the service grades it when restarted."""
    db_url = f"sqlite:///{tmp_path / 'checks.db'}"
    store = Store(db_url)
    token = store.issue_tokens(["ada"])["ada"]
    done = notebook_bytes(ada(LESSON, json.loads(notebook_bytes())))
    with check_service(tmp_path, db_url, "service_support:endless_grade", workers=1) as (url, process):
        seen = []  # what the student's click got

        def click():
            try:
                seen.append(httpx.post(f"{url}/api/checks", content=done, headers=bearer(token), timeout=120))
            except httpx.HTTPError as error:
                seen.append(error)

        sender = threading.Thread(target=click, daemon=True)
        sender.start()
        deadline = time.monotonic() + 60
        while not store.history("ada"):
            assert time.monotonic() < deadline, "the check was never recorded"
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    sender.join(timeout=30)
    assert isinstance(seen[0], httpx.RemoteProtocolError), seen
    assert [check["status"] for check in store.history("ada")] == ["queued"]

    with check_service(tmp_path, db_url, workers=1):  # `llmcourse serve` itself, grading for real
        deadline = time.monotonic() + 120
        while store.history("ada")[0]["status"] == "queued":
            assert time.monotonic() < deadline, "the recorded check was not graded after the restart"
            time.sleep(0.25)
    (check,) = store.history("ada")
    assert check["status"] == "graded" and check["score"] == LESSON.max_score, check
    assert check["fingerprint"] and check["exercises"]["generate"] == [3, 3]
    store.close()


def test_checks_arriving_together_at_a_cold_pool_start_its_processes_once(tmp_path):
    """The Check button's server side starts its grading process at the first check: two checks
    clicked at once must share it, not start one each."""
    path = tmp_path / "a.ipynb"
    write(released_notebook(LESSON), path)
    environment = {**os.environ, "PYTHONPATH": str(TESTS)}

    async def two_checks():
        pool = GradingPool(size=1, grader="service_support:quick_grade", environment=environment)
        try:
            reports = await asyncio.gather(pool.grade(path, LESSON.id), pool.grade(path, LESSON.id))
            return reports, len(pool._processes)
        finally:
            await pool.close()

    reports, processes = asyncio.run(two_checks())
    assert [report["max_score"] for report in reports] == [LESSON.max_score] * 2
    assert processes == 1, f"{processes} grading processes for a pool of 1"


def test_a_grading_past_the_time_cap_is_ended_and_recorded(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'checks.db'}"
    store = Store(db_url)
    token = store.issue_tokens(["ada"])["ada"]
    with check_service(tmp_path, db_url, "service_support:endless_grade", workers=1, grading_timeout=2) as (url, _):
        started = time.monotonic()
        answer = httpx.post(f"{url}/api/checks", content=notebook_bytes(), headers=bearer(token), timeout=60)
        seconds = time.monotonic() - started
        assert answer.status_code == 504 and "longer than 2 s" in answer.json()["error"], answer.text
        assert seconds < 20, f"the check was answered after {seconds:.1f} s, not at the 2 s cap"
        assert httpx.get(f"{url}/api/health").json()["status"] == "ok"  # a new grading process took its place
    assert [check["status"] for check in store.history("ada")] == ["timed out"]
    store.close()


def test_a_grading_process_takes_started_sandboxes_from_the_engines_warm_pool(tmp_path):
    """A grading process grades with the engine's WarmWorkers: after each check a spare sandbox of
    the lesson is started and still alive when the next check comes, which takes it instead of
    starting one cold."""
    full, released = tmp_path / "full" / "a.ipynb", tmp_path / "released" / "a.ipynb"
    for folder in (full.parent, released.parent):  # a folder per submission, as the service's spool
        folder.mkdir()
    write(ada(LESSON, released_notebook(LESSON)), full)
    write(released_notebook(LESSON), released)
    workers = refilled_between_gradings()
    answers, started = [], []

    class Answers:  # the grading process's answer pipe: notes how many workers had been started
        def write(self, line):
            answers.append(json.loads(line))
            started.append(workers.started)

        def flush(self):
            pass

    requests = [json.dumps({"path": str(path), "assignment": LESSON.id}) for path in (full, full, released)]
    try:
        serve_requests(grade_file, COURSE, sandbox_available(False), requests, Answers(), workers)
        time.sleep(1.0)
        spares = [worker for queue in workers.ready.values() for worker in queue]
        assert len(spares) == 1 and spares[0].alive(), "the spare sandbox started after the last check died"
    finally:
        workers.close()
    assert [answer["report"]["score"] for answer in answers] == [LESSON.max_score, LESSON.max_score, 0], answers
    # Started by the end of each check: the first check's worker, cold; the second takes the spare
    # started after the first and starts none; the third takes the next spare, and its first failing
    # example is graded again in a fresh worker, as when grading cold.
    assert started == [1, 2, 4] and workers.handed_out == 4, (started, workers.handed_out)


def test_tokens_and_export_from_the_command_line(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'checks.db'}"
    (tmp_path / "roster.csv").write_text("id,first_name\nada,Ada\nben,Ben\n", encoding="utf-8")
    run = [sys.executable, "-m", "autograder.cli"]
    subprocess.run([*run, "tokens", "roster.csv", "--db-url", db_url, "--service", "https://checks.example.edu"],
                   cwd=tmp_path, check=True, capture_output=True, timeout=120)
    rows = (tmp_path / "tokens.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "student,token,setting" and len(rows) == 3
    student, token, setting = rows[1].split(",")
    assert setting == f"https://ada:{token}@checks.example.edu" and oct((tmp_path / "tokens.csv").stat().st_mode)[-3:] == "600"
    store = Store(db_url)
    assert store.student_for_token(token) == "ada" and token not in (tmp_path / "checks.db").read_bytes().decode("latin-1")
    admitted = store.admit("ada", LESSON.id, "k", b"{}", Limit())
    store.finish(admitted.check_id, "graded", {"score": 3, "max_score": 10, "grading": {"fingerprint": "f"},
                                               "sandboxed": True, "exercises": [{"name": "softmax", "score": 2,
                                                                                 "max_score": 2}]})
    refused = store.admit("ada", LESSON.id, "k2", b"{}", Limit())
    store.finish(refused.check_id, "refused", message="=HYPERLINK(\"http://evil\")")  # student text in a reason
    subprocess.run([*run, "checks", "--db-url", db_url, "-o", "all.csv"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    exported = (tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()
    assert exported[1].startswith(f"1,ada,{LESSON.id},1,") and ",graded,3,10,softmax=2/2,f,True," in exported[1]
    assert exported[2].endswith(',"\'=HYPERLINK(""http://evil"")"'), exported[2]  # shown as text, never run
    subprocess.run([*run, "checks", "--db-url", db_url, "--before", "2020-01-01", "-o", "early.csv"], cwd=tmp_path,
                   check=True, capture_output=True, timeout=120)
    assert len((tmp_path / "early.csv").read_text(encoding="utf-8").splitlines()) == 1
    store.close()


# What gets installed


def fresh_venv(base):
    """A virtual environment whose dependencies come from the one running the tests, as plain paths
    (their .pth files, among them an editable install of the course, stay out of sight)."""
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages, = (venv / "lib").glob("python3*/site-packages")
    (site_packages / "dependencies.pth").write_text(
        "\n".join(sorted({path for path in sys.path if path.endswith("site-packages")})) + "\n", encoding="utf-8")
    return venv


def install(venv, wheel):
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True, timeout=300)


def in_venv(venv, code):
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True,
                          cwd=venv, env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(venv)}, timeout=120).stdout


JUPYTER_SIDES = """
import json
from jupyter_server.extension.config import ExtensionConfigManager
from jupyter_core.paths import jupyter_config_path, jupyter_path
from pathlib import Path
server = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
lab = [str(p) for d in jupyter_path('labextensions') for p in Path(d).glob('@llmcourse/check/static/remoteEntry.*.js')]
print(json.dumps({"server": server, "lab": lab}))
"""


# A Check in a student install with no check service set: it says what to set, rather than fail.
LOCAL_CHECK = """
import asyncio
from autograder.jupyter.extension import CheckError, LocalGrader
try:
    asyncio.run(LocalGrader().check("01-introduction.ipynb", {"cells": []}))
except CheckError as error:
    print(error.status, error)
"""


def test_the_student_install_holds_no_suites_no_solutions_no_engine(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    python = [name for name in names if name.endswith(".py")]
    assert sorted(python) == ["autograder/__init__.py", "autograder/jupyter/__init__.py",
                              "autograder/jupyter/extension.py"], python
    assert not [name for name in names if name.endswith((".ipynb", ".yml", ".txt")) and "dist-info" not in name]
    venv = fresh_venv(tmp_path)
    install(venv, wheel)
    found = in_venv(venv, "import importlib.util as u\nfor m in ('autograder.jupyter', 'autograder.engine', "
                          "'autograder.lessons', 'solutions', 'llmcourse_course'):\n    print(m, u.find_spec(m) is not None)")
    assert found.split("\n")[:5] == ["autograder.jupyter True", "autograder.engine False", "autograder.lessons False",
                                     "solutions False", "llmcourse_course False"], found
    without_service = in_venv(venv, LOCAL_CHECK)
    assert without_service.startswith("503 ") and "LLMCOURSE_CHECK_SERVICE" in without_service, without_service
    sides = json.loads(in_venv(venv, JUPYTER_SIDES))
    assert sides["server"]["autograder.jupyter"] is True and sides["lab"], sides
    assert sides["server"]["nbgrader.server_extensions.formgrader"] is False
    page_config, = (venv / "etc" / "jupyter" / "labconfig").glob("page_config.json")
    assert json.loads(page_config.read_text())["disabledExtensions"] == {
        "@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:create-assignment": True}


def test_pip_install_enables_the_check_button(tmp_path):
    """The committed build is there, and a wheel install enables both sides with no Node and no step."""
    source = Path(__file__).resolve().parent.parent
    built = source / "autograder" / "jupyter" / "labextension"
    assert json.loads((built / "package.json").read_text())["name"] == "@llmcourse/check"
    assert list(built.glob("static/remoteEntry.*.js")), "the labextension is not built: `npm run build` in labextension/"
    shutil.copytree(source, tmp_path / "source", ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "artifacts", "results", "node_modules"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path / "dist"), str(tmp_path / "source")], check=True, capture_output=True, timeout=300)
    venv = fresh_venv(tmp_path)
    install(venv, next((tmp_path / "dist").glob("llmcourse-*.whl")))
    sides = json.loads(in_venv(venv, JUPYTER_SIDES))
    assert sides["server"].get("autograder.jupyter") is True, sides
    assert sides["lab"] and all(path.startswith(str(venv)) for path in sides["lab"]), sides
