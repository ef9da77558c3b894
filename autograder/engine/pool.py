"""Sandboxed workers started ahead of need: a warm start that keeps every wall of a cold one.

Starting a worker costs a bubblewrap sandbox, an interpreter and NumPy (torch, for a lesson that uses
it: seconds). A long-running grader (autograde's grading processes, the check service, the
JupyterLab server extension) keeps a few started and waiting, each for the sandbox of one lesson
(its limits, what it uses, what it hides), and hands each out ONCE: one fresh process per
submission, exactly as when started cold, so nothing a submission did can reach the next one. A
worker that died while waiting is replaced, not handed out.

Spares are started by one filler thread that lives as long as the pool: a worker dies with the
thread that started it (PR_SET_PDEATHSIG follows the thread, not the process), so a thread per
refill would kill each spare as soon as it was started.
"""

import collections
import queue
import threading

from .sandbox import WorkerProcess, covered_secrets


class WarmWorkers:
    def __init__(self, spare=1):
        self.spare = spare  # workers kept waiting per kind of sandbox
        self.ready = collections.defaultdict(collections.deque)
        self.lock = threading.Lock()
        self.closed = False
        self.started = self.handed_out = 0
        self.requests = queue.SimpleQueue()  # (kind, hidden paths) to refill, for the filler thread
        self.filler = None

    @staticmethod
    def _kind(limits, sandboxed, hidden_paths, uses):
        return limits, sandboxed, tuple(covered_secrets(hidden_paths)) if sandboxed else (), tuple(uses)

    def take(self, limits, sandboxed, hidden_paths=(), uses=()):
        """A started worker for this sandbox, never handed out before; a new one is made to wait in
        its place (in the background)."""
        kind = self._kind(limits, sandboxed, hidden_paths, uses)
        worker = None
        with self.lock:
            waiting = self.ready[kind]
            while waiting and worker is None:
                candidate = waiting.popleft()
                if candidate.alive():
                    worker = candidate
                else:
                    candidate.kill()
            self.handed_out += 1
        self._request_fill(kind, hidden_paths)
        return worker or self._start(kind, hidden_paths)

    def prepare(self, limits, sandboxed, hidden_paths=(), uses=()):
        """Start the spare workers of a sandbox now (before the first submission needs one)."""
        self._fill(self._kind(limits, sandboxed, hidden_paths, uses), hidden_paths)

    def _request_fill(self, kind, hidden_paths):
        with self.lock:
            if self.closed:
                return
            if self.filler is None:
                self.filler = threading.Thread(target=self._filling, daemon=True, name="warm-workers")
                self.filler.start()
        self.requests.put((kind, hidden_paths))

    def _filling(self):
        while (request := self.requests.get()) is not None:
            self._fill(*request)

    def _start(self, kind, hidden_paths):
        limits, sandboxed, _, uses = kind
        with self.lock:
            self.started += 1
        return WorkerProcess(limits, sandboxed, hidden_paths, uses)

    def _fill(self, kind, hidden_paths):
        while True:
            with self.lock:
                if self.closed or len(self.ready[kind]) >= self.spare:
                    return
            worker = self._start(kind, hidden_paths)
            with self.lock:
                if self.closed:
                    break
                self.ready[kind].append(worker)
        worker.kill()

    def close(self):
        """Kill the workers still waiting."""
        with self.lock:
            self.closed = True
            waiting = [worker for queue in self.ready.values() for worker in queue]
            self.ready.clear()
        self.requests.put(None)
        for worker in waiting:
            worker.kill()
