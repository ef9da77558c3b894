"""Render the expected results of a lesson's figure cells: `python -m autograder.authoring.render SPEC RESULT`.

build.py starts this in a fresh interpreter, in a folder holding the lesson's data files, as a
student's kernel would run the notebook: the provided, solution and figure cells in order (the
solution cells hold the reference solutions; the visible tests are not run, since a figure may use
only what provided cells and solutions define). After each figure cell it keeps what the cell
showed: every figure it left open, as PNG, and what it printed. SPEC is a JSON list of cells
{"id", "kind", "source", "filename", "line"}; RESULT receives {"figures": {cell id: {"images": [base64
PNG], "printed": str}}} or {"failed": cell id, "error": the traceback}.

The PNGs are byte-deterministic: fixed dpi, matplotlib's default style whatever the machine's
matplotlibrc says, no timestamp or software tag, and a 256-colour palette chosen by median cut
(which also makes them about three times smaller than full colour).
"""

import base64
import contextlib
import io
import json
import sys
import traceback

DPI = 80


def png(figure):
    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    buffer.seek(0)
    palette = Image.open(buffer).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    compact = io.BytesIO()
    palette.save(compact, format="png", optimize=True)
    return base64.b64encode(compact.getvalue()).decode("ascii")


def run(cells):
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcdefaults()
    import matplotlib.pyplot as plt

    plt.show = lambda *args, **kwargs: None  # Jupyter shows a cell's open figures after it runs; so do we
    namespace = {"__name__": "__main__"}
    figures = {}
    for cell in cells:
        printed = io.StringIO()
        # Padding puts the code on its own lines of `filename`, so a traceback points into lesson.py.
        code = compile("\n" * (cell["line"] - 1) + cell["source"], cell["filename"], "exec")
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
        except BaseException as error:  # noqa: BLE001 -- any failure is the build's error, reported whole
            lines = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
            return {"failed": cell["id"], "error": "".join(lines)}
        if cell["kind"] == "figure":
            figures[cell["id"]] = {"images": [png(plt.figure(number)) for number in plt.get_fignums()],
                                   "printed": printed.getvalue()}
            plt.close("all")
    return {"figures": figures}


def main(spec_path, result_path):
    with open(spec_path, encoding="utf-8") as spec:
        result = run(json.load(spec))
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main(*sys.argv[1:])
