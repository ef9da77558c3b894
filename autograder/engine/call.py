"""Calling the student's functions across the sandbox boundary.

`StudentCode` owns the worker: it starts it, loads the notebook's code, sends calls with a
wall-clock timeout enforced from here, and restarts the worker after a timeout or crash (up to a
limit). `Student` is what hidden suites see: `student.softmax(x)` behaves like a local call that
returns plain data or raises a `StudentFailure` describing, in the student's terms, what went wrong.
"""

import os
import select
import time

from . import wire
from .sandbox import WorkerProcess


class StudentFailure(Exception):
    """Something the student's code did (or failed to do); `str()` is feedback for the student."""


class NotDefined(StudentFailure):
    pass


class NotImplementedYet(StudentFailure):
    pass


class RaisedError(StudentFailure):
    """The student's function raised `error_type` (its name) with `error_message`."""

    def __init__(self, message, error_type, error_message, traceback_text=""):
        super().__init__(message)
        self.error_type = error_type
        self.error_message = error_message
        self.traceback_text = traceback_text


class TimedOut(StudentFailure):
    pass


class WorkerDied(StudentFailure):
    pass


class BadReturn(StudentFailure):
    pass


class ProtocolError(Exception):
    pass


STATUSES = frozenset({"ok", "stub", "missing", "not_callable"})


def _is_error(error):
    return (type(error) is dict and type(error.get("type")) is str and type(error.get("message")) is str
            and type(error.get("traceback", "")) is str)


def checked(message):
    """The worker runs student code, so its replies are untrusted: one of the wrong shape (student
    code can write to the reply pipe) is a ProtocolError here, never a crash of the grader."""
    if message["op"] == "loaded":
        errors, functions = message.get("cell_errors"), message.get("functions")
        if (type(errors) is not list or type(functions) is not dict
                or not all(_is_error(e) and type(e.get("index")) is int for e in errors)
                or not all(type(status) is str and status in STATUSES for status in functions.values())):
            raise ProtocolError("malformed 'loaded' message from the worker")
    elif message["op"] == "result":
        ok, warned = message.get("ok"), message.get("warnings", [])
        if (type(ok) is not bool or (not ok and not _is_error(message.get("error")))
                or type(warned) is not list or not all(type(w) is str for w in warned)):
            raise ProtocolError("malformed 'result' message from the worker")
    return message


class StudentCode:
    """The student's notebook code, loaded in a (sandboxed) worker process."""

    def __init__(self, cells, names, budget, sandboxed, hidden_paths=()):
        self.cells = cells
        self.names = list(names)
        self.budget = budget
        self.sandboxed = sandboxed
        self.hidden_paths = hidden_paths
        self.worker = None
        self.restarts_left = budget.max_restarts
        self.last_stop = None  # the StudentFailure of the last call that stopped the worker
        self.load_failure = None  # a StudentFailure that makes every call fail
        self.cell_errors = []
        self.functions = {}
        self.calls = 0
        self._loading = False
        self._load_deadline = None
        self.last_warnings = []  # what the last call warned, e.g. "RuntimeWarning: overflow encountered in exp"
        self._buffer = b""

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self):
        """Start the worker and send it the notebook's code; the answer is awaited only when first
        needed (`loaded`), so the notebook runs while the grader sets up its suite."""
        self.worker = WorkerProcess(self.budget.limits(), self.sandboxed, self.hidden_paths)
        self._buffer = b""
        self._load_deadline = time.monotonic() + self.budget.load_timeout
        self._loading = True
        try:
            self._send({"op": "load", "names": self.names,
                        "cells": [{"index": i, "source": s} for i, s in self.cells]}, self._load_deadline)
        except (TimedOut, WorkerDied) as error:
            self._loaded(error)

    def loaded(self):
        """Wait for the notebook's code to have run (once per start)."""
        if self._loading:
            try:
                self._loaded(self._receive(self._load_deadline, expect="loaded"))
            except (TimedOut, WorkerDied, ProtocolError) as error:
                self._loaded(error)

    def _loaded(self, outcome):
        self._loading = False
        if isinstance(outcome, TimedOut):
            self._fail_load(TimedOut(
                f"your notebook's code did not finish running within {self.budget.load_timeout:g} s "
                "(an endless loop at the top level?)"))
        elif isinstance(outcome, Exception):
            self._fail_load(WorkerDied(f"your notebook's code stopped the grading worker: {outcome}"))
        else:
            self.cell_errors = outcome["cell_errors"]
            self.functions = outcome["functions"]

    def _fail_load(self, failure):
        self.load_failure = failure
        self.stop()

    def stop(self):
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    def status(self, name):
        """'ok', 'stub', 'missing', 'not_callable', or 'broken' when the notebook could not load."""
        self.loaded()
        if self.load_failure is not None:
            return "broken"
        return self.functions.get(name, "missing")

    # -- calls ---------------------------------------------------------------------------------
    def require(self, name):
        """Raise the StudentFailure that makes calling `name` pointless, if there is one."""
        status = self.status(name)
        if status == "broken":
            raise self.load_failure
        if status == "missing":
            raise NotDefined(f"`{name}` is not defined in your notebook")
        if status == "not_callable":
            raise NotDefined(f"`{name}` in your notebook is not a function")
        if status == "stub":
            raise NotImplementedYet(f"`{name}` is not implemented yet (it still raises NotImplementedError)")

    def call(self, name, args, kwargs, return_args=False):
        if self.status(name) != "stub":
            self.require(name)
        if self.worker is None or not self.worker.alive():
            self._restart(name)
        callables = []
        request = {"op": "call", "id": self.calls, "name": name, "return_args": return_args,
                   "args": wire.encode(list(args), callables), "kwargs": wire.encode(kwargs, callables)}
        self.calls += 1
        deadline = time.monotonic() + self.budget.call_timeout
        try:
            self._send(request, deadline)
            reply = self._receive(deadline, expect="result", callables=callables, call_id=request["id"])
        except TimedOut:
            self.stop()
            self.last_stop = TimedOut(f"`{name}` did not return within {self.budget.call_timeout:g} s")
            raise self.last_stop from None
        except (WorkerDied, ProtocolError) as error:
            self.stop()
            self.last_stop = WorkerDied(f"the grading worker stopped while `{name}` ran: {error}")
            raise self.last_stop from None
        self.last_warnings = reply.get("warnings", [])
        if not reply["ok"]:
            error = reply["error"]
            if error.get("not_implemented"):
                where = error.get("function")
                if where not in (None, name, "<module>"):
                    raise NotImplementedYet(f"`{name}` calls `{where}`, which is not implemented yet "
                                            "(it raises NotImplementedError)")
                raise NotImplementedYet(f"`{name}` is not implemented yet (it raises NotImplementedError)")
            raise RaisedError(f"`{name}` raised {error['type']}: {error['message']}", error["type"],
                              error["message"], error.get("traceback", ""))
        try:
            value = wire.decode(reply["value"])
            if return_args:
                return value, wire.decode(reply["args_after"], lambda index: _lookup(callables, index))
            return value
        except (wire.WireError, KeyError) as error:
            raise BadReturn(f"`{name}` returned something that cannot be graded: {error}") from None

    def _restart(self, name):
        self.stop()
        if self.restarts_left <= 0:
            # Hypothesis shows the last failure, so repeat why the worker kept stopping.
            reason = f" (the last time: {self.last_stop})" if self.last_stop else ""
            raise WorkerDied(f"the grading worker stopped too often, `{name}` was not run again{reason}")
        self.restarts_left -= 1
        self.start()
        self.loaded()
        if self.load_failure is not None:
            raise self.load_failure

    # -- protocol ------------------------------------------------------------------------------
    def _send(self, message, deadline):
        data = memoryview(wire.dumps(message))
        fd = self.worker.request_write
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimedOut("sending took too long")
            _, writable, _ = select.select([], [fd], [], remaining)
            if writable:
                try:
                    written = os.write(fd, data[: 1 << 16])
                except BrokenPipeError:
                    raise WorkerDied(self._death()) from None
                data = data[written:]

    def _receive(self, deadline, expect, callables=(), call_id=None):
        while True:
            message = self._read_message(deadline)
            op = message["op"]
            if op == "callback" and callables:
                self._answer_callback(message, callables, deadline)
                continue
            if op != expect or (call_id is not None and message.get("id") != call_id):
                raise ProtocolError(f"unexpected message {op!r} from the worker")
            return checked(message)

    def _answer_callback(self, message, callables, deadline):
        index = message.get("callable")
        if type(index) is not int or not 0 <= index < len(callables):
            raise ProtocolError("callback to an unknown function")
        try:
            args = wire.decode(message["args"])
            kwargs = wire.decode(message["kwargs"])
            if type(args) is not list or type(kwargs) is not dict or not all(type(k) is str for k in kwargs):
                raise wire.WireError("malformed callback arguments")
            reply = {"op": "callback_result", "ok": True,
                     "value": wire.encode(callables[index](*args, **kwargs))}
        except Exception as error:  # the grader's callable rejected the student's arguments
            reply = {"op": "callback_result", "ok": False, "error": f"{type(error).__name__}: {error}"}
        self._send(reply, deadline)

    def _read_message(self, deadline):
        # A bytearray searched only where new data arrived: a worker that streams a huge line in
        # pipe-sized pieces must not cost the grader quadratic time.
        buffer = bytearray(self._buffer)
        fd = self.worker.response_read
        searched = 0
        while (end := buffer.find(b"\n", searched)) < 0:
            searched = len(buffer)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._buffer = bytes(buffer)
                raise TimedOut("no answer in time")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise WorkerDied(self._death())
            buffer += chunk
            if len(buffer) > wire.MAX_MESSAGE_BYTES:
                raise ProtocolError("the worker sent a message that is too large")
        line, self._buffer = bytes(buffer[:end]), bytes(buffer[end + 1:])
        try:
            return wire.loads(line)
        except wire.WireError as error:
            raise ProtocolError(str(error)) from None

    def _death(self):
        try:
            self.worker.process.wait(timeout=2)
        except Exception:
            pass
        return self.worker.exit_description()


def _lookup(callables, index):
    if not 0 <= index < len(callables):
        raise wire.WireError("reference to an unknown callable")
    return callables[index]


class Student:
    """The student's notebook as the hidden suites see it: `student.softmax(x)`."""

    def __init__(self, code):
        self._code = code

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._code.call(name, args, kwargs)

    def call_and_warnings(self, name, *args, **kwargs):
        """Returns (result, the warnings the call raised as "Category: message" strings)."""
        value = self._code.call(name, args, kwargs)
        return value, list(self._code.last_warnings)

    def call_and_inputs(self, name, *args, **kwargs):
        """Returns (result, args as they were after the call), to check inputs were not mutated."""
        return self._code.call(name, args, kwargs, return_args=True)
