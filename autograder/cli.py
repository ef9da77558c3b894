"""llmcourse: grade notebooks of "How Transformer LLMs Work" safely.

Students and self-learners:
    llmcourse check NOTEBOOK [--assignment ID] [--only NAME ...] [--json]
    llmcourse notebook LESSON [-o PATH]      the student version of a lesson, to work on locally
Instructors (an nbgrader course directory; --course-dir, default: the current directory):
    llmcourse init COURSE_DIR [--roster CSV] [--db-url URL] [--no-owner-check]
    llmcourse release ASSIGNMENT             nbgrader generate_assignment + release_assignment
    llmcourse collect ASSIGNMENT             nbgrader collect, taking only regular files from students on the roster
    llmcourse autograde ASSIGNMENT [--student S] [--workers N] [--force] [--scheduler tcp://HOST:8786]
    llmcourse feedback ASSIGNMENT            HTML feedback, released through nbgrader's exchange
    llmcourse export [--format csv|gradescope] [-o PATH]
The check service of a class (students check from JupyterLab without the suites; README):
    llmcourse serve [--db-url URL] [--port P] [--workers N] [--limit N --window S]
    llmcourse tokens ROSTER --service URL    a token per student, and the one setting of their JupyterLab
    llmcourse checks [--before DEADLINE]     every check recorded, as CSV
Everyone:
    llmcourse demo [--allow-unsandboxed]     a whole course round trip with three example students
Course authors:
    llmcourse new-lesson NN-name EXERCISE:POINTS ... [--title T]   every file of a new lesson
    llmcourse build [LESSON ...]             rebuild the source notebooks
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

from .engine.course import CourseError, load_course
from .engine.notebook import NotebookError
from .engine.pipeline import SandboxRequired, grade
from .engine.report import render_json, render_table

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Instructor commands import nbgrader (seconds of start-up) inside the command, so `check` stays quick.


def cmd_check(args, course):
    report = grade(args.notebook, course, args.assignment, args.only)
    print(render_json(report) if args.json else render_table(report))
    return 0


def cmd_notebook(args, course):
    from .authoring.build import build_notebook, lesson_data_files, notebook_text, released
    lesson = course.lesson(args.lesson)
    if not lesson.available:
        raise CourseError(f"lesson {lesson.id} is not available yet")
    target = Path(args.output or f"{lesson.id}.ipynb")
    if target.exists() and not args.force:
        raise CourseError(f"{target} exists; pass --force to overwrite it (your work in it would be lost)")
    target.write_text(notebook_text(released(build_notebook(lesson))), encoding="utf-8")
    print(f"wrote {target}: open it in JupyterLab (`jupyter lab {target}`) and click Check in the notebook's "
          f"toolbar, or run `llmcourse check {target}`")
    for data in lesson_data_files(lesson):  # e.g. a corpus the notebook reads
        if not (target.parent / data.name).exists():
            shutil.copy2(data, target.parent / data.name)
            print(f"wrote {target.parent / data.name} (data the notebook reads)")
    return 0


def cmd_build(args, course):
    from .authoring.build import write_notebooks
    lessons = [course.lesson(lesson_id) for lesson_id in args.lessons] or course.available
    for path in write_notebooks(lessons):
        print(f"wrote {path}")
    return 0


def cmd_new_lesson(args, course):
    from .authoring.scaffold import describe, new_lesson
    written = new_lesson(args.lesson, args.exercises, args.title, args.course)
    print(f"lesson {args.lesson} added to course.yml and its notebook built; now write, in this order:")
    print(describe(written))
    print(f"then `llmcourse build {args.lesson}` and `python -m pytest tests -k {args.lesson}` (CONTRIBUTING.md)")
    return 0


def cmd_init(args, course):
    from .classroom.coursedir import init_course
    root = init_course(args.course_dir, course, args.roster, args.db_url, False if args.no_owner_check else None)
    print(f"course {course.id} ready in {root}: {len(course.available)} assignments in source/")
    return 0


def cmd_release(args, course):
    from .classroom import exchange
    path = exchange.release(args.course_dir, course.lesson(args.assignment).id)
    print(f"released {args.assignment}: {path}")
    return 0


def cmd_collect(args, course):
    from .classroom import exchange
    from .classroom.untrusted import for_terminal
    collected = exchange.collect(args.course_dir, course.lesson(args.assignment).id)
    print(for_terminal(f"collected {len(collected.students)} submission(s) of {args.assignment}: "
                       f"{', '.join(collected.students) or 'none'}"))
    # Refusals are shown, not fatal: a script's `collect && autograde` goes on for everyone else.
    for name, reason in collected.refused:
        print(for_terminal(f"not collected: {name}: {reason}"), file=sys.stderr)
    return 0


def cmd_autograde(args, course):
    from .classroom.autograde import autograde
    from .classroom.untrusted import for_terminal
    outcome = autograde(args.course_dir, course, args.assignment, args.student, args.workers, args.force,
                        require_sandbox=not args.allow_unsandboxed, scheduler=args.scheduler)
    for student, report in sorted(outcome.graded.items()):
        print(f"{for_terminal(student):<20} {report['score']:>4}/{report['max_score']}")
    return 1 if outcome.not_graded else 0


def cmd_feedback(args, course):
    from .classroom.feedback import write_feedback
    from .classroom.untrusted import for_terminal
    written, problems = write_feedback(args.course_dir, course, args.assignment)
    print(f"wrote and released feedback for {len(written)} submission(s) of {args.assignment}")
    for student, problem in problems:
        print(for_terminal(f"no feedback for {student}: {problem}"), file=sys.stderr)
    return 0


def cmd_export(args, course):
    from .classroom.export import EXPORTERS
    if args.format not in EXPORTERS:
        raise CourseError(f"no export format {args.format!r}; the formats are "
                          + "; ".join(f"{name} ({exporter.help})" for name, exporter in EXPORTERS.items()))
    exporter = EXPORTERS[args.format]
    print(exporter.write(args.course_dir, course, Path(args.output or exporter.default_target)))
    return 0


def cmd_serve(args, course):
    from .jupyter.service import Settings, serve
    from .jupyter.store import Limit
    serve(Settings(db_url=args.db_url, course_file=args.course, workers=args.workers,
                   limit=Limit(args.limit, args.window), max_upload_mb=args.max_upload_mb,
                   grading_timeout=args.grading_timeout, require_sandbox=not args.allow_unsandboxed),
          args.host, args.port)
    return 0


def cmd_tokens(args, course):
    from .jupyter.admin import issue_tokens
    issued = issue_tokens(args.roster, args.db_url, args.output, args.service, args.replace)
    print(f"issued {len(issued)} token(s) in {args.output} (only their hashes are kept: hand each student "
          f"their own line, and keep the file private)")
    return 0


def cmd_checks(args, course):
    from .jupyter.admin import export_checks
    rows = export_checks(args.db_url, args.output, args.before)
    print(f"wrote {rows} check(s) to {args.output}")
    return 0


def cmd_demo(args, course):
    from .classroom.demo import run_demo
    return run_demo(course, allow_unsandboxed=args.allow_unsandboxed)


def parser():
    p = argparse.ArgumentParser(prog="llmcourse", description=__doc__.splitlines()[0])
    p.add_argument("--course", help="course.yml to use (default: the one beside the package)")
    sub = p.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="grade one notebook and show feedback")
    check.add_argument("notebook")
    check.add_argument("--assignment", help="lesson id, e.g. 01-introduction (default: detected)")
    check.add_argument("--only", nargs="+", metavar="NAME", help="grade only these exercises")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(run=cmd_check)
    notebook = sub.add_parser("notebook", help="write the student version of a lesson's notebook")
    notebook.add_argument("lesson")
    notebook.add_argument("-o", "--output")
    notebook.add_argument("--force", action="store_true")
    notebook.set_defaults(run=cmd_notebook)
    init = sub.add_parser("init", help="create an nbgrader course directory")
    init.add_argument("course_dir")
    init.add_argument("--roster", help="CSV of students: id, first_name, last_name, email")
    init.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: sqlite in the course directory)")
    init.add_argument("--no-owner-check", action="store_true",
                      help="every student submits as the same OS user (a demo, a test): do not refuse a "
                           "submission whose folder another user owns")
    init.set_defaults(run=cmd_init)
    for name, run, text in (("release", cmd_release, "generate and release an assignment"),
                            ("collect", cmd_collect, "collect submissions from the exchange"),
                            ("feedback", cmd_feedback, "write and release HTML feedback")):
        command = sub.add_parser(name, help=text)
        command.add_argument("assignment")
        command.add_argument("--course-dir", default=".")
        command.set_defaults(run=run)
    grade_all = sub.add_parser("autograde", help="grade collected submissions into the gradebook")
    grade_all.add_argument("assignment")
    grade_all.add_argument("--course-dir", default=".")
    grade_all.add_argument("--student")
    grade_all.add_argument("--workers", type=int, default=1)
    grade_all.add_argument("--force", action="store_true", help="regrade what is already graded")
    grade_all.add_argument("--allow-unsandboxed", action="store_true")
    grade_all.add_argument("--scheduler", help="grade on this Dask scheduler's workers (README: several machines)")
    grade_all.set_defaults(run=cmd_autograde)
    export = sub.add_parser("export", help="export grades")
    export.add_argument("--course-dir", default=".")
    # The formats are classroom/export.py's EXPORTERS, checked when the command runs: importing it
    # here would load nbgrader for every command, `check` included.
    export.add_argument("--format", default="csv", help="csv (default) or gradescope")
    export.add_argument("-o", "--output")
    export.set_defaults(run=cmd_export)
    checks_db = "sqlite:///llmcourse-checks.db"
    serve = sub.add_parser("serve", help="the check service: grades notebooks students upload from JupyterLab")
    serve.add_argument("--db-url", default=checks_db, help=f"SQLAlchemy URL of the checks (default: {checks_db})")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=2, help="grading processes (checks graded at once)")
    serve.add_argument("--limit", type=int, default=20, help="checks per student and assignment per window")
    serve.add_argument("--window", type=int, default=3600, help="the rate limit's window, in seconds")
    serve.add_argument("--max-upload-mb", type=float, default=5.0)
    serve.add_argument("--grading-timeout", type=float, default=180.0, help="seconds one check may take")
    serve.add_argument("--allow-unsandboxed", action="store_true")
    serve.set_defaults(run=cmd_serve)
    tokens = sub.add_parser("tokens", help="issue check-service tokens to the roster's students")
    tokens.add_argument("roster", help="CSV of students with an `id` column")
    tokens.add_argument("--service", help="the service's URL as students reach it, to print each one's setting")
    tokens.add_argument("--db-url", default=checks_db)
    tokens.add_argument("--replace", action="store_true", help="new tokens for everyone (the old ones stop working)")
    tokens.add_argument("-o", "--output", default="tokens.csv")
    tokens.set_defaults(run=cmd_tokens)
    checks = sub.add_parser("checks", help="export the check service's record of checks as CSV")
    checks.add_argument("--db-url", default=checks_db)
    checks.add_argument("--before", help="only checks received before this ISO date or time (UTC), e.g. a deadline")
    checks.add_argument("-o", "--output", default="checks.csv")
    checks.set_defaults(run=cmd_checks)
    demo = sub.add_parser("demo", help="grade bundled example submissions and print the table")
    demo.add_argument("--allow-unsandboxed", action="store_true")
    demo.set_defaults(run=cmd_demo)
    build = sub.add_parser("build", help="rebuild source notebooks from lesson scripts and solutions")
    build.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids (default: every available one)")
    build.set_defaults(run=cmd_build)
    new = sub.add_parser("new-lesson", help="write every file of a new lesson, consistent, to fill in")
    new.add_argument("lesson", help="its id, e.g. 14-relu")
    new.add_argument("exercises", nargs="+", metavar="EXERCISE:POINTS", help="e.g. relu:2")
    new.add_argument("--title", help="(required unless course.yml lists the lesson already)")
    new.set_defaults(run=cmd_new_lesson)
    return p


def skip_iri_grammars():
    """jsonschema, which nbformat and nbgrader import, imports rfc3987_syntax when it is installed
    (JupyterLab's jupyter-events brings it) only to check the "iri" string format, and importing it
    compiles 38 Lark grammars: 0.85 s, a third of `llmcourse autograde`'s start-up, paid again by
    every command. No schema these commands validate has that format, so the import is refused here:
    None in sys.modules makes it raise ImportError, as if the package were absent, which jsonschema
    expects."""
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv=None):
    args = parser().parse_args(argv)
    skip_iri_grammars()
    try:
        # build writes the notebooks that loading checks for; new-lesson checks what it writes itself.
        checks = {"build": {"need_notebooks": False}, "new-lesson": {"check_files": False}}
        return args.run(args, load_course(args.course, **checks.get(args.command, {})))
    except (CourseError, NotebookError, SandboxRequired) as error:
        print(f"llmcourse: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
