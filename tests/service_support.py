"""Running the check service for tests: `llmcourse serve` itself, or the same app with a stand-in
grading function (the pool's one swap point) where a test is about the service, not the grading:
30 students' real gradings would cost CI a minute for nothing the service tests look at."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_url(url, process, log_path, seconds=120):
    """Until `url` answers; RuntimeError with the end of the log if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{url} did not come up: {Path(log_path).read_text()[-2000:]}")
            time.sleep(0.5)


def stop(process, seconds=20):
    """End a process started with start_new_session=True, and its children."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def quick_grade(path, course, assignment, require_sandbox, workers=None):
    """A grading that takes 0.2 s and gives every exercise of the assignment 0 points."""
    time.sleep(0.2)
    lesson = course.lesson(assignment)
    return {"assignment": lesson.id, "score": 0, "max_score": lesson.max_score, "sandboxed": True,
            "grading": {"fingerprint": "stand-in"},
            "exercises": [{"name": e.name, "score": 0, "max_score": e.points, "tests": []} for e in lesson.exercises]}


def endless_grade(path, course, assignment, require_sandbox, workers=None):
    """A grading that never ends: the service is stopped during it."""
    time.sleep(3600)


@contextlib.contextmanager
def check_service(log_dir, db_url, grader=None, **settings):
    """A check service on 127.0.0.1 over `db_url`; yields (url, process). Without `grader`, it is
    `llmcourse serve` with `settings` as its options; with one ("module:function" of this folder),
    the same app with that grading function, and `settings` as Settings fields (`limit` as
    [checks, seconds])."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    if grader is None:
        options = [f"--{name.replace('_', '-')}={value}" for name, value in settings.items()]
        command = ["llmcourse", "serve", f"--db-url={db_url}", f"--port={port}", *options]
    else:
        arguments = json.dumps({"db_url": db_url, "grader": grader, **settings})
        command = [sys.executable, "-c", "import json, sys\nfrom autograder.jupyter.service import Settings, serve\n"
                   "from autograder.jupyter.store import Limit\nsettings = json.loads(sys.argv[1])\n"
                   "limit = Limit(*settings.pop('limit', [20, 3600]))\n"
                   "serve(Settings(limit=limit, **settings), port=int(sys.argv[2]))", arguments, str(port)]
    log_path = Path(log_dir) / f"service-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_url(f"{url}/api/health", process, log_path)
        yield url, process
    finally:
        stop(process)
