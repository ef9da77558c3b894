"""Grading off the event loop: a pool of warm grading processes, for the Jupyter server extension
(one process, the student's own machine) and the check service (several, a class).

Each grading process loads the course once and grades one notebook at a time with the engine,
which runs the student's code in its sandbox. The process keeps the engine's warm pool
(engine/pool.py, WarmWorkers): a sandboxed worker started ahead of need for each lesson it has
graded, handed out once, so a check does not wait for a sandbox and NumPy to start; and, living
long, it replays the suites that passed before (engine/replay.py). The server's event loop only
writes a request line and awaits the answer line, so it keeps serving while checks are graded; a
grading that outlives its time is ended by killing its process (its sandboxed workers die with
it), and a fresh one takes its place.

`grade_file` is the one call into the grading engine; the service's tests hand the pool another
function as `grader`, with the same arguments.
"""

import argparse
import asyncio
import importlib
import json
import os
import signal
import sys
import traceback

GRADER = "autograder.jupyter.grading:grade_file"


def grade_file(path, course, assignment=None, require_sandbox=False, workers=None):
    """The report (Report.to_json()) of the notebook at `path`, its code run in a worker taken from
    `workers` (a WarmWorkers) when given. Raises NotebookError, CourseError or SandboxRequired for
    input the engine cannot grade."""
    from ..engine.pipeline import grade
    return grade(path, course, assignment, require_sandbox=require_sandbox, workers=workers).to_json()


def refilled_between_gradings():
    """The engine's WarmWorkers, its spare workers started between two gradings, by this process's
    main thread: a spare starting during a grading would compete with it for the CPU, and starting
    one only launches it (the sandbox and NumPy then load while the process waits for the next
    check), so the refill costs the next check milliseconds."""
    from ..engine.pool import WarmWorkers

    class MainThreadRefill(WarmWorkers):
        def __init__(self):
            super().__init__()
            self.wanted = {}  # kind of sandbox -> its hidden paths: spares to start at the next refill

        def _fill(self, kind, hidden_paths):  # asked for by take(): noted, done at the next refill
            with self.lock:
                self.wanted[kind] = hidden_paths

        def refill(self):
            with self.lock:
                wanted, self.wanted = self.wanted, {}
            for kind, hidden_paths in wanted.items():
                WarmWorkers._fill(self, kind, hidden_paths)

    return MainThreadRefill()


class Refused(Exception):
    """The engine would not grade this notebook (not a notebook of the course, ...): the student's to fix."""


class GradingFailed(Exception):
    """The grader broke (a bug, a missing sandbox): the instructor's to fix."""


class GradingTimeout(Exception):
    pass


class GradingPool:
    """`size` grading processes; `await pool.grade(path, assignment)` -> the report as a dict."""

    def __init__(self, size=1, course_file=None, require_sandbox=False, timeout=180.0, grader=GRADER,
                 max_gradings=200, environment=None):
        self.size, self.timeout = size, timeout
        self.command = [sys.executable, "-m", "autograder.jupyter.grading", "--grader", grader]
        if course_file:
            self.command += ["--course", str(course_file)]
        if require_sandbox:
            self.command.append("--require-sandbox")
        self.max_gradings = max_gradings  # then the process is replaced: what a long-lived one leaks stays bounded
        self.environment = environment
        self._idle = None
        self._starting = None  # the start of every process, awaited by whichever check comes first
        self._processes = set()
        self.waiting = 0  # checks waiting for a free process

    async def start(self):
        """Start every process now, so that the first checks do not wait for imports (once, however
        many checks ask at the same time)."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start_all())
        await self._starting

    async def _start_all(self):
        idle = asyncio.Queue()
        for process in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            idle.put_nowait(process)
        self._idle = idle

    async def grade(self, path, assignment=None):
        await self.start()
        self.waiting += 1
        try:
            process = await self._idle.get()
        finally:
            self.waiting -= 1
        try:
            if not process.alive:
                process = await self._replace(process)
            answer = await process.ask({"path": str(path), "assignment": assignment}, self.timeout)
        except GradingTimeout:
            process.kill()
            raise
        finally:
            self._idle.put_nowait(process if process.alive and process.gradings < self.max_gradings
                                  else await self._replace(process))
        if "refused" in answer:
            raise Refused(answer["refused"])
        if "failed" in answer:
            raise GradingFailed(answer["failed"])
        return answer["report"]

    async def close(self):
        for process in list(self._processes):
            process.kill()
            process.process.stdin.close()
            await process.process.wait()
        self._processes.clear()

    async def _spawn(self):
        process = await GradingProcess.start(self.command, self.environment)
        self._processes.add(process)
        return process

    async def _replace(self, process):
        process.kill()
        self._processes.discard(process)
        return await self._spawn()


class GradingProcess:
    def __init__(self, process):
        self.process = process
        self.gradings = 0
        self.killed = False

    @classmethod
    async def start(cls, command, environment=None):
        from ..engine.sandbox import die_with_parent
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=environment,
            start_new_session=True, preexec_fn=die_with_parent, limit=1 << 26)
        return cls(process)

    @property
    def alive(self):
        return not self.killed and self.process.returncode is None

    async def ask(self, request, timeout):
        self.gradings += 1
        try:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            await self.process.stdin.drain()
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except asyncio.TimeoutError:
            raise GradingTimeout(f"grading took longer than {timeout:g} s") from None
        except (BrokenPipeError, ConnectionResetError):
            line = b""
        if not line:
            await self.process.wait()
            raise GradingFailed(f"the grading process stopped (exit code {self.process.returncode})")
        return json.loads(line)

    def kill(self):
        if self.alive:
            self.killed = True
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def serve_requests(grader, course, require_sandbox, requests, answers, workers=None):
    """The grading process's loop: one JSON request per line in, one JSON answer per line out; after
    each answer, the spare workers of `workers` are started again."""
    from ..engine.course import CourseError
    from ..engine.notebook import NotebookError
    from ..engine.pipeline import SandboxRequired
    for line in requests:
        request = json.loads(line)
        try:
            answer = {"report": grader(request["path"], course, request["assignment"], require_sandbox, workers)}
        except (NotebookError, CourseError) as error:
            answer = {"refused": str(error)}
        except SandboxRequired as error:
            answer = {"failed": str(error)}
        except Exception:  # a grader bug must not take the service down: report it, keep serving
            answer = {"failed": traceback.format_exc(limit=8)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()
        if workers is not None:
            workers.refill()


def main(argv=None):
    parser = argparse.ArgumentParser(description="a grading process of the check service (started by it)")
    parser.add_argument("--grader", default=GRADER, help="module:function called for each notebook")
    parser.add_argument("--course")
    parser.add_argument("--require-sandbox", action="store_true")
    args = parser.parse_args(argv)
    # Answers go out on a private copy of stdout; anything the engine or a library prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ..engine.course import load_course
    import hypothesis, pytest  # noqa: F401,E401  (imported now, not during the first check)
    module, function = args.grader.split(":")
    grader = getattr(importlib.import_module(module), function)
    workers = refilled_between_gradings()
    try:
        serve_requests(grader, load_course(args.course), args.require_sandbox, sys.stdin, answers, workers)
    finally:
        workers.close()


if __name__ == "__main__":
    main()
