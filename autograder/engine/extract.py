"""Which code of a submitted notebook runs: every code cell except the course's own test and figure cells.

Test and figure cells are recognised by their content, as written in the lesson's source notebook
(which the grader trusts), never by the submission's metadata or tags: a student who unlocks a
test cell, re-tags it or inflates its points changes nothing here.
"""

from .notebook import cell_source, normalized

SKIPPED_ROLES = ("test", "figure")


def cell_role(cell):
    """The role of a cell of a source notebook: 'test', 'figure', 'solution' or 'code'."""
    role = cell.get("metadata", {}).get("llmcourse", {}).get("role")
    if role:
        return role
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    if nbgrader.get("grade") and not nbgrader.get("solution"):
        return "test"
    return "solution" if nbgrader.get("solution") else "code"


def skipped_sources(source_notebook):
    return {normalized(cell_source(cell)) for cell in source_notebook["cells"]
            if cell.get("cell_type") == "code" and cell_role(cell) in SKIPPED_ROLES}


def cell_label(source):
    """How feedback names a cell: JupyterLab shows no cell numbers, so by its first line of code,
    e.g. 'def softmax(x, axis=-1):'."""
    lines = [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    first = lines[0] if lines else "(an empty cell)"
    return repr(first if len(first) <= 60 else first[:57] + "...")


def student_cells(submission, source_notebook):
    """[(cell index, label, source)] of the submission's code cells the grader will run."""
    skip = skipped_sources(source_notebook)
    return [(index, cell_label(cell_source(cell)), cell_source(cell))
            for index, cell in enumerate(submission["cells"])
            if cell.get("cell_type") == "code" and normalized(cell_source(cell)) not in skip]


def likeness(submission, source_notebook):
    """How many of the source notebook's fixed cells (markdown, tests) the submission contains."""
    fixed = {normalized(cell_source(cell)) for cell in source_notebook["cells"]
             if cell.get("cell_type") == "markdown" or cell_role(cell) == "test"}
    return len(fixed & {normalized(cell_source(cell)) for cell in submission["cells"]})
