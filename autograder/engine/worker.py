"""The worker: runs a student's notebook code inside the sandbox and answers calls.

Started by `autograder.engine.sandbox` as `python -I -S worker.py REQUEST_FD RESPONSE_FD SITE_DIR...`
with this file and `wire.py` bound read-only beside each other, and nothing else of the grader.
It reads one JSON message per line from REQUEST_FD and writes one per line to RESPONSE_FD:

    load     the notebook's code cells, run in order         -> loaded (cell errors, function statuses)
    call     a function of the notebook, or a method of an    -> result (a value, or the error raised)
             object it holds (a handle), with data arguments
    keep     a value to hold for later calls (sent once)     -> result (its handle)
    drop     handles no longer needed

Values the student's code returns that are not data (a torch module, say) stay here: the grader gets
a handle to them. While a call runs, `substitutes` name functions of the notebook that answer by
calling back into the grader (the reference versions of the other graded functions).

Nothing here is trusted: the student's code runs in this process and could rewrite any of it.
That is fine, because all the grader ever receives are values to compare against the reference,
and a forged value is no better than a returned one.
"""

import ast
import builtins
import linecache
import os
import signal
import sys
import traceback
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.extend(sys.argv[3:])  # site-packages, without running their .pth files (-S)

import wire  # noqa: E402

MISSING = object()


def strip_magics(source):
    """IPython syntax (%magic, !shell) is not Python; cell magics skip the whole cell."""
    if source.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def student_frames(error):
    return [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("cell ")]


def describe_error(error):
    """The error as the student should see it: only the frames of their own cells."""
    frames = student_frames(error)
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
    return {
        "type": type(error).__name__,
        "message": str(error)[:2000],
        "traceback": "".join(lines).rstrip()[-4000:],
        "not_implemented": isinstance(error, NotImplementedError),
        "function": frames[-1].name if frames else None,  # where it was raised
    }


def is_stub(function_def):
    """A def whose body is only a docstring and `raise NotImplementedError(...)`."""
    body = [node for node in function_def.body
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def to_tensors(value):
    """Arrays (also inside lists, tuples and dicts) as torch tensors, for code that works in torch."""
    import torch
    if isinstance(value, wire.np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, (list, tuple)):
        return type(value)(to_tensors(item) for item in value)
    if isinstance(value, dict):
        return {key: to_tensors(item) for key, item in value.items()}
    return value


class Handled:
    """The grader's view of an object kept here: encoded as {"$handle": n}."""

    def __init__(self, number):
        self.wire_handle = number


class Worker:
    def __init__(self, requests, responses):
        self.requests = requests
        self.responses = responses
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "display": print}
        self.stub_code = set()  # code objects of functions defined as stubs
        self.handles = {}
        self.arrays = {}  # safetensors arrays read so far

    def send(self, message):
        self.responses.write(wire.dumps(message))

    def receive(self):
        line = self.requests.readline()
        if not line:
            sys.exit(0)
        return wire.loads(line, from_grader=True)

    # -- references ------------------------------------------------------------------------------
    def resolvers(self):
        return wire.Resolvers(callable=self.make_callback, handle=self.held, safetensors=self.read_array)

    def held(self, number):
        if number not in self.handles:
            raise wire.WireError(f"no object with handle {number}")
        return self.handles[number]

    def keep_object(self, value):
        number = len(self.handles)
        while number in self.handles:
            number += 1
        self.handles[number] = value
        return Handled(number)

    def read_array(self, path, tensor, dtype):
        key = (path, tensor, dtype)
        if key not in self.arrays:
            self.arrays[key] = wire.read_safetensors(path, tensor).astype(dtype)
        return self.arrays[key]

    def make_callback(self, call_id, tensors=False):
        def callback(*args, **kwargs):
            self.send({"op": "callback", "callable": call_id,
                       "args": wire.encode(wire.plain(list(args))), "kwargs": wire.encode(wire.plain(kwargs))})
            reply = self.receive()
            if reply.get("op") != "callback_result":
                raise RuntimeError("grading protocol out of step")
            if not reply["ok"]:
                raise RuntimeError(reply["error"])
            value = wire.decode(reply["value"], self.resolvers())
            return to_tensors(value) if tensors else value
        return callback

    # -- the notebook ----------------------------------------------------------------------------
    def load(self, cells):
        errors = []
        for cell in cells:
            filename = f"cell {cell['label']}"
            source = strip_magics(cell["source"])
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            try:
                code = compile(source, filename, "exec")
                exec(code, self.namespace)
                self._remember_stubs(source, code)
            except BaseException as error:  # noqa: B036 -- SystemExit in a cell must not end grading
                errors.append({"index": cell["index"], "label": cell["label"], **describe_error(error)})
        return errors

    def _remember_stubs(self, source, code):
        stub_names = {node.name for node in ast.parse(source).body
                      if isinstance(node, ast.FunctionDef) and is_stub(node)}
        for name in stub_names:
            function = self.namespace.get(name)
            if getattr(function, "__code__", None) is not None:
                self.stub_code.add(function.__code__)

    def status(self, name):
        if name not in self.namespace:
            return "missing"
        value = self.namespace[name]
        if not callable(value):
            return "not_callable"
        return "stub" if getattr(value, "__code__", None) in self.stub_code else "ok"

    # -- calls -----------------------------------------------------------------------------------
    def target(self, request):
        if "handle" in request:
            target = self.held(request["handle"])
            for part in request["path"].split(".") if request["path"] else ():
                target = getattr(target, part)
            return target
        return self.namespace.get(request["name"])

    def call(self, request):
        resolvers = self.resolvers()
        try:
            args = wire.decode(request["args"], resolvers)
            kwargs = wire.decode(request["kwargs"], resolvers)
            substitutes = {name: wire.decode(ref, resolvers) for name, ref in request.get("substitutes", {}).items()}
            if request.get("tensors"):
                args, kwargs = to_tensors(args), to_tensors(kwargs)
        except Exception as error:  # noqa: BLE001 -- e.g. torch missing: reported as this call's error
            self.send({"op": "result", "id": request["id"], "ok": False, "error": describe_error(error),
                       "warnings": []})
            return
        saved = {name: self.namespace.get(name, MISSING) for name in substitutes}
        self.namespace.update(substitutes)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = self.target(request)(*args, **kwargs)
                reply = {"op": "result", "id": request["id"], "ok": True,
                         "value": wire.encode(wire.plain(value, self.keep_object))}
                if request.get("return_args"):
                    # Callables among the arguments go back as the references they came as.
                    reply["args_after"] = wire.encode(wire.plain(args), callables=[])
            except BaseException as error:  # noqa: B036 -- includes SystemExit raised by the function
                reply = {"op": "result", "id": request["id"], "ok": False, "error": describe_error(error)}
            finally:
                for name, original in saved.items():
                    if original is MISSING:
                        self.namespace.pop(name, None)
                    else:
                        self.namespace[name] = original
        # e.g. "RuntimeWarning: overflow encountered in exp": numerical stability shows here first
        shown = dict.fromkeys(f"{w.category.__name__}: {w.message}"[:300] for w in caught)
        reply["warnings"] = list(shown)[:5]
        self.send(reply)

    def serve(self):
        while True:
            request = self.receive()
            op = request["op"]
            if op == "load":
                errors = self.load(request["cells"])
                self.send({"op": "loaded", "cell_errors": errors,
                           "functions": {name: self.status(name) for name in request["names"]}})
            elif op == "call":
                self.call(request)
            elif op == "keep":
                value = wire.decode(request["value"], self.resolvers())
                self.send({"op": "result", "id": request["id"], "ok": True,
                           "value": wire.encode(self.keep_object(value)), "warnings": []})
            elif op == "drop":
                for number in request["handles"]:
                    self.handles.pop(number, None)


def preload():
    """Import, before any request comes, the packages the lesson's code uses (torch takes seconds):
    a worker started ahead of need is then ready at once."""
    for name in filter(None, os.environ.get("LLMCOURSE_PRELOAD", "").split(",")):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 -- the notebook's own import will report it
            pass


def main():
    # Past the file-size limit, writes fail with an error instead of killing the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    preload()
    requests = os.fdopen(int(sys.argv[1]), "rb")
    responses = os.fdopen(int(sys.argv[2]), "wb", buffering=0)
    Worker(requests, responses).serve()


if __name__ == "__main__":
    main()
