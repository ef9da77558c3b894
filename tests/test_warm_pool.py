"""Warm sandboxes: workers started ahead of need and handed out once each. What one submission did
(globals, files in /tmp, the environment, patched modules) cannot reach the next one."""

import pytest

from autograder.authoring.build import build_notebook
from autograder.engine import sandbox
from autograder.engine.pool import WarmWorkers
from support import COURSE, code_cell, grade_notebook

LESSON = COURSE.lesson("01-introduction")

LEAVE_TRACES = '''
import os, sys, builtins
import numpy
open("/tmp/left-by-the-last-student", "w").write("x")
os.environ["LEFT_BY_THE_LAST_STUDENT"] = "1"
builtins.LEFT_BY_THE_LAST_STUDENT = True
numpy.LEFT_BY_THE_LAST_STUDENT = True
sys.modules["left_by_the_last_student"] = sys
numpy.exp = lambda x: x  # would break every later softmax
'''

LOOK_FOR_TRACES = '''
import os, sys, builtins
import numpy
TRACES = [os.path.exists("/tmp/left-by-the-last-student"), "LEFT_BY_THE_LAST_STUDENT" in os.environ,
          hasattr(builtins, "LEFT_BY_THE_LAST_STUDENT"), hasattr(numpy, "LEFT_BY_THE_LAST_STUDENT"),
          "left_by_the_last_student" in sys.modules]
if any(TRACES):
    def softmax(x, axis=-1):
        raise RuntimeError(f"traces of the last submission: {TRACES}")
'''


@pytest.mark.skipif(not sandbox.bwrap_works(), reason="needs bubblewrap")
def test_nothing_a_submission_did_reaches_the_next_one(tmp_path):
    workers = WarmWorkers(spare=1)
    try:
        workers.prepare(LESSON.budget.limits(), True, [], LESSON.uses)
        first = build_notebook(LESSON)
        first["cells"].append(code_cell(LEAVE_TRACES))
        tainted = grade_notebook(LESSON, first, tmp_path / "a", workers=workers)
        second = build_notebook(LESSON)
        second["cells"].append(code_cell(LOOK_FOR_TRACES))
        clean = grade_notebook(LESSON, second, tmp_path / "b", workers=workers)
    finally:
        workers.close()
    assert tainted.score < tainted.max_score  # the traces were left (numpy.exp broken there)
    failures = [t.message for e in clean.exercises for t in e.tests if not t.passed]
    assert clean.score == clean.max_score, failures
    # Each grading took at least one worker (a replayed suite takes a fresh one at its first failing
    # example), and each was handed out once: a spare was always waiting beyond them.
    assert workers.handed_out >= 2 and workers.started > workers.handed_out


@pytest.mark.skipif(not sandbox.bwrap_works(), reason="needs bubblewrap")
def test_a_spare_started_for_a_take_outlives_the_thread_that_took():
    """A worker dies with the thread that started it: spares must come from the pool's own thread."""
    import threading
    import time

    workers = WarmWorkers(spare=1)
    limits = LESSON.budget.limits()
    try:
        taker = threading.Thread(target=lambda: workers.take(limits, True, [], LESSON.uses).kill())
        taker.start()
        taker.join()
        deadline = time.monotonic() + 30
        while not any(workers.ready.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        spares = [worker for queue in workers.ready.values() for worker in queue]
        assert len(spares) == 1 and spares[0].alive()
    finally:
        workers.close()
