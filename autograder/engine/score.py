"""Run a lesson's hidden suite against the student's code and turn outcomes into points.

pytest runs in this (trusted) process with a plugin that provides the `student` and `ref`
fixtures, deselects exercises that were not asked for, and records for every test whether it
passed and, if not, feedback built from what the student's code did. Hypothesis runs under one
explicit profile, so a regrade gives the same score on any machine, with or without CI set.
"""

import contextlib
import functools
import importlib
import inspect
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.errors import Flaky
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants

from .call import Student, StudentFailure
from .compare import Mismatch
from .replay import PLANS, Property, key, record, replay, replay_property
from .report import TestResult

PROFILE = "llmcourse-grading"
# Only what grading needs: no installed plugins (PYTEST_DISABLE_PLUGIN_AUTOLOAD below), no output,
# no cache, no assertion rewriting (suites compare with autograder.compare, not bare asserts).
PYTEST_ARGS = ["-s", "--assert=plain", "--import-mode=importlib", "-p", "no:cacheprovider", "-p", "no:terminal",
               "-p", "no:warnings", "-p", "no:unraisableexception", "-p", "no:threadexception"]
SUITES_INI = "pytest.ini"


def grading_settings(budget):
    return settings(
        max_examples=budget.max_examples, derandomize=True, database=None, deadline=None,
        report_multiple_bugs=False, print_blob=False, verbosity=Verbosity.normal,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck))


MAX_MESSAGE_CHARS = 4000  # one failed property's feedback; a report holds a few dozen at most
SHOWN_CALLS = 3  # the last calls of the failing example that feedback shows


def describe_value(value):
    """A value as the student should read it in a call: small arrays whole, large ones by shape,
    dtype and first values; a callable of the grader's with what it answered."""
    if isinstance(value, np.ndarray):
        if value.size <= 60:  # on one line: the call reads as code
            return re.sub(r"\n\s*", " ", repr(value))
        with np.printoptions(threshold=8, edgeitems=2, precision=4):
            shown = re.sub(r"\n\s*", " ", np.array2string(value, separator=", "))
        return f"<array of shape {value.shape}, dtype {value.dtype}: {shown}>"
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "...>"


def describe_call(record, ref):
    """`softmax(x=array([[710.]]), axis=0)`: argument names from the reference's signature."""
    arguments = [describe_value(value) for value in record.args]
    function = None if record.method else getattr(ref, record.name, None)
    if function is not None:
        try:
            bound = inspect.signature(function).bind_partial(*record.args, **record.kwargs)
            arguments = [f"{name}={describe_value(value)}" for name, value in bound.arguments.items()]
        except (TypeError, ValueError):
            arguments += [f"{name}={describe_value(value)}" for name, value in record.kwargs.items()]
    else:
        arguments += [f"{name}={describe_value(value)}" for name, value in record.kwargs.items()]
    text = f"{record.name}({', '.join(arguments)})"
    answers = [f"{describe_value(list(args) if len(args) != 1 else args[0])} -> {describe_value(result)}"
               for _, args, result in record.answers[:4]]
    if answers:
        more = f" (and {len(record.answers) - 4} more)" if len(record.answers) > 4 else ""
        text += "\n      where the function you were given answered " + "; ".join(answers) + more
    return text


def describe_calls(log, ref):
    if not log:
        return None
    shown = log[-SHOWN_CALLS:]
    if len(shown) == 1:
        return "Failing call: " + describe_call(shown[0], ref)
    earlier = f" (and {len(log) - len(shown)} earlier)" if len(log) > len(shown) else ""
    return (f"Calls in the failing example{earlier}, the last one failing:\n"
            + "\n".join("  " + describe_call(record, ref) for record in shown))


def feedback(test_function, error, log, ref):
    """What the student reads about a failed test: the property, the failing call, what went wrong.
    Never the suite's source or traceback."""
    doc = " ".join((test_function.__doc__ or "").strip().split("\n\n")[0].split())
    parts = [doc or "A hidden property did not hold."]
    calls = describe_calls(log, ref)
    if calls:
        parts.append(calls)
    cause = error
    while cause is not None and not isinstance(cause, (Mismatch, StudentFailure)):
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, Flaky) and cause is None:
        parts.append("Your function gave different results for the same input; it must be deterministic.")
    elif cause is None and isinstance(error, AssertionError):
        parts.append("Your result did not have this property.")
    elif cause is None:  # the suite could not handle what came back (or hypothesis itself failed)
        parts.append(f"The grader could not check your result ({type(error).__name__}: {error}).")
    else:
        parts.append(str(cause))
        if getattr(cause, "traceback_text", ""):
            parts.append("Traceback (your code):\n" + cause.traceback_text)
        if getattr(cause, "hint", None):
            parts.append(f"Hint: {cause.hint}")
    message = "\n".join(parts)
    return message if len(message) <= MAX_MESSAGE_CHARS else message[:MAX_MESSAGE_CHARS] + "\n... (cut)"


def graded_info(item):
    """(exercise, points) of a collected test: the exercise is its file's (test_<exercise>.py), the
    points its @graded mark's; None for a test that is not marked."""
    points = getattr(getattr(item, "function", None), "llmcourse_points", None)
    return None if points is None else (Path(str(item.fspath)).stem.removeprefix("test_"), points)


def stand_ins(lesson, reference):
    """The reference's graded functions, which answer for the student's while another exercise is
    graded (classes excepted: objects do not cross the boundary)."""
    return {e.name: getattr(reference, e.name) for e in lesson.exercises
            if inspect.isfunction(getattr(reference, e.name, None))}


class GradingPlugin:
    def __init__(self, lesson, code, only=None, record=False, replayable=None):
        self.lesson = lesson
        self.code = code
        self.only = set(only) if only else None
        self.results = []
        self.problems = []
        self.reference = importlib.import_module(lesson.solutions)
        self.depends = {}  # exercise -> the other graded functions its code called
        self.record = record  # note each property's examples, to replay them (replay.py)
        self.plan = []  # the Properties that passed, with their examples
        self.recording = None
        # {key: Property} of the properties to replay rather than run under Hypothesis (replay.py)
        self.replayable = replayable or {}
        self.replaying = None  # the Property of the current test, when it is replayed
        self.diverged = False  # a replay failed here: the grading must run in full

    @pytest.fixture(scope="session")
    def student(self):
        return Student(self.code)

    @pytest.fixture(scope="session")
    def ref(self):
        return self.reference

    def pytest_collection_modifyitems(self, config, items):
        keep, drop = [], []
        for item in items:
            info = graded_info(item)
            if info is None:
                self.problems.append(f"{item.nodeid} is not marked @graded")
                drop.append(item)
            elif self.only is None or info[0] in self.only:
                keep.append(item)
            else:
                drop.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep

    def pytest_collectreport(self, report):
        if report.failed:
            self.problems.append(f"suite file {report.nodeid} failed to import")

    def pytest_runtest_setup(self, item):
        exercise = graded_info(item)[0]
        # While `exercise` is graded, the notebook's other graded functions answer from the reference,
        # so that a mistake in one of them costs this exercise nothing.
        self.code.substitutes = {name: function for name, function in stand_ins(self.lesson, self.reference).items()
                                 if name != exercise}
        self.code.substituted = set()
        self.code.begin_example()
        hypothesis = getattr(item.obj, "hypothesis", None)
        test = hypothesis.inner_test if hypothesis is not None else item.obj
        name = item.name.removeprefix("test_")
        self.replaying = self.replayable.get((exercise, name))
        if self.replaying is not None:  # recorded already: pytest_pyfunc_call replays it
            self.recording = self.replaying
        elif self.record:
            self.recording = Property(name, exercise, graded_info(item)[1], getattr(test, "__wrapped__", test))
        else:
            self.recording = None
        if hypothesis is not None:
            hypothesis.inner_test = self.each_example(hypothesis.inner_test)
        elif self.recording is not None and self.replaying is None:
            self.recording.examples.append(({}, None))
        # Not worth running hypothesis against a stub or a missing function: say so at once.
        self.code.require(exercise)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        """A property that passed its replay before this worker started is replayed again here, in
        its place among the others, instead of run under Hypothesis: the same calls."""
        if self.replaying is None:
            return None
        if not replay_property(self.replaying, self.code, pyfuncitem.funcargs):
            self.diverged = True
            raise ReplayDiverged()
        return True

    def each_example(self, test):
        """The property, forgetting the calls of the previous example before each one (so feedback
        shows the calls of the failing example). functools.wraps keeps Hypothesis' derandomised seed,
        which it derives from the test's source and signature."""
        if getattr(test, "llmcourse_each_example", False):
            return test

        @functools.wraps(test)
        def example(*args, **kwargs):
            self.code.begin_example()
            if self.recording is None:
                return test(*args, **kwargs)
            kwargs = record(self.recording, kwargs)
            try:
                return test(*args, **kwargs)
            except BaseException:
                # Hypothesis stopped this example (it ran out of choices, or an assumption failed),
                # or the property failed (then nothing is kept): not an example to replay.
                self.recording.examples.pop()
                raise
        example.llmcourse_each_example = True
        return example

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and report.failed):
            exercise, points = graded_info(item)
            passed = report.passed
            message = "" if passed else feedback(item.function, call.excinfo.value,
                                                 self.code.log if report.when == "call" else [], self.reference)
            for used in self.code.substituted:
                self.depends.setdefault(used, set()).add(exercise)
            if self.recording is not None and passed and report.when == "call":
                self.plan.append(self.recording)
            self.results.append(TestResult(name=item.name.removeprefix("test_"), exercise=exercise,
                                           passed=passed, score=points if passed else 0,
                                           max_score=points, message=message))


@contextlib.contextmanager
def only_hypothesis_constants():
    """Hypothesis (since 6.131) also draws constants found in the source of "local" modules, those
    loaded from outside site-packages. Which modules those are depends on the install (editable or
    not) and on what the process happened to import, so the examples, and the feedback, would differ
    between `check`, `autograde` and a fresh install. Grading draws from Hypothesis' own constants
    only. (An internal of the pinned Hypothesis; tests/test_reproducible.py fails if it moves.)"""
    saved = providers._get_local_constants
    providers._get_local_constants = Constants
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = saved
        providers.CONSTANTS_CACHE.cache.clear()


class SuiteError(RuntimeError):
    """The hidden suite itself is broken (a course bug, not the student's)."""


class ReplayDiverged(Exception):
    """A property failed on examples it passed in the same submission's earlier worker."""


def run_suite(lesson, code, only=None, fingerprint=None):
    """Run the lesson's hidden suite; returns (the TestResults, {exercise: the exercises whose code
    called it while they were graded}). With the grading's `fingerprint`, a suite that passed
    before in this process is first replayed (replay.py); if a property fails, the suite runs
    again in a fresh worker, replaying the properties that passed and running the others in full."""
    plan_key = (fingerprint, tuple(sorted(only)) if only else None)
    replayable = {}
    if fingerprint is not None and plan_key in PLANS:
        reference = importlib.import_module(lesson.solutions)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            outcome, passed = replay(PLANS[plan_key], code, Student(code), reference, stand_ins(lesson, reference))
        if outcome is not None:
            return outcome
        replayable = {key(prop): prop for prop in PLANS[plan_key] if key(prop) in passed}
        code.start_afresh()  # what follows sees what a cold grading would
    plugin = _run_pytest(lesson, code, only, fingerprint is not None, replayable)
    if plugin.diverged:
        code.start_afresh()
        plugin = _run_pytest(lesson, code, only, fingerprint is not None, {})
    if fingerprint is not None and all(result.passed for result in plugin.results):
        PLANS[plan_key] = plugin.plan
    return plugin.results, plugin.depends


def _run_pytest(lesson, code, only, record, replayable):
    plugin = GradingPlugin(lesson, code, only, record, replayable)
    previous = settings.get_current_profile_name()
    settings.register_profile(PROFILE, grading_settings(lesson.budget))
    settings.load_profile(PROFILE)
    suite_dir = str(lesson.suite_dir)
    autoload = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        # Reference values and known-mistake hints are computed on edge cases on purpose (overflow,
        # NaN): their warnings are expected and would only clutter the student's terminal.
        with warnings.catch_warnings(), np.errstate(all="ignore"), only_hypothesis_constants():
            warnings.simplefilter("ignore")
            exit_code = pytest.main(PYTEST_ARGS + ["-c", str(lesson.suite_dir.parent / SUITES_INI),
                                                   "--rootdir", suite_dir, suite_dir], plugins=[plugin])
    finally:
        if autoload is None:
            del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = autoload
        settings.load_profile(previous)
        # Tests capture the default settings when imported: import them afresh next time.
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(suite_dir):
                del sys.modules[name]
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        plugin.problems.append(f"pytest ended with {exit_code!r}")
    if plugin.problems:
        raise SuiteError(f"hidden suite of {lesson.id} is broken: " + "; ".join(plugin.problems))
    return plugin
