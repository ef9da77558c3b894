"""Reading notebooks: a submitted .ipynb is untrusted input, so read it defensively."""

import json
from pathlib import Path


class NotebookError(ValueError):
    pass


def cell_source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def normalized(source):
    """Cell text compared modulo trailing spaces and blank lines at either end."""
    return "\n".join(line.rstrip() for line in source.strip("\n").splitlines()).strip()


def read_notebook(path):
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise NotebookError(f"cannot read {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotebookError(f"{path} is not a notebook (not valid JSON: {error})") from None
    except RecursionError:
        raise NotebookError(f"{path} is not a notebook (JSON nested too deeply)") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError(f"{path} is not a Jupyter notebook (no list of cells)")
    for number, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or not isinstance(cell.get("metadata", {}), dict):
            raise NotebookError(f"{path}: cell {number} is malformed")
        source = cell.get("source", "")
        if not (isinstance(source, str) or isinstance(source, list) and all(isinstance(s, str) for s in source)):
            raise NotebookError(f"{path}: cell {number} has a source that is not text")
    return data
