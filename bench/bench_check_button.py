"""Benchmark: the Check button, from the click to the result in the side panel, in a real JupyterLab
(Debian's chromium through Playwright), grading locally and through `llmcourse serve`, for lesson 01
with full marks and with every exercise wrong (a known mistake in each: failures are shrunk); then
the service's throughput, checks graded per minute with 1 and with 2 grading processes.

Prints a table and saves bench/results/check_button.json. Click-to-result times are medians of
--repeat clicks after a first click, shown apart (a grading process's first check of a lesson
starts its sandbox cold and runs the suite in full; later ones take a started sandbox, and a suite
that passed before is replayed); throughput is --checks concurrent checks from as many students, full-marks and all-wrong
notebooks alternating, timed from the first upload to the last answer."""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx  # noqa: E402

from autograder.authoring.build import build_notebook, notebook_text  # noqa: E402
from autograder.classroom.demo import ada  # noqa: E402
from autograder.jupyter.store import Store  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, jupyter_lab, log_in, sync_api, wait_for_kernel  # noqa: E402
from service_support import check_service  # noqa: E402
from support import COURSE, lesson_mistakes, notebook_with, released_notebook  # noqa: E402

LESSON = COURSE.lesson("01-introduction")


def notebooks():
    """{kind: notebook}: full marks, and a known mistake in every exercise."""
    mistakes = {name: next(iter(codes.values())) for name, codes in lesson_mistakes(LESSON).MISTAKES.items()}
    return {"full marks": ada(LESSON, released_notebook(LESSON)),
            "all wrong": notebook_with(LESSON, mistakes, base=build_notebook(LESSON))}


def file_name(kind):
    return kind.replace(" ", "-") + ".ipynb"


# Timed in the page: a click on the button, then the score's appearance in the panel, seen by a
# MutationObserver. (Playwright's own click waits for the button to be still, retrying every 0.5 s,
# which would add up to 0.5 s that a student does not wait.)
CLICK_TO_RESULT = """() => new Promise(resolve => {
    document.querySelector('.llmc-Panel')?.replaceChildren();
    const button = document.querySelector('.jp-NotebookPanel-toolbar .llmc-CheckButton');
    const start = performance.now();
    const observer = new MutationObserver(() => {
        if (document.querySelector('.llmc-Panel .llmc-Score')) {
            observer.disconnect();
            resolve((performance.now() - start) / 1000);
        }
    });
    observer.observe(document.body, {childList: true, subtree: true});
    button.click();
})"""


def click_to_result(page):
    """Seconds from the click on Check to the score in the panel."""
    return page.evaluate(CLICK_TO_RESULT)


def time_clicks(browser, folder, env, repeat):
    """{kind: (first click's seconds, median seconds of the next ones, those seconds, score shown)}
    for each notebook, clicked in JupyterLab."""
    desk = folder / "desk"
    desk.mkdir()
    for kind, notebook in notebooks().items():
        (desk / file_name(kind)).write_text(notebook_text(notebook), encoding="utf-8")
    results = {}
    with jupyter_lab(desk, folder / "home", env) as (url, token):
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.set_default_timeout(120_000)
        log_in(page, url, token)
        for kind in notebooks():
            # ?reset: JupyterLab would otherwise restore the previous notebook's tab, and may show it first.
            page.goto(f"{url}/lab/tree/{file_name(kind)}?reset")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
            wait_for_kernel(page)
            first = click_to_result(page)
            times = [click_to_result(page) for _ in range(repeat)]
            score = page.locator(".llmc-Panel .llmc-Score").inner_text()
            checked = page.locator(".llmc-Panel .llmc-Path").inner_text()
            assert checked == file_name(kind), f"checked {checked}, not {file_name(kind)}"
            by = page.locator(".llmc-Panel .llmc-Facts").inner_text()
            assert ("by http://127.0.0.1:" in by) == bool(env), f"graded where? the panel says {by!r}"
            full = f"{LESSON.max_score}/{LESSON.max_score} points"
            assert (full in score) == (kind == "full marks"), f"{kind}: the panel shows {score}"
            results[kind] = (first, statistics.median(times), times, score)
        page.close()
    return results


@contextlib.contextmanager
def service(folder, workers, students):
    """`llmcourse serve` with `workers` grading processes and a token per student; yields (url, tokens)."""
    db_url = f"sqlite:///{folder / 'checks.db'}"
    store = Store(db_url)
    tokens = store.issue_tokens(students)
    store.close()
    with check_service(folder, db_url, workers=workers, limit=10_000) as (url, _):
        yield url, tokens


def throughput(url, tokens, bodies):
    """Checks per minute: every student checks once, all at once."""
    async def run():
        async with httpx.AsyncClient(timeout=900) as client:
            warm = [client.post(f"{url}/api/checks", content=bodies[0], headers={"Authorization": f"Bearer {token}"})
                    for token in list(tokens.values())[:2]]
            await asyncio.gather(*warm)  # every grading process has imported the grader
            start = time.perf_counter()
            answers = await asyncio.gather(*(
                client.post(f"{url}/api/checks", content=bodies[number % len(bodies)],
                            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "measured"})
                for number, token in enumerate(tokens.values())))
            seconds = time.perf_counter() - start
        assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers if a.status_code != 200]
        return len(answers) / seconds * 60, seconds
    return asyncio.run(run())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--checks", type=int, default=16, help="checks sent at once for the throughput")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="llmcourse-bench-button-"))
    rows = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for grader in ("local", "service"):
            folder = work / grader
            folder.mkdir()
            with contextlib.ExitStack() as stack:
                env = {}
                if grader == "service":
                    url, tokens = stack.enter_context(service(folder, 1, ["bench"]))
                    env["LLMCOURSE_CHECK_SERVICE"] = url.replace("http://", f"http://bench:{tokens['bench']}@")
                for kind, (first, seconds, times, score) in time_clicks(browser, folder, env, args.repeat).items():
                    rows.append({"grader": grader, "notebook": kind, "first_click_s": round(first, 2),
                                 "click_to_result_s": round(seconds, 2), "clicks_s": [round(t, 3) for t in times],
                                 "score": score})
        browser.close()
    bodies = [json.dumps(notebook).encode("utf-8") for notebook in notebooks().values()]
    rates = []
    for workers in (1, 2):
        folder = work / f"throughput-{workers}"
        folder.mkdir()
        with service(folder, workers, [f"s{n:03d}" for n in range(args.checks)]) as (url, tokens):
            per_minute, seconds = throughput(url, tokens, bodies)
        rates.append({"workers": workers, "checks": args.checks, "seconds": round(seconds, 1),
                      "checks_per_minute": round(per_minute, 1)})

    print(f"{'grader':<8} {'notebook':<11} {'first click s':>14} {'click to result s':>18}  panel")
    for row in rows:
        print(f"{row['grader']:<8} {row['notebook']:<11} {row['first_click_s']:>14.2f} "
              f"{row['click_to_result_s']:>18.2f}  {row['score']}")
    print(f"\n{'workers':>7} {'checks':>7} {'seconds':>8} {'checks/min':>11}")
    for rate in rates:
        print(f"{rate['workers']:>7} {rate['checks']:>7} {rate['seconds']:>8.1f} {rate['checks_per_minute']:>11.1f}")
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average": os.getloadavg()}, "click_to_result": rows, "throughput": rates}
    out = ROOT / "bench" / "results" / "check_button.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"saved {out}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
