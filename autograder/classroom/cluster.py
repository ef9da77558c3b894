"""Grading on a Dask cluster, when one machine is not enough: `llmcourse autograde ASSIGNMENT
--scheduler tcp://HOST:8786`.

This process stays the coordinator: it reads each collected submission (safely, as always), sends
the notebook's bytes to the cluster as one task, and alone writes the reports and the gradebook.
A task runs on a Dask worker (a machine with the course and bubblewrap installed), which grades
the notebook in its own sandbox, exactly as a local grading process does, and returns the
contained outcome as JSON text: nothing but data comes back, and student code never runs outside
the worker's sandbox. A worker process lives long, so its started sandboxes and its replay of
suites that passed (engine/replay.py) serve many tasks: each task still gets a fresh sandbox.

A worker that dies mid-task: the scheduler hands its tasks to another worker; a task that fails on
every worker (distributed.scheduler.allowed-failures), or a grading that failed on the grader's
side, is tried once more by the coordinator, then left ungraded with the reason, for the next run.
Each result arrives once (as_completed) and is stored once, under the submission's hash, so nothing
is lost or doubled.
"""

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from autograder.engine.course import load_course
from autograder.engine.pool import WarmWorkers

from .autograde import grade_submission
from .untrusted import FILE_FLAGS, Refused, read_fd

IN_FLIGHT_PER_WORKER = 2  # tasks queued per worker thread: enough to keep it busy, few notebooks in memory


_course = None
_warm_workers = None


def grade_notebook(notebook, assignment, require_sandbox):
    """On a Dask worker: the outcome of grading a notebook's bytes, as autograde.grade_submission
    gives it (plain data, contained), in JSON text."""
    global _course, _warm_workers
    if _course is None:
        _course, _warm_workers = load_course(), WarmWorkers()
    with tempfile.TemporaryDirectory(prefix="llmcourse-task-") as folder:
        Path(folder, f"{assignment}.ipynb").write_bytes(notebook)
        outcome = grade_submission(_course, assignment, folder, require_sandbox=require_sandbox,
                                   workers=_warm_workers)
    return json.dumps(outcome)


def read_notebook(job, limit):
    """The bytes of a job's notebook, read without following links, checked against the hash taken
    when the job was read."""
    fd = os.open(job.submission.notebook, FILE_FLAGS)
    try:
        data = read_fd(fd, limit)
    finally:
        os.close(fd)
    if data is None or hashlib.sha256(data).hexdigest() != job.digest:
        raise Refused(f"{job.submission.notebook.name} changed while it was being graded")
    return data


class ClusterGrading:
    """Sends a run's jobs to a Dask scheduler and hands each outcome to `finish(job, outcome, seconds)`
    or each grader-side failure to `failed(job, reason)`, which may put the job back in `queue`."""

    def __init__(self, address, assignment, require_sandbox, notebook_bytes):
        from distributed import Client  # only an instructor who uses a cluster needs Dask

        self.client = Client(address, timeout=30)
        self.assignment, self.require_sandbox, self.notebook_bytes = assignment, require_sandbox, notebook_bytes

    def grade_all(self, queue, finish, failed):
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        pending = as_completed()
        jobs, started = {}, {}
        try:
            while queue or jobs:
                while queue and len(jobs) < IN_FLIGHT_PER_WORKER * threads:
                    job = queue.popleft()
                    try:
                        notebook = read_notebook(job, self.notebook_bytes) if job.digest != "missing" else b""
                    except (OSError, Refused) as error:
                        failed(job, f"the submission could not be read: {error}")
                        continue
                    # Keyed by content and attempt: identical notebooks are graded once.
                    future = self.client.submit(grade_notebook, notebook, self.assignment, self.require_sandbox,
                                                key=f"llmcourse-{self.assignment}-{job.digest}-{job.attempt}")
                    jobs.setdefault(future.key, []).append(job)
                    started[future.key] = time.monotonic()
                    if len(jobs[future.key]) == 1:
                        pending.add(future)
                if not jobs:
                    continue
                future = next(pending)
                waiting = jobs.pop(future.key)
                seconds = time.monotonic() - started.pop(future.key)
                try:
                    outcome = json.loads(future.result())
                except Exception as error:  # noqa: BLE001 -- a killed worker, a grader bug: never the student's
                    for job in waiting:
                        failed(job, f"grading on the cluster failed: {type(error).__name__}: {error}")
                    continue
                finally:
                    future.release()
                for job in waiting:
                    finish(job, outcome, seconds)
        finally:
            self.client.close()
