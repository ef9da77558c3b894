"""The instructor's side of the check service: issuing tokens from the roster, exporting the checks."""

import csv
import datetime
import os
import urllib.parse
from pathlib import Path

from ..classroom.coursedir import read_roster
from ..engine.course import CourseError
from .store import Store


def roster_ids(roster):
    """The student ids of a roster CSV (the course's roster format: coursedir.read_roster)."""
    ids = [student["id"] for student in read_roster(roster)]
    if len(set(ids)) != len(ids):
        raise CourseError(f"{roster}: a student id appears twice")
    return ids


def connection_setting(service, student, token):
    """The one setting a student's JupyterLab needs: the service URL with the token as password."""
    parts = urllib.parse.urlsplit(service)
    netloc = f"{urllib.parse.quote(student, safe='')}:{urllib.parse.quote(token, safe='')}@{parts.netloc}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def issue_tokens(roster, db_url, output, service=None, replace=False):
    """Tokens for the roster's students who have none (for all of them with `replace`), written to
    `output` (CSV: student, token and, given the service's public URL, the setting). Only the
    tokens' hashes are kept in the database: `output` is the one copy, readable by its owner only."""
    store = Store(db_url)
    try:
        issued = store.issue_tokens(roster_ids(roster), replace)
    finally:
        store.close()
    output = Path(output)
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "token", "setting"])
        for student, token in issued.items():
            writer.writerow([student, token, connection_setting(service, student, token) if service else ""])
    return issued


def export_checks(db_url, output, before=None):
    """Every check to CSV; `before`: an ISO date or time (UTC unless it names its zone), a deadline."""
    deadline = None
    if before:
        try:
            deadline = datetime.datetime.fromisoformat(before)
        except ValueError:
            raise CourseError(f"--before {before!r}: expected an ISO date or time, e.g. 2026-03-01T23:59") from None
        if deadline.tzinfo is not None:
            deadline = deadline.astimezone(datetime.UTC).replace(tzinfo=None)
    store = Store(db_url)
    try:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            return store.export(handle, deadline)
    finally:
        store.close()
