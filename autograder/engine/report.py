"""The last stage: a grading's result as a table with feedback, or as one JSON object."""

import dataclasses
import json
import re
import textwrap


@dataclasses.dataclass
class TestResult:
    """One graded property: passed or not, its points, and the feedback when it failed."""
    name: str
    exercise: str
    passed: bool
    score: int
    max_score: int
    message: str


@dataclasses.dataclass
class ExerciseResult:
    name: str
    score: int
    max_score: int
    tests: list


@dataclasses.dataclass
class Report:
    assignment: str
    sandboxed: bool
    exercises: list
    load_problem: str = None
    cell_errors: list = dataclasses.field(default_factory=list)
    isolation: dict = dataclasses.field(default_factory=dict)  # which walls the worker had (sandbox.isolation)
    grading: dict = dataclasses.field(default_factory=dict)  # the grading fingerprint and library versions

    @property
    def score(self):
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self):
        return sum(e.max_score for e in self.exercises)

    def to_json(self):
        return {
            "assignment": self.assignment, "score": self.score, "max_score": self.max_score,
            "sandboxed": self.sandboxed, "isolation": self.isolation, "grading": self.grading,
            "exercises": [{"name": e.name, "score": e.score, "max_score": e.max_score,
                           "tests": [{"name": t.name, "passed": t.passed, "score": t.score,
                                      "max_score": t.max_score, "message": t.message} for t in e.tests]}
                          for e in self.exercises],
        }


    @classmethod
    def from_json(cls, data):
        """The Report that `to_json` described."""
        exercises = [ExerciseResult(e["name"], e["score"], e["max_score"],
                                    [TestResult(exercise=e["name"], **test) for test in e["tests"]])
                     for e in data["exercises"]]
        return cls(data["assignment"], data["sandboxed"], exercises, isolation=data.get("isolation", {}),
                   grading=data.get("grading", {}))


def render_json(report):
    return json.dumps(report.to_json(), indent=2)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def terminal_safe(text):
    """Text a student's code could have written, made harmless on a terminal: escape sequences and
    other control characters shown as \\x1b and the like (they could fake a score or clear the
    screen), lone surrogates (which no encoding can write) as \\ud800."""
    return CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def render_table(report):
    width = max([len(e.name) for e in report.exercises] + [8])
    walls = report.isolation
    lines = [f"{report.assignment}: {report.score}/{report.max_score} points"
             + ("" if report.sandboxed else "  (not sandboxed)")]
    if walls:
        lines.append(f"(sandbox: {walls['sandbox']}; worker uid: {walls['uid']}; processes: {walls['processes']}; "
                     f"memory: {walls['memory']})")
    lines.append("")
    lines.append(f"  {'exercise':<{width}}  points  result")
    for exercise in report.exercises:
        failed = [t for t in exercise.tests if not t.passed]
        verdict = "passed" if not failed else f"{len(failed)} of {len(exercise.tests)} checks failed"
        lines.append(f"  {exercise.name:<{width}}  {exercise.score:>2}/{exercise.max_score:<3}  {verdict}")
    if report.load_problem:
        lines += ["", f"Your notebook could not be run: {report.load_problem}"]
    for error in report.cell_errors:
        lines += ["", f"The cell starting {error['label']} raised {error['type']}: {error['message']}"]
    for exercise in report.exercises:
        for test in exercise.tests:
            if not test.passed:
                lines += ["", f"✗ {exercise.name} / {test.name}", textwrap.indent(test.message, "    ")]
    return terminal_safe("\n".join(lines))
