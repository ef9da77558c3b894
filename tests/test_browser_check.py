"""The Check button in a real browser (Debian's chromium driven by Playwright): a student opens a
released notebook in JupyterLab, types a wrong softmax and clicks Check without saving; the side
panel shows the failing call and the hint; the student fixes it, clicks Check again and sees full
marks, and clicking an exercise jumps to its cell. Once with the course installed beside JupyterLab
(a self-learner), once against `llmcourse serve` (a class: the student's JupyterLab has the one
setting, and no formgrader or Create Assignment panel). Screenshots go to artifacts/browser/."""

import contextlib
import json

import pytest

from autograder.authoring.build import notebook_text
from autograder.classroom.demo import ada
from autograder.jupyter.student import configure
from autograder.jupyter.store import Store
from browser_support import browser, jupyter_lab, log_in, shot, wait_for_kernel  # noqa: F401 (browser: a fixture)
from service_support import check_service
from support import COURSE, notebook_with, released_notebook

LESSON = COURSE.lesson("01-introduction")
STUB = "raise NotImplementedError()"
WRONG = """def softmax(x, axis=-1):
    exps = np.exp(x)
    return exps / np.sum(exps, axis=axis, keepdims=True)
"""
RIGHT = """def softmax(x, axis=-1):
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)
"""


def notebook_but_softmax():
    """The released notebook with every exercise done but softmax, still a stub."""
    done = ada(LESSON, released_notebook(LESSON))
    stub = next(cell for cell in released_notebook(LESSON)["cells"]
                if cell["cell_type"] == "code" and "def softmax(" in "".join(cell["source"]))
    return notebook_with(LESSON, {"softmax": stub["source"]}, base=done)


def saved_source(notebook, name):
    """The source of the cell defining `name`, as saved on disk."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return next("".join(cell["source"]) for cell in cells if f"def {name}(" in "".join(cell["source"]))


def type_into_solution(page, name, code):
    """Replace the source of the cell defining `name` as a student would: select it all, type anew."""
    editor = page.locator(f".jp-CodeCell:has(.cm-content:has-text('def {name}(')) .cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # Typed as one input: key by key, the editor would indent each new line again.
    page.keyboard.insert_text(code)


def click_check_and_wait(page):
    previous = page.locator(".llmc-Panel .llmc-Score").count() and page.locator(".llmc-Panel").inner_text()
    page.locator(".jp-NotebookPanel-toolbar .llmc-CheckButton").click()
    page.wait_for_function("previous => { const panel = document.querySelector('.llmc-Panel');"
                           " return panel && panel.querySelector('.llmc-Score, .llmc-Error')"
                           " && panel.innerText !== previous; }", arg=previous or "", timeout=120_000)
    return page.locator(".llmc-Panel")


@pytest.mark.parametrize("grader", ["local", "service"])
def test_check_button_shows_the_failing_call_then_full_marks(browser, tmp_path, grader):
    desk = tmp_path / "desk"
    desk.mkdir()
    notebook = desk / f"{LESSON.id}.ipynb"
    notebook.write_text(notebook_text(notebook_but_softmax()), encoding="utf-8")
    home = tmp_path / "home"
    with contextlib.ExitStack() as stack:
        env = {}
        if grader == "service":
            env["LLMCOURSE_CHECK_SERVICE"], db_url = stack.enter_context(class_service("carl", tmp_path))
            configure(home / ".jupyter")  # the class's student environment: no instructor panels
        url, token = stack.enter_context(jupyter_lab(desk, home, env))
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.set_default_timeout(60_000)
        log_in(page, url, token)
        page.goto(f"{url}/lab/tree/{notebook.name}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        wait_for_kernel(page)
        assert page.locator(".jp-NotebookPanel-toolbar .llmc-CheckButton").count() == 1, (
            "no Check button: after an editable install, run `python -m autograder.jupyter.develop` (.ci/setup does)")
        if grader == "service":
            page.get_by_text("Nbgrader", exact=True).click()
            menu = page.locator("#jp-mainmenu-nbgrader").inner_text()
            assert "Assignment List" in menu and "Formgrader" not in menu and "Create Assignment" not in menu, menu
            page.keyboard.press("Escape")
            assert page.request.get(f"{url}/formgrader").status == 404  # nor its server side

        type_into_solution(page, "softmax", WRONG)
        assert STUB in saved_source(notebook, "softmax")  # not saved: Check grades what the editor shows
        panel = click_check_and_wait(page)
        shot(page, f"check-{grader}-1-wrong-softmax")
        text = panel.inner_text()
        assert f"{LESSON.id}: {LESSON.max_score - 1}/{LESSON.max_score} points" in text, text
        calls = panel.locator(".llmc-Failed .llmc-Call").all_inner_texts()
        assert any(call.startswith("Failing call: softmax(x=") for call in calls), calls
        hints = panel.locator(".llmc-Failed .llmc-Hint").all_inner_texts()
        assert any("subtract the maximum" in hint for hint in hints), hints
        assert saved_source(notebook, "softmax") == WRONG  # Check saved the notebook

        type_into_solution(page, "softmax", RIGHT)
        panel = click_check_and_wait(page)
        shot(page, f"check-{grader}-2-full-marks")
        text = panel.inner_text()
        assert f"{LESSON.id}: {LESSON.max_score}/{LESSON.max_score} points" in text, text
        assert panel.locator(".llmc-Failed").count() == 0
        if grader == "service":
            assert "by http://127.0.0.1:" in text and "check(s) left" in text, text

        panel.locator(".llmc-ExerciseRow[data-exercise='generate']").click()
        page.wait_for_function("() => document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active')"
                               "?.innerText.includes('def generate(')")
    if grader == "service":
        store = Store(db_url)
        assert [(c["status"], c["score"]) for c in store.history("carl")] == [
            ("graded", LESSON.max_score - 1), ("graded", LESSON.max_score)]
        store.close()


@contextlib.contextmanager
def class_service(student, tmp_path):
    """`llmcourse serve` with a token for `student`; yields (the one setting of their JupyterLab, the database URL)."""
    db_url = f"sqlite:///{tmp_path / 'checks.db'}"
    store = Store(db_url)
    token = store.issue_tokens([student])[student]
    store.close()
    with check_service(tmp_path, db_url, workers=1) as (url, _):
        yield url.replace("http://", f"http://{student}:{token}@"), db_url
