"""Replaying a suite's examples: the warm path of a long-running grader.

Grading is derandomised: as long as every example of a property passes, Hypothesis generates the
same inputs for every student (they depend on the suite, its settings and the library versions,
all in the grading fingerprint, never on what the student's code returns). So after a property
has passed once in this process, its examples are recorded, and a later grading under the same
fingerprint calls the property on them again directly, without pytest or Hypothesis: the same
calls, in the same order, as a full run makes. If every property passes, that is the report a
full run would give. Otherwise the submission is graded again in a fresh worker, where the
properties that passed are replayed and only the others run under Hypothesis (score.py), so a
failure's feedback (shrinking included) is exactly what a cold grading gives; should a replay
fail there (code that keeps state between calls can), everything runs in full, afresh.
"""

import copy
import inspect

from .report import TestResult

FIXTURES = ("student", "ref")
PLANS = {}  # (fingerprint, only) -> [Property] of a whole suite, in the order pytest ran them


class Property:
    """One graded property, with the examples it passed on."""

    def __init__(self, name, exercise, points, function):
        self.name, self.exercise, self.points, self.function = name, exercise, points, function
        self.examples = []  # (kwargs, draws), each a deep copy of what Hypothesis passed
        self.fixtures = [name for name in FIXTURES if name in inspect.signature(function).parameters]


class RecordingData:
    """Hypothesis' `data` argument, noting each draw (the strategy's repr and the value)."""

    def __init__(self, data, draws):
        self.data, self.draws = data, draws

    def draw(self, strategy, label=None):
        value = self.data.draw(strategy, label=label)
        self.draws.append((repr(strategy), copy.deepcopy(value)))
        return value


class ReplayData:
    """The `data` argument on replay: the recorded draws, in order, of the same strategies."""

    def __init__(self, draws):
        self.draws = list(draws)

    def draw(self, strategy, label=None):
        if not self.draws or self.draws[0][0] != repr(strategy):
            raise ReplayMismatch()
        return copy.deepcopy(self.draws.pop(0)[1])


class ReplayMismatch(Exception):
    pass


def record(prop, kwargs):
    """Note one example's arguments; returns the arguments to call the property with."""
    kept = {k: copy.deepcopy(v) for k, v in kwargs.items() if k not in FIXTURES and k != "data"}
    draws = []
    prop.examples.append((kept, draws if "data" in kwargs else None))
    if "data" in kwargs:
        kwargs = dict(kwargs, data=RecordingData(kwargs["data"], draws))
    return kwargs


def key(prop):
    return prop.exercise, prop.name


def replay_property(prop, code, fixtures):
    """Call the property on each of its recorded examples; whether every one passed."""
    for kwargs, draws in prop.examples:
        code.begin_example()
        arguments = {**{name: fixtures[name] for name in prop.fixtures}, **copy.deepcopy(kwargs)}
        if draws is not None:
            arguments["data"] = ReplayData(draws)
        try:
            prop.function(**arguments)
        except Exception:  # noqa: BLE001 -- any failure: the full run reports it
            return False
    return True


def replay(plan, code, student, ref, stand_ins):
    """Replay every property of `plan`: ((results, depends), passed) if all pass, else (None,
    passed), `passed` the keys of the properties that did. After a failure that stopped the worker
    (a timeout, a crash), the rest are not tried: they run in full, with the failing one."""
    results, depends, passed = [], {}, set()
    for prop in plan:
        if code.status(prop.exercise) != "ok":
            continue
        code.substitutes = {name: function for name, function in stand_ins.items() if name != prop.exercise}
        code.substituted = set()
        if not replay_property(prop, code, {"student": student, "ref": ref}):
            if code.worker is None:
                break
            continue
        passed.add(key(prop))
        for used in code.substituted:
            depends.setdefault(used, set()).add(prop.exercise)
        results.append(TestResult(name=prop.name, exercise=prop.exercise, passed=True, score=prop.points,
                                  max_score=prop.points, message=""))
    return ((results, depends) if len(passed) == len(plan) else None), passed
