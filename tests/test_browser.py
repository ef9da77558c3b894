"""JupyterLab in a real browser (Debian's chromium driven by Playwright): a student fetches an
assignment from the Assignment List, opens and runs the notebook, validates and submits it; after
`llmcourse autograde`, the instructor's formgrader shows the score `llmcourse check` gives.
Screenshots go to artifacts/browser/ (or $LLMCOURSE_ARTIFACTS)."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from autograder.classroom import exchange
from autograder.classroom.coursedir import init_course
from autograder.classroom.autograde import autograde
from autograder.classroom.demo import ada, work_on

from support import COURSE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
LESSON = COURSE.lesson("01-introduction")
ARTIFACTS = Path(os.environ.get("LLMCOURSE_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts")) / "browser"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/setup installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root, home):
    """A JupyterLab server on 127.0.0.1 serving `root`, with a token; yields (url, token)."""
    port, token = free_port(), secrets.token_hex(16)
    settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    # Render every cell (no windowing), so that the test can see the last cell's output.
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings")}
    log = open(home / "jupyter.log", "w")
    process = subprocess.Popen(
        ["jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={token}",
         "--allow-root", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
         "--LabApp.expose_app_in_browser=True"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"jupyter lab did not start: {(home / 'jupyter.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield url, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


KERNEL_CONNECTED_AND_IDLE = """() => {
    const kernel = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
    return kernel?.connectionStatus === "connected" && kernel?.status === "idle";
}"""


def wait_for_kernel(page, seconds=120):
    """Until the open notebook's kernel is connected and idle. Run All before that clears the cells
    instead of running them, and the toolbar may say idle sooner: ask JupyterLab itself. JupyterLab
    sometimes asks which kernel to start (a race at start-up): take the default."""
    kernel_dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    deadline = time.monotonic() + seconds
    while not page.evaluate(KERNEL_CONNECTED_AND_IDLE):
        if kernel_dialog.is_visible():
            kernel_dialog.locator("button:has-text('Select')").click()
        assert time.monotonic() < deadline, f"the notebook's kernel was not ready within {seconds} s"
        page.wait_for_timeout(250)


def log_in(page, url, token):
    page.goto(f"{url}/login")
    page.fill("input[name=password]", token)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_student_fetches_runs_validates_submits_and_formgrader_shows_the_score(browser, tmp_path):
    root = init_course(tmp_path / "course", COURSE)
    exchange.release(root, LESSON.id)
    student = tmp_path / "carl"
    student.mkdir()
    (student / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE.id!r}\nc.CourseDirectory.student_id = 'carl'\n"
        f"c.Exchange.root = {str(root / 'exchange')!r}\nc.Exchange.cache = {str(student / '.cache')!r}\n",
        encoding="utf-8")

    with jupyter_lab(student, tmp_path / "carl-home") as (url, token):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        log_in(page, url, token)
        page.goto(f"{url}/lab")
        page.wait_for_selector(".jp-LauncherCard:has-text('Python 3')")  # kernel specs are loaded
        page.get_by_text("Nbgrader", exact=True).click()
        page.get_by_text("Assignment List", exact=True).click()
        page.get_by_role("button", name="Fetch").click()
        page.wait_for_selector("#fetched_assignments_list a.assignment-notebooks-link")
        shot(page, "1-fetched")

        # The student's work, done in the notebook's files as the editor would save it.
        work_on(student / LESSON.id / f"{LESSON.id}.ipynb", LESSON, ada)

        page.click("#fetched_assignments_list a.assignment-notebooks-link")
        page.click(f"#fetched_assignments_list .nested_list_item a:has-text('{LESSON.id}')")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        wait_for_kernel(page)
        page.get_by_text("Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        page.wait_for_selector(".jp-OutputArea-output:has-text('generate: sanity checks passed')")
        shot(page, "2-notebook-ran")

        page.click(".lm-TabBar-tab:has-text('Assignments')")
        page.click("#fetched_assignments_list .nested_list_item button:has-text('Validate')")
        dialog = page.wait_for_selector(".jp-Dialog")
        shot(page, "3-validated")
        assert "Success" in dialog.inner_text() or "passes" in dialog.inner_text(), dialog.inner_text()
        page.click(".jp-Dialog button:has-text('OK'), .jp-Dialog .jp-mod-accept")
        page.click("#fetched_assignments_list button:has-text('Submit')")
        page.wait_for_selector("#submitted_assignments_list .list_item")
        shot(page, "4-submitted")

    assert exchange.collect(root, LESSON.id) == ["carl"]
    autograde(root, COURSE, LESSON.id)
    submitted = root / "submitted" / "carl" / LESSON.id / f"{LESSON.id}.ipynb"
    check = json.loads(subprocess.run(["llmcourse", "check", str(submitted), "--json"], capture_output=True,
                                      text=True, check=True).stdout)
    assert check["score"] == LESSON.max_score

    with jupyter_lab(root, tmp_path / "instructor-home") as (url, token):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        log_in(page, url, token)
        page.goto(f"{url}/formgrader/manage_students/carl/{LESSON.id}")
        row = page.wait_for_selector(f"tr:has(td:has-text('{LESSON.id}'))")
        shot(page, "5-formgrader")
        assert f"{check['score']} / {check['max_score']}" in row.inner_text()
