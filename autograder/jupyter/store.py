"""The check service's database, through SQLAlchemy: SQLite by default, PostgreSQL (or any
SQLAlchemy URL) by URL.

It holds the students with the hash of their token (the token itself is shown once, when issued)
and every check: who, which assignment, when it arrived and finished, what became of it, the score
per exercise and the grading fingerprint. A check is written before it is graded, with the uploaded
notebook, and completed after: a service killed mid-check finds it on restart and grades it then
(`pending`), so no recorded check is lost. Rate limits are counted here too, so that they hold
across restarts and across several service processes sharing one PostgreSQL database.

Every function is synchronous; the service calls them in threads, never on its event loop.
"""

import csv
import dataclasses
import datetime
import hashlib
import json
import secrets
import threading

from sqlalchemy import (ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, create_engine, event, func,
                        select)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from ..classroom.untrusted import csv_cell

TOKEN_PREFIX = "llmc_"


class Base(DeclarativeBase):
    pass


class Student(Base):
    __tablename__ = "students"
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime.datetime | None]


class Check(Base):
    """One click on Check that the service accepted. `status`: queued (recorded, not graded yet),
    graded, refused (the engine could not grade it: the message says why), timed out, failed."""
    __tablename__ = "checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"))
    assignment: Mapped[str] = mapped_column(String(64))
    # The client's id for this click: a retried upload of the same click is not a second check.
    request_key: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime.datetime]
    finished_at: Mapped[datetime.datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None]
    max_score: Mapped[int | None]
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    sandboxed: Mapped[bool | None]
    message: Mapped[str | None] = mapped_column(Text)
    report: Mapped[str | None] = mapped_column(Text)  # the grading's report, JSON
    # Kept only until graded: what a restarted service needs to grade a check it had accepted.
    notebook: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    exercises: Mapped[list["ExerciseScore"]] = relationship(order_by="ExerciseScore.position", lazy="selectin",
                                                            cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("student_id", "request_key"),
                      Index("ix_checks_student_assignment_received", "student_id", "assignment", "received_at"),
                      Index("ix_checks_status", "status"))


class ExerciseScore(Base):
    __tablename__ = "exercise_scores"
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), primary_key=True)
    exercise: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int]
    score: Mapped[int]
    max_score: Mapped[int]


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most `checks` checks per student and assignment in any `seconds`."""
    checks: int = 20
    seconds: int = 3600


@dataclasses.dataclass(frozen=True)
class Admission:
    """What became of an upload: a new check (`check_id`), the check it repeats (`repeated`), or
    refused by the rate limit (`retry_after` seconds)."""
    check_id: int = None
    repeated: bool = False
    retry_after: int = None
    remaining: int = None


def now():
    """UTC without a zone: what SQLite and PostgreSQL's `timestamp` both keep as given."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    def __init__(self, url):
        sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, connect_args={"timeout": 30} if sqlite else {},
                                    pool_pre_ping=not sqlite)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        # SQLite ignores SELECT ... FOR UPDATE: admissions of one process are serialized here, and
        # PostgreSQL's row lock serializes those of several processes.
        self._admitting = threading.Lock()

    def close(self):
        self.engine.dispose()

    # Students and their tokens

    def issue_tokens(self, student_ids, replace=False):
        """A new token for each student (added if new); {student: token}. A student who has a token
        keeps it unless `replace` (which revokes the old one)."""
        issued = {}
        with Session(self.engine) as session, session.begin():
            for student_id in student_ids:
                student = session.get(Student, student_id) or Student(id=student_id)
                session.add(student)
                if student.token_hash is None or replace:
                    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
                    student.token_hash, student.token_issued_at = token_hash(token), now()
                    issued[student_id] = token
        return issued

    def student_for_token(self, token):
        with Session(self.engine) as session:
            return session.scalar(select(Student.id).where(Student.token_hash == token_hash(token)))

    # Checks

    def admit(self, student_id, assignment, request_key, notebook, limit):
        """Record a check before grading it, unless the student is over the limit for this assignment
        or has sent this request already."""
        with self._admitting, Session(self.engine) as session, session.begin():
            if session.get(Student, student_id, with_for_update=True) is None:  # a Hub user's first check
                session.add(Student(id=student_id))
                session.flush()
            repeated = session.scalar(select(Check.id).where(Check.student_id == student_id,
                                                             Check.request_key == request_key))
            if repeated is not None:
                return Admission(check_id=repeated, repeated=True)
            since = now() - datetime.timedelta(seconds=limit.seconds)
            recent = session.scalars(select(Check.received_at).where(
                Check.student_id == student_id, Check.assignment == assignment, Check.received_at > since)
                .order_by(Check.received_at)).all()
            if len(recent) >= limit.checks:
                free_at = recent[len(recent) - limit.checks] + datetime.timedelta(seconds=limit.seconds)
                return Admission(retry_after=max(1, int((free_at - now()).total_seconds()) + 1), remaining=0)
            check = Check(student_id=student_id, assignment=assignment, request_key=request_key, received_at=now(),
                          status="queued", notebook=notebook)
            session.add(check)
            session.flush()
            return Admission(check_id=check.id, remaining=limit.checks - len(recent) - 1)

    def finish(self, check_id, status, report=None, message=None):
        """Complete a check: its report (when graded) or why it has none."""
        with Session(self.engine) as session, session.begin():
            check = session.get(Check, check_id)
            check.status, check.finished_at, check.message, check.notebook = status, now(), message, None
            if report is not None:
                check.report = json.dumps(report)
                check.score, check.max_score = report["score"], report["max_score"]
                check.fingerprint = report.get("grading", {}).get("fingerprint")
                check.sandboxed = report.get("sandboxed")
                check.exercises = [ExerciseScore(exercise=e["name"], position=i, score=e["score"],
                                                 max_score=e["max_score"])
                                   for i, e in enumerate(report["exercises"])]

    def pending(self):
        """Checks recorded but never finished (the service stopped mid-check): [(id, assignment, notebook)]."""
        with Session(self.engine) as session:
            rows = session.execute(select(Check.id, Check.assignment, Check.notebook)
                                   .where(Check.status == "queued").order_by(Check.id)).all()
            return [tuple(row) for row in rows]

    def check(self, check_id, student_id=None):
        """One check as the student sees it (with its report), or None; with `student_id`, only theirs."""
        with Session(self.engine) as session:
            check = session.get(Check, check_id)
            if check is None or student_id is not None and check.student_id != student_id:
                return None
            return describe(check, with_report=True)

    def history(self, student_id, assignment=None):
        with Session(self.engine) as session:
            query = select(Check).where(Check.student_id == student_id).order_by(Check.id)
            if assignment:
                query = query.where(Check.assignment == assignment)
            return [describe(check) for check in session.scalars(query)]

    def count(self, student_id=None):
        with Session(self.engine) as session:
            query = select(func.count(Check.id))
            if student_id is not None:
                query = query.where(Check.student_id == student_id)
            return session.scalar(query)

    def export(self, out, before=None):
        """Every check as CSV rows (one per check, a column per exercise score), for the instructor:
        who checked what, when, how often; with `before` (a naive UTC datetime), only checks
        received before it (a deadline). Returns the number of rows."""
        with Session(self.engine) as session:
            query = select(Check).order_by(Check.assignment, Check.student_id, Check.id)
            if before is not None:
                query = query.where(Check.received_at < before)
            checks = session.scalars(query).all()
            writer = csv.writer(out)
            writer.writerow(["check", "student", "assignment", "attempt", "received_at_utc", "finished_at_utc",
                             "status", "score", "max_score", "exercises", "fingerprint", "sandboxed", "message"])
            attempts = {}
            for check in checks:
                attempt = attempts[check.student_id, check.assignment] = attempts.get(
                    (check.student_id, check.assignment), 0) + 1
                row = [check.id, check.student_id, check.assignment, attempt, _iso(check.received_at),
                       _iso(check.finished_at), check.status, _blank(check.score), _blank(check.max_score),
                       " ".join(f"{e.exercise}={e.score}/{e.max_score}" for e in check.exercises),
                       check.fingerprint or "", _blank(check.sandboxed), check.message or ""]
                writer.writerow([csv_cell(cell) for cell in row])  # a message may quote student text
            return len(checks)


def describe(check, with_report=False):
    described = {"check": check.id, "assignment": check.assignment, "received_at": _iso(check.received_at),
                 "finished_at": _iso(check.finished_at) or None, "status": check.status, "score": check.score,
                 "max_score": check.max_score, "fingerprint": check.fingerprint, "message": check.message,
                 "exercises": {e.exercise: [e.score, e.max_score] for e in check.exercises}}
    if with_report:
        described["report"] = json.loads(check.report) if check.report else None
    return described


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else ""


def _blank(value):
    return "" if value is None else value


def _sqlite_pragmas(connection, _record):
    # WAL: students reading their history do not wait for a check being written, nor the reverse.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
