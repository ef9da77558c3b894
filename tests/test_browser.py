"""JupyterLab in a real browser (Debian's chromium driven by Playwright): a student fetches an
assignment from the Assignment List, opens and runs the notebook, validates and submits it; after
`llmcourse autograde`, the instructor's formgrader shows the score `llmcourse check` gives.
Screenshots go to artifacts/browser/ (or $LLMCOURSE_ARTIFACTS)."""

import json
import subprocess

from autograder.classroom import exchange
from autograder.classroom.coursedir import init_course
from autograder.classroom.autograde import autograde
from autograder.classroom.demo import ada, work_on

from browser_support import browser, jupyter_lab, log_in, shot, wait_for_kernel  # noqa: F401 (browser: a fixture)
from support import COURSE

LESSON = COURSE.lesson("01-introduction")


def test_student_fetches_runs_validates_submits_and_formgrader_shows_the_score(browser, tmp_path):
    (tmp_path / "roster.csv").write_text("id\ncarl\n", encoding="utf-8")
    root = init_course(tmp_path / "course", COURSE, tmp_path / "roster.csv", check_owner=False)
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

    assert exchange.collect(root, LESSON.id).students == ["carl"]
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
