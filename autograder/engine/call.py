"""Calling the student's functions across the sandbox boundary.

`StudentCode` owns the worker: it starts it, loads the notebook's code, sends calls with a wall-clock
deadline enforced from here, and restarts the worker after a timeout or crash (up to a limit). Every
read from the worker is bounded: non-blocking, within the call's deadline (which covers the reply's
parsing), capped in size, and all the calls of one submission share one time budget.

`Student` is what hidden suites see: `student.softmax(x)` behaves like a local call that returns
plain data or raises a `StudentFailure` describing, in the student's terms, what went wrong. It
records the calls of the current example (with the values a callable argument returned), so that
feedback shows the failing call; and while one exercise is graded, the notebook's other graded
functions answer from the reference (`substitutes`), so that a mistake elsewhere costs nothing here.
"""

import dataclasses
import os
import select
import time

from . import wire
from .sandbox import WorkerProcess

MAX_ERROR_CHARS = 2000
MAX_TRACEBACK_CHARS = 4000


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


def _clip(text, limit):
    return text if len(text) <= limit else text[:limit] + f" ... ({len(text) - limit} more characters)"


def checked(message):
    """The worker runs student code, so its replies are untrusted: one of the wrong shape (student
    code can write to the reply pipe) is a ProtocolError here, never a crash of the grader. Texts are
    clipped: a forged error message of megabytes must not grow a report by as much."""
    if message["op"] == "loaded":
        errors, functions = message.get("cell_errors"), message.get("functions")
        if (type(errors) is not list or type(functions) is not dict or len(errors) > 1000
                or not all(_is_error(e) and type(e.get("index")) is int and type(e.get("label")) is str
                           for e in errors)
                or not all(type(status) is str and status in STATUSES for status in functions.values())):
            raise ProtocolError("malformed 'loaded' message from the worker")
        for error in errors:
            _clip_error(error)
            error["label"] = _clip(error["label"], 100)
    elif message["op"] == "result":
        ok, warned = message.get("ok"), message.get("warnings", [])
        if (type(ok) is not bool or (not ok and not _is_error(message.get("error")))
                or type(warned) is not list or not all(type(w) is str for w in warned)):
            raise ProtocolError("malformed 'result' message from the worker")
        message["warnings"] = [_clip(w, 300) for w in warned[:5]]
        if not ok:
            _clip_error(message["error"])
    return message


def _clip_error(error):
    error["message"] = _clip(error["message"], MAX_ERROR_CHARS)
    error["traceback"] = _clip(error.get("traceback", ""), MAX_TRACEBACK_CHARS)
    error["type"] = _clip(error["type"], 100)


@dataclasses.dataclass
class CallRecord:
    """One call of the student's code, for feedback: what was called, with what, and what each
    callable argument answered while it ran."""
    name: str
    args: tuple
    kwargs: dict
    method: bool = False
    answers: list = dataclasses.field(default_factory=list)  # (callable, args, result) per callback


class StudentCode:
    """The student's notebook code, loaded in a (sandboxed) worker process."""

    def __init__(self, cells, names, budget, sandboxed, hidden_paths=(), uses=(), workers=None):
        self.cells = cells  # [(index, label, source)]
        self.names = list(names)
        self.budget = budget
        self.sandboxed = sandboxed
        self.hidden_paths = hidden_paths
        self.uses = tuple(uses)
        self.workers = workers  # a pool.WarmWorkers to take started workers from, or None
        self.worker = None
        self.isolation = None
        self.restarts_left = budget.max_restarts
        self.last_stop = None  # the StudentFailure of the last call that stopped the worker
        self.load_failure = None  # a StudentFailure that makes every call fail
        self.cell_errors = []
        self.functions = {}
        self.calls = 0
        self.log = []  # CallRecords of the current example
        self.substitutes = {}  # name -> the grader's stand-in, for the exercise being graded
        self.substituted = set()  # names whose stand-ins the student's code called
        self.handles = []  # every Handle made: they are lost, or made again, when the worker stops
        self._loading = False
        self._load_deadline = None
        self._budget_deadline = None  # all calls of the submission must end by then
        self.last_warnings = []  # what the last call warned, e.g. "RuntimeWarning: overflow encountered in exp"
        self._buffer = bytearray()

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self):
        """Start the worker and send it the notebook's code; the answer is awaited only when first
        needed (`loaded`), so the notebook runs while the grader sets up its suite."""
        now = time.monotonic()
        if self._budget_deadline is None:
            self._budget_deadline = now + self.budget.submission_seconds
        if self.workers is not None:
            self.worker = self.workers.take(self.budget.limits(), self.sandboxed, self.hidden_paths, self.uses)
        else:
            self.worker = WorkerProcess(self.budget.limits(), self.sandboxed, self.hidden_paths, self.uses)
        self.isolation = self.worker.isolation()
        self._buffer = bytearray()
        self._load_deadline = min(now + self.budget.load_timeout, self._budget_deadline)
        self._loading = True
        try:
            self._send({"op": "load", "names": self.names,
                        "cells": [{"index": i, "label": label, "source": s} for i, label, s in self.cells]},
                       self._load_deadline)
        except (TimedOut, WorkerDied) as error:
            self._loaded(error)

    def start_afresh(self):
        """A new worker with nothing of the old one's history: restarts, the time budget, handles,
        all as if grading began now."""
        self.stop()
        self.restarts_left = self.budget.max_restarts
        self.last_stop = self.load_failure = None
        self._budget_deadline = None
        self.calls = 0
        self.start()

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
        for handle in self.handles:
            handle.number = None  # made again, on first use, in the next worker (when it can be)

    def status(self, name):
        """'ok', 'stub', 'missing', 'not_callable', or 'broken' when the notebook could not load."""
        self.loaded()
        if self.load_failure is not None:
            return "broken"
        return self.functions.get(name, "missing")

    def begin_example(self):
        """A new example of a property starts: forget the calls of the last one."""
        self.log = []

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
        record = CallRecord(name, args, kwargs)
        self.log.append(record)
        request = {"op": "call", "name": name, "return_args": return_args}
        return self._request(request, name, record, args, kwargs, return_args)

    def call_method(self, handle, path, args, kwargs, tensors):
        """`handle.path(*args, **kwargs)` in the worker (path "" calls the object itself)."""
        shown = f"{handle.description}.{path}" if path else handle.description
        record = CallRecord(shown, args, kwargs, method=True)
        self.log.append(record)
        self._ensure(handle)
        request = {"op": "call", "handle": handle.number, "path": path, "tensors": tensors}
        return self._request(request, shown, record, args, kwargs)

    def keep(self, value, description):
        """Send `value` to the worker once; returns a Handle standing for it in later arguments."""
        return Handle(self, description, remake=lambda: self._keep_now(value))

    def _keep_now(self, value):
        callables = []
        encoded = wire.encode(value, callables)
        if callables:
            raise ValueError("only data can be kept in the worker")
        reply = self._exchange({"op": "keep", "value": encoded}, "keep", self.budget.call_timeout * 5)
        return self._decode(reply["value"], [])

    def _ensure(self, handle):
        if handle.number is None and handle.remake is not None:
            handle.number = handle.remake().number
        if handle.number is None:
            raise WorkerDied(f"{handle.description} was lost when the grading worker stopped")

    def _request(self, request, name, record, args, kwargs, return_args=False):
        for value in [*args, *kwargs.values()]:
            if isinstance(value, Handle):
                self._ensure(value)
        callables = []
        substitutes = {other: stand_in for other, stand_in in self.substitutes.items() if other != name}
        request.update(args=wire.encode(list(args), callables), kwargs=wire.encode(kwargs, callables),
                       substitutes={other: wire.encode(stand_in, callables)
                                    for other, stand_in in substitutes.items()})
        stand_ins = {id(stand_in): other for other, stand_in in substitutes.items()}
        reply = self._exchange(request, name, self.budget.call_timeout, callables, record, stand_ins)
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
            value = self._decode(reply["value"], callables)
            if return_args:
                return value, self._decode(reply["args_after"], callables)
            return value
        except (wire.WireError, KeyError) as error:
            raise BadReturn(f"`{name}` returned something that cannot be graded: {error}") from None

    def _exchange(self, request, name, timeout, callables=(), record=None, stand_ins=None):
        """Send one request and wait for its answer, answering callbacks meanwhile; the worker is
        stopped (and started again by the next call) after a timeout or a crash."""
        if self.worker is None or not self.worker.alive():
            self._restart(name)
        now = time.monotonic()
        if now >= self._budget_deadline:
            raise TimedOut(f"this submission has used its {self.budget.submission_seconds:g} s of grading time: "
                           f"`{name}` was not run (look for calls that take long)")
        deadline = min(now + timeout, self._budget_deadline)
        request["id"] = self.calls
        self.calls += 1
        try:
            self._send(request, deadline)
            return self._receive(deadline, expect="result", callables=callables, call_id=request["id"],
                                 record=record, stand_ins=stand_ins or {})
        except TimedOut:
            self.stop()
            over_budget = time.monotonic() >= self._budget_deadline
            self.last_stop = TimedOut(
                f"`{name}` did not return before this submission used its {self.budget.submission_seconds:g} s "
                "of grading time" if over_budget else f"`{name}` did not return within {timeout:g} s")
            raise self.last_stop from None
        except (WorkerDied, ProtocolError) as error:
            self.stop()
            self.last_stop = WorkerDied(f"the grading worker stopped while `{name}` ran: {error}")
            raise self.last_stop from None

    def _decode(self, data, callables):
        return wire.decode(data, wire.Resolvers(callable=lambda index, _: _lookup(callables, index),
                                                handle=self._handle_from_worker))

    def _handle_from_worker(self, number):
        return Handle(self, "an object your code returned", number=number)

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
                except BlockingIOError:  # someone else filled the pipe since select said otherwise
                    continue
                except BrokenPipeError:
                    raise WorkerDied(self._death()) from None
                data = data[written:]

    def _receive(self, deadline, expect, callables=(), call_id=None, record=None, stand_ins=None):
        while True:
            message = self._read_message(deadline)
            op = message["op"]
            if op == "callback" and callables:
                self._answer_callback(message, callables, deadline, record, stand_ins or {})
                continue
            if op != expect or (call_id is not None and message.get("id") != call_id):
                raise ProtocolError(f"unexpected message {op!r} from the worker")
            return checked(message)

    def _answer_callback(self, message, callables, deadline, record, stand_ins):
        index = message.get("callable")
        if type(index) is not int or not 0 <= index < len(callables):
            raise ProtocolError("callback to an unknown function")
        try:
            args = self._decode(message["args"], [])
            kwargs = self._decode(message["kwargs"], [])
            if type(args) is not list or type(kwargs) is not dict or not all(type(k) is str for k in kwargs):
                raise wire.WireError("malformed callback arguments")
            function = callables[index]
            if id(function) in stand_ins:
                self.substituted.add(stand_ins[id(function)])
            value = function(*args, **kwargs)
            if record is not None and id(function) not in stand_ins and len(record.answers) < 50:
                record.answers.append((function, args, value))
            reply = {"op": "callback_result", "ok": True, "value": wire.encode(value)}
        except Exception as error:  # the grader's callable rejected the student's arguments
            reply = {"op": "callback_result", "ok": False, "error": _clip(f"{type(error).__name__}: {error}", 500)}
        self._send(reply, deadline)

    def _read_message(self, deadline):
        """One line from the worker, non-blocking: a second reader of the pipe (student code can open
        it again) cannot make this wait past the deadline, nor a huge line cost more than the cap."""
        buffer = self._buffer
        fd = self.worker.response_read
        searched = 0
        while (end := buffer.find(b"\n", searched)) < 0:
            searched = len(buffer)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimedOut("no answer in time")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:  # another reader took the data select announced
                continue
            if not chunk:
                raise WorkerDied(self._death())
            buffer += chunk
            if len(buffer) > wire.MAX_MESSAGE_BYTES:
                raise ProtocolError("the worker sent a message that is too large")
        line = bytes(buffer[:end])
        del buffer[:end + 1]
        try:
            message = wire.loads(line)
        except wire.WireError as error:
            raise ProtocolError(str(error)) from None
        if time.monotonic() > deadline:
            raise TimedOut("the answer came too late")
        return message

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


class Handle:
    """An object that lives in the worker (one the grader built there, a value it sent once, or one
    the student's code returned): pass it as an argument, or call its methods with `call`."""

    def __init__(self, code, description, number=None, remake=None):
        self.code = code
        self.description = description
        self.number = number
        self.remake = remake  # makes the object again in a new worker, if that can be done
        code.handles.append(self)

    @property
    def wire_handle(self):
        return self.number

    def call(self, path, *args, tensors=False, **kwargs):
        """The object's method at `path` ("forward", "lm_head.weight.data_ptr"; "" for the object
        itself) called with data; with `tensors`, arrays reach it as torch tensors."""
        return self.code.call_method(self, path, args, kwargs, tensors)

    def __repr__(self):
        return f"<{self.description}>"


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

    def keep(self, value, description="a value the grader sent"):
        """Send `value` (data) to the sandbox once for this grading; pass the returned handle as an
        argument instead of the value (the student's function receives the value itself)."""
        return self._code.keep(value, description)

    def new(self, name, *args, **kwargs):
        """`name(*args, **kwargs)` in the notebook (a class, say), kept in the sandbox: a Handle whose
        methods the suite calls with `.call(...)`."""
        handle = self._code.call(name, args, kwargs)
        if not isinstance(handle, Handle):
            raise BadReturn(f"`{name}(...)` should make an object, got {handle!r}")
        handle.description = f"{name}({', '.join(map(repr, args))})"
        handle.remake = lambda: self._code.call(name, args, kwargs)
        return handle
