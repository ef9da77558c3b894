"""What a grade depends on besides the submission: the lesson's hidden suite and reference, the
engine code that runs and compares them, and the versions of the libraries that generate and check
examples. Every report records it; a submission graded under another fingerprint is graded again.
"""

import ast
import functools
import hashlib
import importlib.metadata
import platform
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent
# The engine files whose change can change a grade or its feedback (not the CLI, not the classroom).
ENGINE_FILES = ("call.py", "compare.py", "score.py", "wire.py", "worker.py", "extract.py", "sandbox.py")
LIBRARIES = ("hypothesis", "numpy", "pytest", "torch", "transformers", "tokenizers", "tiktoken", "regex")


@functools.cache
def versions():
    """{library: version} of what grading runs on (the libraries that are installed)."""
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def reference_files(path):
    """A lesson's reference module and the other lessons' reference modules it imports."""
    found = [path]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("solutions."):
            other = path.parent / (node.module.split(".", 1)[1] + ".py")
            if other not in found:
                found += [f for f in reference_files(other) if f not in found]
    return found


def grading_fingerprint(lesson):
    """A short hash of the lesson's suite, its reference solutions, the toolkit, the engine files
    and the library versions."""
    digest = hashlib.sha256()
    toolkit = lesson.suite_dir.parent / "toolkit.py"
    files = sorted(lesson.suite_dir.glob("*.py")) + [toolkit, *reference_files(lesson.solutions_file)]
    files += [ENGINE_DIR / name for name in ENGINE_FILES]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name, version in sorted(versions().items()):
        digest.update(f"{name}={version}\n".encode())
    digest.update(repr(lesson.budget).encode())
    return digest.hexdigest()[:16]
