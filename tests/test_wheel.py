"""A self-learner may install the course as a wheel (`pip install <repository>`, not editable): the
wheel must carry course.yml, the assignments and their data, and grade from wherever it is run."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.classroom.demo import ada, work_on
from autograder.engine.sandbox import bwrap_works
from support import COURSE

ROOT = Path(__file__).resolve().parent.parent
NOT_SHIPPED = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", "artifacts", "results")
LESSON = COURSE.lesson("03-word-embeddings")  # it reads a corpus beside the notebook


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh virtual environment with the course's wheel installed; the dependencies come from the
    environment running the tests."""
    base = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, base / "source", ignore=NOT_SHIPPED)  # building writes into the tree
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(base / "dist"), str(base / "source")], check=True, capture_output=True)
    wheel, = (base / "dist").glob("llmcourse-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages, = (venv / "lib").glob("python3*/site-packages")
    # The dependencies: this environment's site-packages, as a plain path. (`venv
    # --system-site-packages` run from inside a virtual environment would give the base
    # interpreter's instead.) Only the directory is added, not its .pth files, so an editable
    # install of the course there stays out of sight.
    (site_packages / "dependencies.pth").write_text(
        "\n".join(sorted({path for path in sys.path if path.endswith("site-packages")})) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "--force-reinstall", str(wheel)], check=True, capture_output=True)
    return venv


def environment(venv, home):
    """Only the venv on PATH, no PYTHONPATH: what a learner's shell would have."""
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home)}


def run(venv, *args, cwd):
    result = subprocess.run([str(venv / "bin" / "llmcourse"), *args], cwd=cwd, capture_output=True, text=True,
                            timeout=300, env=environment(venv, cwd))
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_the_wheel_grades_a_lesson_with_its_data_from_anywhere(venv, tmp_path):
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import autograder; print(autograder.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path, env=environment(venv, tmp_path)).stdout
    assert where.startswith(str(venv)), f"the test must use the installed wheel, not {where}"

    run(venv, "notebook", LESSON.id, "-o", "mine.ipynb", cwd=tmp_path)
    assert (tmp_path / "corpus.txt").is_file()
    stub = json.loads(run(venv, "check", "mine.ipynb", "--json", cwd=tmp_path).stdout)
    assert stub["assignment"] == LESSON.id and stub["score"] == 0

    work_on(tmp_path / "mine.ipynb", LESSON, ada)
    done = json.loads(run(venv, "check", "mine.ipynb", "--json", cwd=tmp_path).stdout)
    assert done["score"] == done["max_score"] == LESSON.max_score, done


@pytest.mark.skipif(not bwrap_works(), reason="needs bubblewrap")
def test_the_sandbox_hides_the_solutions_and_course_the_wheel_installed(venv, tmp_path):
    """Installed, the reference solutions and suites lie inside site-packages, which the worker sees."""
    site_packages, = (venv / "lib").glob("python3*/site-packages")
    secrets = [site_packages / "solutions" / "l03_word_embeddings.py", site_packages / "llmcourse_course" / "course.yml",
               site_packages / "autograder" / "lessons" / LESSON.package / "test_sigmoid.py"]
    assert all(path.is_file() for path in secrets)
    run(venv, "notebook", LESSON.id, "-o", "mine.ipynb", cwd=tmp_path)
    mine = tmp_path / "mine.ipynb"
    notebook = ada(LESSON, json.loads(mine.read_text(encoding="utf-8")))
    # Appended last, so that what it sees decides the graded sigmoid.
    peek = (f"import os\nif any(os.path.exists(p) for p in {[str(p) for p in secrets]!r}):\n"
            "    def sigmoid(x):\n        raise RuntimeError('SEEN')\n")
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                              "source": peek})
    mine.write_text(json.dumps(notebook), encoding="utf-8")
    result = json.loads(run(venv, "check", "mine.ipynb", "--json", cwd=tmp_path).stdout)
    assert "SEEN" not in json.dumps(result) and result["score"] == LESSON.max_score, result
