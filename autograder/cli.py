"""llmcourse: grade notebooks of "How Transformer LLMs Work" safely.

Students and self-learners:
    llmcourse check NOTEBOOK [--assignment ID] [--only NAME ...] [--json]
    llmcourse notebook LESSON [-o PATH]      the student version of a lesson, to work on locally
Instructors (an nbgrader course directory; --course-dir, default: the current directory):
    llmcourse init COURSE_DIR [--roster CSV] [--db-url URL]
    llmcourse release ASSIGNMENT             nbgrader generate_assignment + release_assignment
    llmcourse collect ASSIGNMENT             nbgrader collect
    llmcourse autograde ASSIGNMENT [--student S] [--workers N] [--force]
    llmcourse feedback ASSIGNMENT            HTML feedback, released through nbgrader's exchange
    llmcourse export [--format csv|gradescope] [-o PATH]
Everyone:
    llmcourse demo [--allow-unsandboxed]     a whole course round trip with three example students
    llmcourse build [LESSON ...]             (course authors) rebuild the source notebooks
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

from .course import CourseError, load_course
from .notebook import NotebookError
from .pipeline import SandboxRequired, grade
from .report import render_json, render_table

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Instructor commands import nbgrader (seconds of start-up) inside the command, so `check` stays quick.


def cmd_check(args, course):
    report = grade(args.notebook, course, args.assignment, args.only)
    print(render_json(report) if args.json else render_table(report))
    return 0


def cmd_notebook(args, course):
    from .build import build_notebook, lesson_data_files, notebook_text, released
    lesson = course.lesson(args.lesson)
    if not lesson.available:
        raise CourseError(f"lesson {lesson.id} is not available yet")
    target = Path(args.output or f"{lesson.id}.ipynb")
    if target.exists() and not args.force:
        raise CourseError(f"{target} exists; pass --force to overwrite it (your work in it would be lost)")
    target.write_text(notebook_text(released(build_notebook(lesson))), encoding="utf-8")
    print(f"wrote {target}: open it in JupyterLab, then `llmcourse check {target}`")
    for data in lesson_data_files(lesson):  # e.g. a corpus the notebook reads
        if not (target.parent / data.name).exists():
            shutil.copy2(data, target.parent / data.name)
            print(f"wrote {target.parent / data.name} (data the notebook reads)")
    return 0


def cmd_build(args, course):
    from .build import write_notebooks
    lessons = [course.lesson(lesson_id) for lesson_id in args.lessons] or course.available
    for path in write_notebooks(lessons):
        print(f"wrote {path}")
    return 0


def cmd_init(args, course):
    from . import classroom
    root = classroom.init_course(args.course_dir, course, args.roster, args.db_url)
    print(f"course {course.id} ready in {root}: {len(course.available)} assignments in source/")
    return 0


def cmd_release(args, course):
    from . import classroom
    path = classroom.release(args.course_dir, course.lesson(args.assignment).id)
    print(f"released {args.assignment}: {path}")
    return 0


def cmd_collect(args, course):
    from . import classroom
    students = classroom.collect(args.course_dir, course.lesson(args.assignment).id)
    print(f"collected {len(students)} submission(s) of {args.assignment}: {', '.join(students) or 'none'}")
    return 0


def cmd_autograde(args, course):
    from .autograde import autograde
    results = autograde(args.course_dir, course, args.assignment, args.student, args.workers, args.force,
                        require_sandbox=not args.allow_unsandboxed)
    for student, report in sorted(results.items()):
        print(f"{student:<20} {report['score']:>4}/{report['max_score']}")
    return 0


def cmd_feedback(args, course):
    from .feedback import write_feedback
    written = write_feedback(args.course_dir, course, args.assignment)
    print(f"wrote and released feedback for {len(written)} submission(s) of {args.assignment}")
    return 0


def cmd_export(args, course):
    from .export import export_csv, export_gradescope
    if args.format == "csv":
        target = Path(args.output or "grades.csv")
        export_csv(args.course_dir, course, target)
        print(f"wrote {target}")
    else:
        written = export_gradescope(args.course_dir, course, Path(args.output or "gradescope"))
        print(f"wrote {len(written)} results.json file(s) under {args.output or 'gradescope'}/")
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
    init = sub.add_parser("init", help="create an nbgrader course directory")
    init.add_argument("course_dir")
    init.add_argument("--roster", help="CSV of students: id, first_name, last_name, email")
    init.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: sqlite in the course directory)")
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
    grade_all.set_defaults(run=cmd_autograde)
    export = sub.add_parser("export", help="export grades")
    export.add_argument("--course-dir", default=".")
    export.add_argument("--format", choices=("csv", "gradescope"), default="csv")
    export.add_argument("-o", "--output")
    export.set_defaults(run=cmd_export)
    demo = sub.add_parser("demo", help="grade bundled example submissions and print the table")
    demo.add_argument("--allow-unsandboxed", action="store_true")
    demo.set_defaults(run=cmd_demo)
    build = sub.add_parser("build", help="rebuild source notebooks from lesson scripts and solutions")
    build.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids (default: every available one)")
    build.set_defaults(run=cmd_build)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args, load_course(args.course))
    except (CourseError, NotebookError, SandboxRequired) as error:
        print(f"llmcourse: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
