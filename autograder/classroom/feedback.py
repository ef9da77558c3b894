"""`llmcourse feedback`: per-student HTML feedback, delivered through nbgrader's feedback exchange.

The page is built from our report only: scores per exercise and, for each failed property, its
statement, the smallest failing input, expected vs got and a hint. The hidden suites' source never
reaches it (it is not in the report to begin with), nor do the course's paths. Files land where
nbgrader's release_feedback looks: feedback/<student>/<assignment>/<notebook>.html beside the
submission's timestamp and secret. One submission's problem (a report that cannot be read, no
secret to deliver it with) leaves out that page alone; everyone else's is released. Each student
on the roster without a page is named with the reason (not graded yet, or refused at collect).
"""

import html
import shutil

from autograder.engine.report import Report

from .autograde import SUBMISSION_FILES, find_submissions, hidden_paths, read_report, relative_names, report_path
from .coursedir import CourseDir, read_refusals
from .exchange import release_feedback
from .untrusted import REPORT_BYTES, contained

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; } td, th { padding: .3rem .8rem; border-bottom: 1px solid #ddd; }
.passed { color: #1a7f37; } .failed { color: #cf222e; }
pre { background: #f6f8fa; padding: .8rem; white-space: pre-wrap; }
"""


def render_html(student, report):
    rows = "".join(
        f"<tr><td><code>{html.escape(e.name)}</code></td><td>{e.score}/{e.max_score}</td>"
        f"<td class='{'passed' if e.score == e.max_score else 'failed'}'>"
        f"{'passed' if e.score == e.max_score else 'needs work'}</td></tr>"
        for e in report.exercises)
    failures = "".join(
        f"<h3 class='failed'>{html.escape(e.name)} — {html.escape(t.name.replace('_', ' '))}</h3>"
        f"<pre>{html.escape(t.message)}</pre>"
        for e in report.exercises for t in e.tests if not t.passed)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(report.assignment)} feedback"
            f"</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(report.assignment)}: {report.score}/{report.max_score} points</h1>"
            f"<p>Feedback for <b>{html.escape(student)}</b>.</p>"
            f"<table><tr><th>exercise</th><th>points</th><th></th></tr>{rows}</table>"
            f"{'<h2>What to fix</h2>' + failures if failures else '<p>Everything passed. Well done!</p>'}"
            "</body></html>\n")


def write_feedback(course_dir, course, assignment_id, release=True):
    """Write the HTML of every graded submission of a student on the roster; returns the written
    paths and [(student, why there is no page)]."""
    lesson = course.lesson(assignment_id)
    course_dir = CourseDir.of(course_dir)
    roster = course_dir.roster()
    written, problems = [], []
    for submission in find_submissions(course_dir, lesson):
        path = report_path(course_dir, submission)
        if submission.student not in roster:
            continue
        if not path.is_file():
            problems.append((submission.student, "not graded yet: `llmcourse autograde` grades it, or says why not"))
            continue
        try:
            names = relative_names(submission.folder, hidden_paths(course_dir))
            stored = contained(read_report(path), names, REPORT_BYTES)
            report = Report.from_json(stored["report"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            problems.append((submission.student, f"its report cannot be read ({type(error).__name__}: {error})"))
            continue
        missing = [name for name in SUBMISSION_FILES if not (path.parent / name).is_file()]
        if missing:
            problems.append((submission.student, f"its submission has no {' or '.join(missing)}, without "
                                                 "which nbgrader cannot deliver feedback"))
            continue
        folder = course_dir.folder("feedback", submission.student, lesson.id)
        folder.mkdir(parents=True, exist_ok=True)
        for name in SUBMISSION_FILES:
            shutil.copy2(path.parent / name, folder / name)
        target = folder / f"{lesson.id}.html"
        target.write_text(render_html(submission.student, report), encoding="utf-8", errors="backslashreplace")
        written.append(target)
    paged = {path.parent.parent.name for path in written}
    for entry in read_refusals(course_dir.root, lesson.id):
        if entry["student"] in roster and entry["student"] not in paged:
            problems.append((entry["student"], f"not graded: {entry['name']} was refused at collect: "
                                               f"{entry['reason']}"))
    if release and written:
        release_feedback(course_dir, assignment_id)
    return written, problems
