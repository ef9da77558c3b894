"""The grader's trust boundary, attacked from a student's notebook.

Every attack starts from lesson 01's released notebook, puts its code in solution cells or in code
cells appended at the end (which run last, so their definitions replace the stubs), and is graded
by the real pipeline. Each must leave the attacked exercises with 0 points, let the grading finish,
and, where there is one, give a clear reason in the report. Attacks that try to read or reach
something report what they got through the test messages: the attacked function raises
`RuntimeError("LOOT <json>")`, which the report quotes, so the test can check nothing was read.
"""

import dataclasses
import importlib
import inspect
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.engine import pipeline, sandbox
from autograder.engine.call import StudentCode
from autograder.cli import main as llmcourse
from autograder.engine.course import AUTOGRADER_DIR, SOLUTIONS_DIR, Budget
from autograder.engine.notebook import NotebookError
from autograder.engine.pipeline import SandboxRequired, grade
from support import COURSE, code_cell, notebook_with, released_notebook, write

LESSON = COURSE.lesson("01-introduction")
EXERCISES = [exercise.name for exercise in LESSON.exercises]
SOLUTION_FILE = SOLUTIONS_DIR / "l01_introduction.py"

sandboxed = pytest.mark.skipif(not sandbox.bwrap_works(), reason="bubblewrap cannot run here")


# -- building and grading attacks ----------------------------------------------------------------
def attacked(*appended, solutions=None):
    """The released notebook, with `solutions` {exercise: code} in place of those stubs and
    `appended` code cells added at the end."""
    notebook = notebook_with(LESSON, solutions or {})
    notebook["cells"] += [code_cell(source) for source in appended]
    return notebook


def grade_attack(notebook, tmp_path, course=COURSE):
    return grade(write(notebook, tmp_path / "submission.ipynb"), course, LESSON.id)


def course_with_budget(**changes):
    """The course with lesson 01's budget changed, to time out in seconds rather than half a minute."""
    lesson = dataclasses.replace(LESSON, budget=dataclasses.replace(LESSON.budget, **changes))
    return dataclasses.replace(COURSE, lessons=tuple(lesson if other.id == LESSON.id else other
                                                     for other in COURSE.lessons))


def messages(report, exercise=None):
    return [test.message for result in report.exercises if exercise in (None, result.name)
            for test in result.tests]


def assert_no_points(report, exercises=EXERCISES):
    """Graded to the end, every test of the attacked exercises failed, points as course.yml says."""
    assert report.assignment == LESSON.id
    assert report.max_score == LESSON.max_score
    for result in report.exercises:
        assert result.max_score == LESSON.exercise(result.name).points
        if result.name in exercises:
            assert result.tests, result.name
            passed = [test.name for test in result.tests if test.passed]
            assert result.score == 0 and not passed, f"{result.name} gained points through {passed}"


def loot(report, exercise="softmax"):
    """What the attack code reported it could get, from the first test message of `exercise`."""
    for message in messages(report, exercise):
        found = re.search(r"LOOT (\{.*\})", message)
        if found:
            return json.loads(found.group(1))
    raise AssertionError(f"the attack did not report back: {messages(report, exercise)}")


REPORT_LOOT = '''
def softmax(x, axis=-1):
    raise RuntimeError("LOOT " + json.dumps(LOOT, sort_keys=True))
'''


# -- 1. values that claim to equal anything -----------------------------------------------------
AGREEABLE_VALUES = '''
import numpy as np

class AlwaysEqual:
    """Equal to anything, never less or greater; poses as an array and a float too."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__
    def __array__(self, dtype=None, copy=None): return np.zeros(0)
    def __float__(self): return 0.0
    def __getattr__(self, name): return self
    def __call__(self, *args, **kwargs): return self
    def __hash__(self): return 0

class AgreeableArray(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)
    def __ne__(self, other): return np.zeros(np.shape(other), bool)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs): return True
    def __array_function__(self, func, types, args, kwargs): return True

class AgreeableFloat(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__
    def __abs__(self): return 0.0
    __hash__ = float.__hash__

class AgreeableFloat64(np.float64):
    def __eq__(self, other): return True

class AgreeableInt(int):
    def __eq__(self, other): return True
    __hash__ = int.__hash__

class AgreeableList(list):
    def __eq__(self, other): return True

def softmax(x, axis=-1):
    return np.asarray(x).view(AgreeableArray)

def cross_entropy(logits, target_ids):
    return AgreeableFloat(0.0)

def perplexity(logits, target_ids):
    return AgreeableFloat64(1.0)

def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    return AlwaysEqual()

def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    return AgreeableList(AgreeableInt(i) for i in prompt_ids)
'''


@sandboxed
def test_values_that_claim_to_equal_anything_are_graded_as_what_they_hold(tmp_path):
    """Subclasses of built-in types cross as the plain values they hold (an OrderedDict or a
    namedtuple is a correct answer in another form), so their __eq__ never reaches the grader; an
    object that is not data stays in the sandbox and is shown as one."""
    report = grade_attack(attacked(AGREEABLE_VALUES), tmp_path)
    assert_no_points(report)
    shown = "\n".join(messages(report))
    assert "got [0.]" in shown and "an object your code returned" in shown, shown


# -- 2. reading the reference or the suites ------------------------------------------------------
def stealing_code():
    """Tries every way to the reference's code; would answer with it if any way worked."""
    targets = {
        "solutions file": SOLUTION_FILE,
        "source notebook (has the solutions)": LESSON.notebook,
        "hidden suite": LESSON.suite_dir / "test_softmax.py",
        "course.yml": COURSE.root / "course.yml",
    }
    return f'''
import ast, glob, importlib, inspect, json, os, sys
LOOT = {{}}
STOLEN = {{}}  # the reference's functions, if any attempt got them

def attempt(label, get_source):
    try:
        source = get_source()
    except BaseException as error:
        LOOT[label] = type(error).__name__
        return
    LOOT[label] = f"read {{len(source)}} characters"
    try:
        exec(source, STOLEN)
    except BaseException:
        pass

def read(path):
    with open(path, encoding="utf-8") as file:
        return file.read()

def module_source(name):
    return inspect.getsource(importlib.import_module(name))

for label, path in {json.dumps({label: str(path) for label, path in targets.items()})}.items():
    attempt(label, lambda: read(path))
    attempt(label + " via /proc/1/root", lambda: read("/proc/1/root" + path))
    attempt(label + " via /proc/1/cwd", lambda: read("/proc/1/cwd/" + os.path.basename(path)))
attempt("import solutions", lambda: module_source({LESSON.solutions!r}))
attempt("import autograder", lambda: module_source("autograder.compare"))
attempt("solutions beside site-packages",
        lambda: read(next(os.path.join(d, "solutions", "l01_introduction.py") for d in sys.path
                          if os.path.exists(os.path.join(d, "solutions")))))

def editable_mapping():
    finder = next(path for d in sys.path for path in glob.glob(os.path.join(d, "__editable__*finder.py")))
    tree = ast.parse(read(finder))
    assignment = next(node for node in tree.body if isinstance(node, ast.AnnAssign)
                      and getattr(node.target, "id", "") == "MAPPING")
    return ast.literal_eval(assignment.value), finder

def through_editable_finder():
    mapping, finder = editable_mapping()
    return read(os.path.join(mapping["solutions"], "l01_introduction.py"))

def installing_editable_finder():
    mapping, finder = editable_mapping()
    sys.path.insert(0, os.path.dirname(finder))
    importlib.import_module(os.path.basename(finder)[:-3]).install()
    return module_source({LESSON.solutions!r})

attempt("path from the editable-install finder", through_editable_finder)
attempt("import through the editable-install finder", installing_editable_finder)

def answer_with(name):
    def answer(*args, **kwargs):
        if name in STOLEN:
            return STOLEN[name](*args, **kwargs)
        raise RuntimeError("LOOT " + json.dumps(LOOT, sort_keys=True))
    return answer

{chr(10).join(f"{name} = answer_with({name!r})" for name in EXERCISES)}
'''


@sandboxed
def test_reference_and_suites_cannot_be_read(tmp_path):
    report = grade_attack(attacked(stealing_code()), tmp_path)
    assert_no_points(report)
    attempts = loot(report)
    assert len(attempts) == 17, attempts  # every attempt ran and reported
    read = {label: outcome for label, outcome in attempts.items() if outcome.startswith("read")}
    assert not read, f"the sandbox let student code read {read}"
    # The control: without the sandbox the same code does answer with the reference.
    x = np.array([1.0, 2.0, 3.0])
    unsandboxed = StudentCode([(0, "'attack'", stealing_code())], EXERCISES, LESSON.budget, sandboxed=False)
    unsandboxed.start()
    try:
        stolen = unsandboxed.call("softmax", [x], {})
    finally:
        unsandboxed.stop()
    assert np.allclose(stolen, importlib.import_module(LESSON.solutions).softmax(x))


# -- 3. exiting ----------------------------------------------------------------------------------
@sandboxed
def test_os_exit_at_top_level_fails_the_notebook_with_a_reason(tmp_path):
    report = grade_attack(attacked("import os\nos._exit(0)"), tmp_path)
    assert_no_points(report)
    assert "stopped the grading worker" in report.load_problem
    assert "exited with code 0" in report.load_problem


@sandboxed
def test_system_exit_at_top_level_is_a_cell_error(tmp_path):
    report = grade_attack(attacked("raise SystemExit(0)", "import sys\nsys.exit()"), tmp_path)
    assert_no_points(report)
    assert report.load_problem is None
    assert [error["type"] for error in report.cell_errors] == ["SystemExit", "SystemExit"]


@sandboxed
def test_exiting_inside_functions_scores_nothing(tmp_path):
    exits = {"softmax": "import sys\ndef softmax(x, axis=-1):\n    sys.exit(0)",
             "cross_entropy": "def cross_entropy(logits, target_ids):\n    raise SystemExit",
             "perplexity": "import os\ndef perplexity(logits, target_ids):\n    os._exit(0)"}
    report = grade_attack(attacked(solutions=exits), tmp_path)
    assert_no_points(report)
    assert all("raised SystemExit" in message for message in messages(report, "softmax"))
    assert all("raised SystemExit" in message for message in messages(report, "cross_entropy"))
    assert all("worker stopped" in message for message in messages(report, "perplexity"))


# -- 4. endless loops that ignore signals -------------------------------------------------------
STUBBORN = '''
import signal
for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGXCPU", "SIGALRM", "SIGUSR1"):
    signal.signal(getattr(signal, name), signal.SIG_IGN)
'''


@sandboxed
def test_endless_loop_at_top_level_is_stopped_at_the_load_timeout(tmp_path):
    course = course_with_budget(load_timeout=3.0)
    started = time.monotonic()
    report = grade_attack(attacked(STUBBORN + "while True:\n    pass\n"), tmp_path, course)
    elapsed = time.monotonic() - started
    assert_no_points(report)
    assert "did not finish running within 3 s" in report.load_problem
    assert elapsed < 3.0 + 12, f"grading took {elapsed:.1f} s"


@sandboxed
def test_endless_loop_in_a_function_is_stopped_at_the_call_timeout(tmp_path):
    course = course_with_budget(call_timeout=0.5, max_restarts=1)
    loop = STUBBORN + "def softmax(x, axis=-1):\n    while True:\n        pass\n"
    started = time.monotonic()
    report = grade_attack(attacked(solutions={"softmax": loop}), tmp_path, course)
    elapsed = time.monotonic() - started
    assert_no_points(report)
    assert all("did not return within 0.5 s" in message for message in messages(report, "softmax"))
    assert elapsed < 2 * 0.5 + 12, f"grading took {elapsed:.1f} s"


# -- 5. memory --------------------------------------------------------------------------------------
@sandboxed
def test_allocating_20_gb_fails_with_a_memory_error(tmp_path):
    hoarding = "def softmax(x, axis=-1):\n    return np.ones(20_000_000_000 // 8)[: np.size(x)]"
    report = grade_attack(attacked("hoard = np.ones(20_000_000_000 // 8)", solutions={"softmax": hoarding}),
                          tmp_path)
    assert_no_points(report)
    assert len(report.cell_errors) == 1 and "MemoryError" in report.cell_errors[0]["type"]
    assert all("MemoryError" in message for message in messages(report, "softmax"))


# -- 6. network ----------------------------------------------------------------------------------
class Listener:
    """A TCP listener on 127.0.0.1 and an abstract unix socket, recording who connects."""

    def __init__(self):
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix_name = f"\0llmcourse-attack-{os.getpid()}-{random.randrange(10**9)}"
        self.unix.bind(self.unix_name)
        self.unix.listen()
        self.connections = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._accept, args=(s,)) for s in (self.tcp, self.unix)]
        for thread in self.threads:
            thread.start()

    def _accept(self, server):
        server.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            self.connections.append(connection.recv(100))
            connection.close()

    def close(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        self.tcp.close()
        self.unix.close()


def reaching_code(listener):
    return f'''
import json, socket
LOOT = {{}}
for label, family, address in [("tcp", socket.AF_INET, ("127.0.0.1", {listener.tcp.getsockname()[1]})),
                               ("abstract unix socket", socket.AF_UNIX, {listener.unix_name!r})]:
    try:
        with socket.socket(family) as connection:
            connection.settimeout(2)
            connection.connect(address)
            connection.sendall(b"answers please")
        LOOT[label] = "connected"
    except OSError as error:
        LOOT[label] = type(error).__name__
'''


@sandboxed
def test_student_code_cannot_reach_a_listener_on_the_machine(tmp_path):
    listener = Listener()
    try:
        report = grade_attack(attacked(reaching_code(listener) + REPORT_LOOT), tmp_path)
        reached_from_the_sandbox = list(listener.connections)
        # The control: without the sandbox the same code does reach both listeners.
        unsandboxed = StudentCode([(0, "'attack'", reaching_code(listener))], [], LESSON.budget, sandboxed=False)
        unsandboxed.start()
        unsandboxed.loaded()
        unsandboxed.stop()
        deadline = time.monotonic() + 5
        while len(listener.connections) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        listener.close()
    assert reached_from_the_sandbox == []
    assert_no_points(report)
    assert "connected" not in loot(report).values(), loot(report)
    assert listener.connections == [b"answers please"] * 2


# -- 7. monkeypatching the checks ------------------------------------------------------------------
WRONG_ANSWERS = '''
import numpy as np

def softmax(x, axis=-1):
    return np.zeros_like(x)

def cross_entropy(logits, target_ids):
    return -1.0

def perplexity(logits, target_ids):
    return -1.0

def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    return np.zeros((vocab_size, vocab_size))

def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    return [-1]
'''
PATCHING = '''
import builtins, numbers
import numpy as np
import numpy.testing

agree = lambda *args, **kwargs: True
np.allclose = np.array_equal = np.array_equiv = agree
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, bool)
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = lambda *args, **kwargs: None
# Every question about numbers gets a yes (a wider lie would break the worker's own json code).
NUMERIC = (np.ndarray, np.generic, float, int, numbers.Number)
real_isinstance = builtins.isinstance
builtins.isinstance = lambda value, kind: kind in NUMERIC or real_isinstance(value, kind)
'''


@sandboxed
def test_monkeypatching_numpy_and_builtins_changes_nothing_in_the_grader(tmp_path):
    allclose, isinstance_ = np.allclose, isinstance
    report = grade_attack(attacked(PATCHING + WRONG_ANSWERS), tmp_path)
    assert_no_points(report)
    assert report.load_problem is None and report.cell_errors == []
    assert all("expected" in message for message in messages(report))  # compared, and differed
    assert np.allclose is allclose and isinstance is isinstance_


# -- 8. notebook metadata ---------------------------------------------------------------------------
def with_tampered_metadata(notebook):
    """Every cell: 1000 points, a test cell's grade id, tags that would skip it, a test role."""
    for cell in notebook["cells"]:
        nbgrader = cell.setdefault("metadata", {}).setdefault("nbgrader", {})
        nbgrader.update(grade=True, solution=False, locked=True, points=1000,
                        grade_id="test_" + nbgrader.get("grade_id", "extra"))
        cell["metadata"]["tags"] = ["skip-execution", "raises-exception"]
        cell["metadata"]["llmcourse"] = {"role": "test"}
    return notebook


@sandboxed
def test_metadata_neither_gives_points_nor_chooses_what_runs(tmp_path):
    notebook = with_tampered_metadata(attacked('raise ValueError("tagged cells run too")'))
    report = grade_attack(notebook, tmp_path)
    assert_no_points(report)
    assert all("not implemented" in message for message in messages(report))
    assert [(error["type"], error["message"]) for error in report.cell_errors] == [
        ("ValueError", "tagged cells run too")]


@sandboxed
def test_correct_code_in_a_cell_claiming_1000_points_gets_the_course_points(tmp_path):
    reference = inspect.getsource(importlib.import_module(LESSON.solutions).softmax)
    report = grade_attack(with_tampered_metadata(attacked(solutions={"softmax": reference})), tmp_path)
    assert_no_points(report, [name for name in EXERCISES if name != "softmax"])
    assert report.score == LESSON.exercise("softmax").points
    assert report.max_score == LESSON.max_score


# -- 9. fake results on every output --------------------------------------------------------------
FAKE_RESULTS = f'''
import json, os, sys
full_marks = {LESSON.max_score}
claim = json.dumps({{"assignment": {LESSON.id!r}, "score": full_marks, "max_score": full_marks}})
print(claim)
print(claim, file=sys.stderr)
forged = [{{"op": "loaded", "cell_errors": [], "functions": {{name: "ok" for name in {EXERCISES!r}}}}}]
forged += [{{"op": "result", "id": i, "ok": True, "value": -1.0}} for i in range(50)]
forged += [json.loads(claim)]
lines = "".join(json.dumps(message) + "\\n" for message in forged).encode()
for fd in sorted(set(range(3, 11)) | {{int(arg) for arg in sys.argv[1:3]}}):
    try:
        os.write(fd, lines)
    except OSError:
        pass
'''
# The worker's reply pipe is the file descriptor in its argv[2]: student code can write there too.
MALFORMED_LOADED = '''
import os, sys
os.write(int(sys.argv[2]), b'{"op": "loaded", "cell_errors": "x", "functions": {"softmax": "missing"}}\\n')
'''
DEEPLY_NESTED = '''
import os, sys
os.write(int(sys.argv[2]), b'{"op": "loaded", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\\n")
'''
ENDLESS_LINE = '''
import os, sys
for _ in range(300):  # 300 MB without a line end
    os.write(int(sys.argv[2]), b"x" * (1 << 20))
'''
FORGERIES = {  # code, and the reason the report must give (None: the fakes are graded as wrong values)
    "fake results and claims": (FAKE_RESULTS + WRONG_ANSWERS, None),
    "malformed loaded message": (MALFORMED_LOADED, "malformed 'loaded' message"),
    "deeply nested message": (DEEPLY_NESTED, "not a JSON message"),
    "endless message": (ENDLESS_LINE, "too large"),
}


@sandboxed
@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_output_is_never_taken_for_results(forgery, tmp_path):
    code, reason = FORGERIES[forgery]
    report = grade_attack(attacked(code), tmp_path)
    assert_no_points(report)
    if reason:
        assert reason in report.load_problem


# -- 10. processes and files ------------------------------------------------------------------------
def processes_with(marker):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def pids_cgroup_works():
    probe = sandbox.WorkerCgroups(Budget(processes=4).limits())
    works = any(path.parent.name == "pids" for path in probe.paths)
    probe.remove()
    return works


@sandboxed
def test_fork_bomb_and_huge_files_are_capped_and_leave_nothing_behind(tmp_path):
    marker = f"{random.randrange(10**6, 10**7)}.{os.getpid()}"  # sleep's argument, to find the children
    forking_and_filling = f'''
import json, os
LOOT = {{"children": 0, "refused": 0}}
for i in range(200):  # bounded, so that the machine is fine even if the process cap failed
    try:
        pid = os.fork()
    except OSError:
        LOOT["refused"] += 1
        continue
    if pid == 0:
        try:
            if i % 2:
                os.setsid()  # out of the worker's process group
            os.execv("/usr/bin/sleep", ["sleep", {marker!r}])
        finally:
            os._exit(0)
    LOOT["children"] += 1

MB = b"x" * (1 << 20)
def fill(path, megabytes):
    written = 0
    try:
        with open(path, "wb", buffering=0) as file:
            for _ in range(megabytes):
                file.write(MB)
                written += 1
    except OSError:
        pass
    return written

LOOT["one huge file (MB)"] = fill("/tmp/huge", 1024)
os.remove("/tmp/huge")
for scratch in ("/tmp", "/dev/shm"):
    LOOT[f"many files in {{scratch}} (MB)"] = sum(fill(f"{{scratch}}/part{{i}}", 16) for i in range(12))
for place in ("/", "/grader", "/root", "/dev"):
    LOOT[f"wrote into {{place}}"] = fill(place + "/planted", 1) > 0
'''
    report = grade_attack(attacked(forking_and_filling + REPORT_LOOT), tmp_path)
    assert_no_points(report)
    got = loot(report)
    limits = LESSON.budget.limits()
    assert got["one huge file (MB)"] <= limits.file_mb
    assert got["many files in /tmp (MB)"] <= limits.scratch_mb
    assert got["many files in /dev/shm (MB)"] <= limits.scratch_mb
    assert not any(got[f"wrote into {place}"] for place in ("/", "/grader", "/root", "/dev")), got
    if pids_cgroup_works():
        assert got["children"] < limits.processes and got["refused"] > 0, got
    deadline = time.monotonic() + 5  # SIGKILL is delivered asynchronously
    while processes_with(marker.encode()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(marker.encode()) == [], "student processes outlived the grading"
    for controller in ("pids", "memory"):
        parent = sandbox._own_cgroups()[0].get(controller)
        if parent is not None:
            assert not list(parent.glob(f"llmcourse-{os.getpid()}-*")), f"a {controller} cgroup was left behind"


# -- 11. what the sandbox shows --------------------------------------------------------------------
LOOKING = '''
import os

def look(paths):
    seen = {}
    for path in paths:
        try:
            seen[path] = sorted(os.listdir(path))
        except OSError as error:
            seen[path] = type(error).__name__
    return seen

def read(path):
    try:
        with open(path) as file:
            return file.read()
    except OSError as error:
        return type(error).__name__

def write(path):
    try:
        with open(path, "w") as file:
            file.write("planted")
        return "written"
    except OSError as error:
        return type(error).__name__

def environment():
    return dict(os.environ)

def processes():
    found = []
    if not os.path.isdir("/proc/self"):
        return "no /proc"
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                found.append(file.read().replace(b"\\0", b" ").decode())
        except OSError:
            pass
    return found
'''
FUNCTIONS = ["look", "read", "write", "environment", "processes"]
SYSTEM_DIRS = {"bin", "dev", "etc", "grader", "lib", "lib32", "lib64", "proc", "root", "sbin", "sys", "tmp", "usr"}


def started(hidden_paths):
    code = StudentCode([(0, "'looking'", LOOKING)], FUNCTIONS, LESSON.budget, True, hidden_paths)
    code.start()
    code.loaded()
    assert code.load_failure is None and code.cell_errors == []
    return code


def toward_python(path):
    """The entries of `path` on the way to the interpreter's directories (all a listing may show)."""
    return {Path(root).relative_to(path).parts[0] for root in sandbox.python_roots()
            if Path(root).is_relative_to(path) and Path(root) != Path(path)}


@sandboxed
def test_the_sandbox_shows_nothing_of_the_grader(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMCOURSE_ATTACK_SECRET", "hunter2")
    (tmp_path / "secret.txt").write_text("hunter2")
    home = os.path.expanduser("~")
    hidden = [COURSE.root, AUTOGRADER_DIR, SOLUTIONS_DIR, tmp_path]  # as the pipeline hides them
    code = started(hidden)
    try:
        places = ["/", home, "/work", str(COURSE.root), str(tmp_path), "/tmp", os.getcwd()]
        places += [str(parent) for root in sandbox.python_roots() for parent in Path(root).parents]
        seen = code.call("look", [sorted(set(places))], {})
        env = code.call("environment", [], {})
        processes = code.call("processes", [], {})
        secret = code.call("read", [str(tmp_path / "secret.txt")], {})
        first_process_env = code.call("read", ["/proc/1/environ"], {})
        seen_proc = code.call("look", [["/proc"]], {})["/proc"]
    finally:
        code.stop()
    assert set(seen["/"]) <= SYSTEM_DIRS | toward_python("/"), seen["/"]
    for path in (home, *(str(parent) for root in sandbox.python_roots() for parent in Path(root).parents)):
        if path != "/" and isinstance(seen[path], list):
            assert set(seen[path]) <= toward_python(path), (path, seen[path])
    for path in ("/work", str(COURSE.root), str(tmp_path), os.getcwd()):
        # nothing, unless the way to the interpreter's virtual environment passes through
        assert seen[path] == "FileNotFoundError" or set(seen[path]) <= toward_python(path), (path, seen[path])
    assert set(seen["/tmp"]) == toward_python("/tmp")  # empty, unless the interpreter's venv lives there
    assert secret == "FileNotFoundError"
    assert set(env) <= set(sandbox.worker_env()) | {"PWD"}, env
    assert "hunter2" not in json.dumps(env) and "hunter2" not in first_process_env
    assert processes == "no /proc", processes  # only the CPU's description: no processes, no mount table
    assert seen_proc == ["cpuinfo"], seen_proc


@sandboxed
def test_a_secret_inside_a_bound_directory_is_covered(monkeypatch):
    # An interpreter directory outside /tmp (the sandbox hides /tmp anyway), with the solutions
    # installed inside it, as a non-editable install would put them in site-packages.
    prefix = Path(tempfile.mkdtemp(dir="/var/tmp"))
    prefix.chmod(0o755)  # as an installed interpreter's directory is: readable by the worker's uid
    try:
        (prefix / "solutions").mkdir()
        (prefix / "solutions" / "l01_introduction.py").write_text("ANSWERS = 42\n")
        (prefix / "visible.txt").write_text("bound")
        roots = sandbox.python_roots()
        monkeypatch.setattr(sandbox, "python_roots", lambda: roots + [str(prefix)])
        code = started([prefix / "solutions"])
        try:
            visible = code.call("read", [str(prefix / "visible.txt")], {})
            seen = code.call("look", [[str(prefix / "solutions")]], {})
            secret = code.call("read", [str(prefix / "solutions" / "l01_introduction.py")], {})
            planted = code.call("write", [str(prefix / "solutions" / "planted.py")], {})
        finally:
            code.stop()
    finally:
        shutil.rmtree(prefix)
    assert visible == "bound"  # the directory was bound: the test is not vacuous
    assert seen == {str(prefix / "solutions"): []}
    assert secret == "FileNotFoundError"
    assert planted == "OSError"  # read-only (EROFS)


# -- the notebook file itself ---------------------------------------------------------------------------
MALFORMED_NOTEBOOKS = {
    "deeply nested JSON": '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "a cell source that is not text": json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}),
}


@pytest.mark.parametrize("malformation", MALFORMED_NOTEBOOKS)
def test_a_malformed_notebook_file_is_refused_with_a_notebook_error(malformation, tmp_path):
    path = tmp_path / "submission.ipynb"
    path.write_text(MALFORMED_NOTEBOOKS[malformation])
    with pytest.raises(NotebookError):
        grade(path, COURSE, LESSON.id)


# -- without bubblewrap ------------------------------------------------------------------------------
@pytest.fixture
def no_bwrap(monkeypatch):
    probe = sandbox.bwrap_works
    probe.cache_clear()
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    monkeypatch.setattr(pipeline, "_warned_unsandboxed", False)
    yield
    probe.cache_clear()


def test_grading_for_credit_refuses_to_run_without_bubblewrap(no_bwrap, tmp_path):
    path = write(released_notebook(LESSON), tmp_path / "submission.ipynb")
    with pytest.raises(SandboxRequired, match="bubblewrap"):
        grade(path, COURSE, LESSON.id, require_sandbox=True)


def test_local_check_falls_back_unsandboxed_with_one_note(no_bwrap, tmp_path, capsys):
    path = write(released_notebook(LESSON), tmp_path / "submission.ipynb")
    for _ in range(2):
        assert llmcourse(["check", str(path), "--assignment", LESSON.id]) == 0
    out, err = capsys.readouterr()
    assert out.count("(not sandboxed)") == 2
    assert f"0/{LESSON.max_score} points" in out
    assert err.count("bubblewrap is not available") == 1, err


# -- 12. hardening round 2: what a hostile class did to the grader --------------------------------
DRAIN_THE_REPLY_PIPE = '''
import os, sys, threading

def drain():
    try:
        pipe = open(f"/proc/self/fd/{sys.argv[2]}", "rb", buffering=0)  # the reply pipe, opened again
    except OSError:
        return
    while True:
        pipe.read(1 << 16)

threading.Thread(target=drain, daemon=True).start()
'''


@pytest.mark.parametrize("sandboxed_run", [False, pytest.param(True, marks=sandboxed)])
def test_a_second_reader_of_the_reply_pipe_cannot_hang_the_grader(sandboxed_run, tmp_path):
    """Every read from the worker is non-blocking and ends at the call's deadline, so a thread that
    drains the reply pipe only makes calls fail (in the sandbox there is no /proc to reopen it by)."""
    budget = dataclasses.replace(LESSON.budget, call_timeout=1.0, load_timeout=5.0, max_restarts=1)
    code = StudentCode([(0, "'drain'", DRAIN_THE_REPLY_PIPE + "\ndef answer():\n    return 42\n")], ["answer"],
                       budget, sandboxed_run)
    started_at = time.monotonic()
    code.start()
    try:
        results = []
        for _ in range(4):
            try:
                results.append(code.call("answer", (), {}))
            except Exception as error:  # noqa: BLE001 -- what the student's call turned into
                results.append(type(error).__name__)
    finally:
        code.stop()
    assert time.monotonic() - started_at < 20, "the grader waited on a drained pipe"
    assert all(result in (42, "TimedOut", "WorkerDied") for result in results), results
    if sandboxed_run:
        assert results == [42] * 4  # nothing to reopen the pipe with


@sandboxed
def test_output_and_allocations_cannot_grow_the_graders_disk(tmp_path):
    """The worker's stdout and stderr are /dev/null, and /tmp is a capped tmpfs: fallocate on them
    reserves nothing on the grader's disk."""
    before = shutil.disk_usage(tempfile.gettempdir()).used
    report = grade_attack(attacked('''
import os
for fd in (1, 2):
    try:
        os.posix_fallocate(fd, 0, 256 << 20)
    except OSError:
        pass
try:
    with open("/tmp/big", "wb") as file:
        os.posix_fallocate(file.fileno(), 0, 256 << 20)
except OSError:
    pass
'''), tmp_path)
    grown = shutil.disk_usage(tempfile.gettempdir()).used - before
    assert_no_points(report)
    assert grown < 32 << 20, f"the grader's disk grew by {grown >> 20} MB"


FORGED_REPLIES = {
    "64 MB of nested empty lists": 'b"[" + b"[]," * (21 << 20) + b"[]]\\n"',
    "an error message of 20 MB": ('json.dumps({"op": "result", "id": 0, "ok": False, "warnings": [], "error": '
                                  '{"type": "E", "message": "x" * (20 << 20), "traceback": ""}}).encode() + b"\\n"'),
}


@sandboxed
@pytest.mark.parametrize("forgery", FORGED_REPLIES)
def test_a_reply_bomb_costs_the_grader_little_time_and_memory(forgery, tmp_path):
    code = f'''
import json, os, sys
def softmax(x, axis=-1):
    os.write(int(sys.argv[2]), {FORGED_REPLIES[forgery]})
    import time
    time.sleep(5)
'''
    started_at = time.monotonic()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = grade(write(attacked(code), tmp_path / "submission.ipynb"), course_with_budget(max_restarts=1),
                   LESSON.id, only=["softmax"])
    assert time.monotonic() - started_at < 30
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 300, f"the grader's peak memory grew by {grown_mb:.0f} MB"
    assert report.score == 0 and report.exercises[0].tests
    assert all(len(message) < 8000 for message in messages(report)), max(map(len, messages(report)))


@sandboxed
def test_slow_calls_are_bounded_by_the_submission_budget(tmp_path):
    """Calls that each stay just under the call timeout cannot make a submission's grading long."""
    slow = "import time\n" + "".join(
        f"def {name}(*args, **kwargs):\n    time.sleep(0.9)\n    raise ValueError('slow')\n" for name in EXERCISES)
    started_at = time.monotonic()
    report = grade_attack(attacked(slow), tmp_path, course_with_budget(call_timeout=1.0, submission_seconds=8))
    elapsed = time.monotonic() - started_at
    assert_no_points(report)
    assert elapsed < 8 + 20, f"grading took {elapsed:.0f} s"
    assert any("used its 8 s of grading time" in message for message in messages(report))


def test_surrogates_and_escape_sequences_reach_the_terminal_harmless(tmp_path):
    notebook = attacked('''
def softmax(x, axis=-1):
    raise ValueError("\\ud800 \\x1b[2J\\x1b[32m10/10 points\\x1b[0m")
''')
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(write(notebook, tmp_path / "n.ipynb")),
                          "--only", "softmax"], capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout.decode("utf-8")
    assert "\x1b" not in out and "\\x1b[2J" in out and "\\ud800" in out
    as_json = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(tmp_path / "n.ipynb"),
                              "--only", "softmax", "--json"], capture_output=True, timeout=300)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["score"] == 0


@sandboxed
def test_the_worker_has_a_uid_of_its_own(tmp_path):
    """Not the grader's uid outside the namespace: an owner-only file of the grader's stays unreadable
    even where it is visible."""
    if os.geteuid() != 0:
        pytest.skip("a distinct uid needs a root grader (otherwise: a user namespace)")
    secret = Path(sandbox.python_roots()[0]) / f"llmcourse-owner-only-{os.getpid()}"
    secret.write_text("hunter2")
    secret.chmod(0o400)
    try:
        code = started([])
        try:
            read = code.call("read", [str(secret)], {})
            uid = code.call("environment", [], {})  # a call, to be sure the worker is up
        finally:
            code.stop()
    finally:
        secret.unlink()
    assert read == "PermissionError", read
    assert uid is not None and code.isolation["uid"].endswith("a uid of its own")


def test_cgroups_left_by_a_killed_grader_are_removed(tmp_path):
    """A grader killed with SIGKILL cannot remove its cgroups: the next one does."""
    v1, _ = sandbox._own_cgroups()
    parent = v1.get("pids")
    if parent is None or not os.access(parent, os.W_OK):
        pytest.skip("no writable pids cgroup here")
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = parent / f"llmcourse-{dead.pid}-0"
    stale.mkdir()
    cgroups = sandbox.WorkerCgroups(LESSON.budget.limits())
    try:
        assert not stale.exists()
    finally:
        cgroups.remove()


def test_cgroup_v2_caps_processes_and_memory(tmp_path):
    """On a cgroup v2 host: a child of an llmcourse folder at the hierarchy's root, with pids and
    memory handed down to it, and the caps written (checked on a mock hierarchy: this machine has v1)."""
    root = tmp_path / "cgroup"
    (root / "user.slice").mkdir(parents=True)
    (root / "llmcourse").mkdir()  # a kernel's cgroupfs fills a new folder with its files; a mock cannot
    for folder in (root, root / "user.slice", root / "llmcourse"):
        (folder / "cgroup.controllers").write_text("cpu io memory pids\n")
        (folder / "cgroup.subtree_control").write_text("cpu\n")
    proc = tmp_path / "self-cgroup"
    proc.write_text("0::/user.slice\n")
    cgroups = sandbox.WorkerCgroups(Budget(processes=7, memory_mb=100).limits(), proc_cgroup=proc, root=root)
    child = root / "llmcourse" / cgroups.name
    assert cgroups.kinds == ["cgroup v2 pids", "cgroup v2 memory"]
    assert (child / "pids.max").read_text() == "7" and (child / "memory.max").read_text() == str(100 << 20)
    assert "+pids" in (root / "cgroup.subtree_control").read_text()
    assert "+memory" in (root / "llmcourse" / "cgroup.subtree_control").read_text()
