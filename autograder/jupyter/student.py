"""The student install of a class: JupyterLab with the Check button pointed at the class's check
service, nbgrader's Assignment List to fetch and submit, and nothing of the course's grading: no
hidden suites, no reference solutions, no source notebooks, no grading engine.

`python -m autograder.jupyter.student -o DIR` writes it as a wheel, `llmcourse_student-*.whl`, built
from this installation; students `pip install` it and set the one setting (README). The wheel is
written here file by file rather than by a build backend: it takes a handful of the course's files,
and listing them is what proves nothing else is in it.

It also leaves out the instructor's side of nbgrader: the formgrader and "Create Assignment" panels,
and the formgrader's server extension (STUDENT_CONFIG; `configure` does the same for an existing
environment).
"""

import argparse
import base64
import csv
import hashlib
import importlib.metadata
import io
import json
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

PACKAGE = Path(__file__).resolve().parent
NAME = "llmcourse_student"
# The course's files a student install needs: the Check button's server side and its prebuilt frontend.
MODULES = ("autograder/__init__.py", "autograder/jupyter/__init__.py", "autograder/jupyter/extension.py")
# What students need besides those: JupyterLab, nbgrader's student side, and what the notebooks import.
NOT_FOR_STUDENTS = {"pytest", "hypothesis", "starlette", "uvicorn", "httpx"}

NO_FORMGRADER = {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}
NO_INSTRUCTOR_PANELS = {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True,
                                               "@jupyter/nbgrader:create-assignment": True}}
# In the install's own config folder, beside nbgrader's nbgrader.json: config.d files load in name order,
# so this one, loaded after it, wins.
STUDENT_CONFIG = {"jupyter_server_config.d/nbgrader_student.json": NO_FORMGRADER,
                  "labconfig/page_config.json": NO_INSTRUCTOR_PANELS}


def configure(config_dir):
    """Leave the instructor's panels out of an existing environment, through one of its Jupyter
    config folders (a student's JUPYTER_CONFIG_DIR, say). There the server side goes in
    jupyter_server_config.json: any config.d file of the environment's own folder, nbgrader's
    included, would outrank a config.d file of a user's folder."""
    for relative, content in (("jupyter_server_config.json", NO_FORMGRADER),
                              ("labconfig/page_config.json", NO_INSTRUCTOR_PANELS)):
        path = Path(config_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        path.write_text(json.dumps(_merged(existing, content), indent=2), encoding="utf-8")


def _merged(base, update):
    merged = dict(base)
    for key, value in update.items():
        merged[key] = _merged(merged.get(key, {}), value) if isinstance(value, dict) else value
    return merged


def wheel_files():
    """{path in the wheel: bytes}, without the .dist-info."""
    version = importlib.metadata.version("llmcourse")
    data = f"{NAME}-{version}.data/data"
    files = {relative: (PACKAGE.parent.parent / relative).read_bytes() for relative in MODULES}
    labextension = PACKAGE / "labextension"
    for path in sorted(p for p in labextension.rglob("*") if p.is_file()):
        relative = path.relative_to(labextension).as_posix()
        files[f"autograder/jupyter/labextension/{relative}"] = path.read_bytes()
        files[f"{data}/share/jupyter/labextensions/@llmcourse/check/{relative}"] = path.read_bytes()
    server_config = PACKAGE / "etc" / "jupyter_server_config.d" / "llmcourse.json"
    files[f"{data}/etc/jupyter/jupyter_server_config.d/llmcourse.json"] = server_config.read_bytes()
    for relative, content in STUDENT_CONFIG.items():
        files[f"{data}/etc/jupyter/{relative}"] = json.dumps(content, indent=2).encode("utf-8")
    return files


def metadata():
    version = importlib.metadata.version("llmcourse")
    requirements = [requirement for requirement in importlib.metadata.requires("llmcourse") or ()
                    if Requirement(requirement).marker is None
                    and Requirement(requirement).name.lower() not in NOT_FOR_STUDENTS]
    lines = ["Metadata-Version: 2.1", f"Name: {NAME.replace('_', '-')}", f"Version: {version}",
             "Summary: How Transformer LLMs Work, for students: JupyterLab with the Check button, for a class's "
             "check service", "Requires-Python: >=3.11", *(f"Requires-Dist: {r}" for r in requirements)]
    return "\n".join(lines) + "\n"


def build_wheel(out_dir):
    """Write the student wheel into `out_dir`; returns its path."""
    version = importlib.metadata.version("llmcourse")
    info = f"{NAME}-{version}.dist-info"
    files = wheel_files()
    files[f"{info}/METADATA"] = metadata().encode("utf-8")
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: llmcourse\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/top_level.txt"] = b"autograder\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode("ascii")
        writer.writerow([path, f"sha256={digest}", len(content)])
    writer.writerow([f"{info}/RECORD", "", ""])
    files[f"{info}/RECORD"] = record.getvalue().encode("utf-8")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    wheel = Path(out_dir) / f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return wheel


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="write the student install of the course as a wheel")
    parser.add_argument("-o", "--output", default="dist", help="folder to write the wheel into (default: dist)")
    print(f"wrote {build_wheel(parser.parse_args().output)}")
