"""llmcourse: grade notebooks of "How Transformer LLMs Work" safely.

    llmcourse check NOTEBOOK [--assignment ID] [--only NAME ...] [--json]
    llmcourse notebook LESSON [-o PATH]      the student version of a lesson, to work on locally
    llmcourse demo [--allow-unsandboxed]     grade the bundled example submissions
    llmcourse build                          (course authors) rebuild the source notebooks
"""

import argparse
import os
import sys
from pathlib import Path

from .build import LessonScriptError, build_notebook, notebook_text, released, write_notebooks
from .course import CourseError, load_course
from .notebook import NotebookError
from .pipeline import SandboxRequired, grade
from .report import render_json, render_table

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def cmd_check(args, course):
    report = grade(args.notebook, course, args.assignment, args.only)
    print(render_json(report) if args.json else render_table(report))
    return 0


def cmd_notebook(args, course):
    lesson = course.lesson(args.lesson)
    if not lesson.available:
        raise CourseError(f"lesson {lesson.id} is not available yet")
    target = Path(args.output or f"{lesson.id}.ipynb")
    if target.exists() and not args.force:
        raise CourseError(f"{target} exists; pass --force to overwrite it (your work in it would be lost)")
    target.write_text(notebook_text(released(build_notebook(lesson))), encoding="utf-8")
    print(f"wrote {target}: open it in JupyterLab, then `llmcourse check {target}`")
    return 0


def cmd_build(args, course):
    for path in write_notebooks(course):
        print(f"wrote {path}")
    return 0


def cmd_demo(args, course):
    from .demo import run_demo
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
    demo = sub.add_parser("demo", help="grade bundled example submissions and print the table")
    demo.add_argument("--allow-unsandboxed", action="store_true")
    demo.set_defaults(run=cmd_demo)
    build = sub.add_parser("build", help="rebuild source notebooks from lesson scripts and solutions")
    build.set_defaults(run=cmd_build)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args, load_course(args.course))
    except (CourseError, NotebookError, SandboxRequired, LessonScriptError) as error:
        print(f"llmcourse: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
