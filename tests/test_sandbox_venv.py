"""Students and instructors often run the course from a virtual environment: its packages must be
visible to the sandboxed worker, wherever the environment lives (here under /tmp, which the sandbox
replaces with a private tmpfs)."""

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from autograder.engine import sandbox

GRADE_IN_VENV = """
import json
from autograder.engine.call import StudentCode
from autograder.engine.course import Budget
code = StudentCode([(0, "'import'", "import venv_only_module\\ndef answer():\\n    return venv_only_module.VALUE")],
                   ["answer"], Budget(), sandboxed=True, uses=("venv_only_module.py",))
code.start()
try:
    print(json.dumps({"status": code.status("answer"), "answer": code.call("answer", (), {})}))
finally:
    code.stop()
"""


@pytest.mark.skipif(not sandbox.bwrap_works(), reason="needs bubblewrap")
def test_packages_of_a_virtual_environment_under_tmp_reach_the_worker(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (purelib / "venv_only_module.py").write_text("VALUE = 42\n", encoding="utf-8")
    run = subprocess.run([str(venv / "bin" / "python"), "-c", GRADE_IN_VENV], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == {"status": "ok", "answer": 42}
