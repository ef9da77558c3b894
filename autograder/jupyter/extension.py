"""The Jupyter server side of the Check button: grades the notebook the button sends, never in
the kernel.

With no check service set, the notebook is graded here, by the course installed beside JupyterLab
(a self-learner's install), in a grading process of this server, through the same sandbox as
`llmcourse check`. With a check service set (a class: students have the student install, which
holds no suites and no solutions), the notebook is sent to the service, which grades it.

The one setting, `c.CourseCheck.service` (or the environment variable LLMCOURSE_CHECK_SERVICE),
is the service's URL with the student's token as its password, as `llmcourse tokens` prints it:
`https://ada:llmc_...@checks.example.edu`. The token never travels in the URL: it is sent as a
bearer token. Without a token in the setting, this server's JupyterHub API token
(JUPYTERHUB_API_TOKEN) is sent: the service, run as a Hub service, asks the Hub whose it is.

    GET  /llmcourse/check        where checks go: {"grader": "local" | "service", "service": URL}; asked by
                                 the panel when JupyterLab opens, it starts the local grading process
    POST /llmcourse/check        {"path": ..., "notebook": {...}} -> {"report": ..., "checked_by": ...}
"""

import asyncio
import json
import os
import tempfile
import urllib.parse
from pathlib import Path, PurePosixPath

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Unicode, default
from traitlets.config import Configurable


class CourseCheck(Configurable):
    service = Unicode(help="The check service of your class: its URL, with your token as the password "
                           "(https://you:TOKEN@host:port). Empty: grade here, with the installed course."
                      ).tag(config=True)
    timeout = Float(600.0, help="Seconds to wait for a check (grading, and the wait for a free grader)"
                    ).tag(config=True)

    @default("service")
    def _service_from_environment(self):
        return os.environ.get("LLMCOURSE_CHECK_SERVICE", "")


def service_address(setting):
    """(URL without credentials, token or None) of the service setting."""
    parts = urllib.parse.urlsplit(setting.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"the check service setting {parts._replace(netloc=parts.hostname or '').geturl()!r} "
                         "is not an http(s) URL")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    token = urllib.parse.unquote(parts.password) if parts.password else None
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")), token


def without_outputs(notebook):
    """The notebook as grading needs it: outputs (figures can weigh megabytes) are never graded."""
    cells = []
    for cell in notebook.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell = {**cell, "outputs": [], "execution_count": None}
        cells.append(cell)
    return {**notebook, "cells": cells}


class LocalGrader:
    """Grades in a grading process of this server, with the course installed here. The process
    dies with the server (it is started to)."""

    def __init__(self):
        self.pool = None

    def warm_up(self):
        """Start the grading process in the background (when JupyterLab opens, before the first
        Check), so that the first click does not wait for it to import the grader."""
        if self.pool is None and installed_course_available():
            from .grading import GradingPool
            self.pool = GradingPool(size=1)
            asyncio.ensure_future(self.pool.start())

    async def check(self, name, notebook):
        # Asked before importing the grading side, which a student install does not have.
        if not installed_course_available():
            raise CheckError(503, "this installation has no course to grade with (a student install): "
                                  "set the check service your instructor gave you (LLMCOURSE_CHECK_SERVICE)")
        from .grading import GradingFailed, GradingTimeout, Refused
        self.warm_up()
        with tempfile.TemporaryDirectory(prefix="llmcourse-check-") as folder:
            path = Path(folder) / name
            path.write_text(json.dumps(notebook), encoding="utf-8")
            try:
                report = await self.pool.grade(path)
            except Refused as refusal:
                raise CheckError(400, str(refusal).replace(folder + "/", "")) from None
            except GradingTimeout as timeout:
                raise CheckError(504, f"{timeout}: look for a loop that never ends") from None
            except GradingFailed as failure:
                raise CheckError(500, f"the grader failed: {failure}") from None
        return {"report": report, "checked_by": "this machine"}


class ServiceGrader:
    """Sends the notebook to the class's check service."""

    def __init__(self, setting, timeout):
        self.url, token = service_address(setting)
        self.token = token or os.environ.get("JUPYTERHUB_API_TOKEN")
        self.timeout = timeout

    async def check(self, name, notebook):
        headers = {"Content-Type": "application/json", "X-Notebook-Name": name}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = HTTPRequest(f"{self.url}/api/checks", method="POST", headers=headers,
                              body=json.dumps(notebook).encode("utf-8"), request_timeout=self.timeout,
                              connect_timeout=20)
        try:
            response = await AsyncHTTPClient().fetch(request)
        except HTTPClientError as failure:
            if failure.response is None:
                raise CheckError(502, f"the check service at {self.url} did not answer ({failure})") from None
            answer = _json(failure.response.body)
            raise CheckError(failure.code, answer.get("error") or f"the check service answered {failure.code}",
                             retry_after=answer.get("retry_after")) from None
        except OSError as failure:
            raise CheckError(502, f"cannot reach the check service at {self.url}: {failure.strerror or failure}"
                             ) from None
        answer = _json(response.body)
        return {**answer, "checked_by": self.url}


class CheckError(Exception):
    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def installed_course_available():
    """Whether the full course (suites, solutions) is installed here, as `llmcourse check` needs."""
    from importlib.util import find_spec
    return find_spec("solutions") is not None and find_spec("autograder.engine") is not None


def _json(body):
    try:
        answer = json.loads(body)
        return answer if isinstance(answer, dict) else {}
    except ValueError:
        return {}


class CheckHandler(APIHandler):
    def initialize(self, grader):
        self.grader = grader

    @web.authenticated
    def get(self):
        # The panel asks this when JupyterLab opens: a Check is likely to follow.
        if isinstance(self.grader, LocalGrader):
            self.grader.warm_up()
        service = getattr(self.grader, "url", None)
        self.finish(json.dumps({"grader": "service" if service else "local", "service": service}))

    @web.authenticated
    async def post(self):
        request = self.get_json_body() or {}
        notebook = request.get("notebook")
        if not isinstance(notebook, dict):
            raise web.HTTPError(400, "expected {'path': ..., 'notebook': {...}}")
        name = PurePosixPath(str(request.get("path") or "notebook.ipynb")).name
        try:
            answer = await self.grader.check(name, without_outputs(notebook))
        except CheckError as failure:
            self.set_status(failure.status)
            answer = {"error": str(failure), "retry_after": failure.retry_after}
        self.finish(json.dumps(answer))


def load(server_app):
    settings = CourseCheck(parent=server_app)
    grader = ServiceGrader(settings.service, settings.timeout) if settings.service.strip() else LocalGrader()
    route = url_path_join(server_app.web_app.settings["base_url"], "llmcourse", "check")
    server_app.web_app.add_handlers(".*$", [(route, CheckHandler, {"grader": grader})])
    where = f"the check service {grader.url}" if isinstance(grader, ServiceGrader) else "this machine's course"
    server_app.log.info(f"llmcourse Check button: notebooks are graded by {where}")
