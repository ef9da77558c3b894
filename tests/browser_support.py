"""Driving JupyterLab in a real browser (Debian's chromium through Playwright), for the browser
tests: a JupyterLab server, logging in, waiting for the kernel, screenshots. Importing this module
skips the importing test module where chromium or Playwright is missing (outside CI)."""

import contextlib
import os
import secrets
import subprocess
import time
from pathlib import Path

import pytest

from service_support import free_port, stop, wait_for_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(os.environ.get("LLMCOURSE_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts")) / "browser"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/setup installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@contextlib.contextmanager
def jupyter_lab(root, home, env=None):
    """A JupyterLab server on 127.0.0.1 serving `root`, with a token; yields (url, token). `env` adds to
    the server's environment."""
    port, token = free_port(), secrets.token_hex(16)
    settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    # Render every cell (no windowing), so that the test can see the last cell's output.
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
           **(env or {})}
    log = open(home / "jupyter.log", "w")
    process = subprocess.Popen(
        ["jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={token}",
         "--allow-root", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
         "--LabApp.expose_app_in_browser=True"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_url(f"{url}/api/status?token={token}", process, home / "jupyter.log")
        yield url, token
    finally:
        stop(process)
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
