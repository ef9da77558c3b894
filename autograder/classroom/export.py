"""`llmcourse export`: grades out of the course directory, in the formats of the EXPORTERS registry.

csv: one row per student, one column per exercise (`<assignment>/<exercise>`), a total per
assignment and an overall total, read from nbgrader's gradebook (so a manual override made in the
formgrader wins over our autograde score, as in nbgrader's own export).
gradescope: per submission of a student on the roster, a results.json in Gradescope's autograder
format, from our report.
A text cell that a spreadsheet would take for a formula is written as text (untrusted.csv_cell).
"""

import csv
import dataclasses
import json
from pathlib import Path

from nbgrader.api import MissingEntry

from .autograde import find_submissions, read_report, report_path
from .coursedir import CourseDir
from .untrusted import csv_cell


def export_csv(course_dir, course, target):
    """Write grades.csv to `target`; returns what to tell the instructor."""
    course_dir = CourseDir.of(course_dir)
    lessons = course.available
    header = ["student_id"]
    for lesson in lessons:
        header += [f"{lesson.id}/{e.name}" for e in lesson.exercises] + [f"{lesson.id}/total"]
    header.append("total")
    rows = []
    with course_dir.gradebook() as gradebook:
        for student in sorted(gradebook.students, key=lambda s: s.id):
            row, total = [student.id], 0.0
            for lesson in lessons:
                lesson_total = 0.0
                for exercise in lesson.exercises:
                    try:
                        score = gradebook.find_grade(exercise.grade_id, lesson.id, lesson.id, student.id).score
                    except MissingEntry:
                        score = None
                    row.append("" if score is None else _number(score))
                    lesson_total += score or 0.0
                row.append(_number(lesson_total))
                total += lesson_total
            row.append(_number(total))
            rows.append(row)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_cell(cell) for cell in header])
        writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return f"wrote {target}"


def _number(value):
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def gradescope_results(stored):
    report = stored["report"]
    tests = [{"name": f"{e['name']} / {t['name']}", "score": t["score"], "max_score": t["max_score"],
              "output": t["message"] or "passed", "visibility": "visible"}
             for e in report["exercises"] for t in e["tests"]]
    return {"score": report["score"], "execution_time": stored.get("seconds", 0.0), "tests": tests}


def export_gradescope(course_dir, course, target_dir):
    """Write <target_dir>/<student>/<assignment>/results.json; returns what to tell the instructor."""
    course_dir = CourseDir.of(course_dir)
    target_dir = Path(target_dir)
    roster = course_dir.roster()
    written = []
    for lesson in course.available:
        for submission in find_submissions(course_dir, lesson):
            stored = read_report(report_path(course_dir, submission))
            if submission.student not in roster or stored is None:
                continue
            out = target_dir / submission.student / lesson.id / "results.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(gradescope_results(stored), indent=2), encoding="utf-8")
            written.append(out)
    return f"wrote {len(written)} results.json file(s) under {target_dir}/"


@dataclasses.dataclass(frozen=True)
class Exporter:
    write: object        # write(course_dir, course, target) -> a line for the instructor
    default_target: str  # where it writes when the instructor names no place
    help: str


EXPORTERS = {
    "csv": Exporter(export_csv, "grades.csv", "one row per student, a column per exercise, totals"),
    "gradescope": Exporter(export_gradescope, "gradescope", "results.json per submission, Gradescope's format"),
}
