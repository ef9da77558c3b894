"""`llmcourse serve`: the check service of a class. It holds the course (suites and reference
solutions, which students never get) and grades uploaded notebooks in the sandbox, so that a
class gets the hidden suites' feedback before the deadline without the hidden suites.

    POST /api/checks                  a notebook (JSON body) -> its report; the Check button's call
    GET  /api/checks                  the student's own checks
    GET  /api/checks/{id}             one of them, with its report (another student's: 404)
    GET  /api/students/{id}/checks    the student's own checks by name (another student's: 403)
    GET  /api/health                  no authentication: up, workers, checks waiting

Every /api/checks call needs `Authorization: Bearer <token>`: a token issued from the roster with
`llmcourse tokens`, or, when the service runs as a JupyterHub service, the student's Hub API token
(the single-user server's JUPYTERHUB_API_TOKEN), which the Hub identifies.

A check is refused, before anything is recorded, when it is too large (413), not a notebook of the
course (400), over the student's limit for that assignment (429 with Retry-After), or while too many
checks already wait for a grading process (503 with Retry-After). An admitted check is recorded,
graded in the pool (grading.py) within the time cap (504 past it), and its result recorded.
"""

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from ..engine.course import CourseError, load_course
from ..engine.extract import likeness
from ..engine.notebook import NotebookError, read_notebook
from ..engine.pipeline import sandbox_available
from .grading import GRADER, GradingFailed, GradingPool, GradingTimeout, Refused
from .store import Limit, Store

log = logging.getLogger("llmcourse.serve")
MB = 1 << 20


@dataclasses.dataclass
class Settings:
    db_url: str = "sqlite:///llmcourse-checks.db"
    course_file: str = None
    workers: int = 2
    limit: Limit = Limit()
    max_upload_mb: float = 5.0
    grading_timeout: float = 180.0
    max_waiting: int = 200  # checks waiting for a grading process before new ones get a 503
    require_sandbox: bool = True
    grader: str = GRADER
    # JupyterHub: set when the Hub runs the service (JUPYTERHUB_API_URL, JUPYTERHUB_SERVICE_PREFIX)
    hub_api_url: str = None
    prefix: str = "/"
    grading_environment: dict = None  # of the grading processes (default: the service's)


class CheckService:
    def __init__(self, settings):
        self.settings = settings
        sandbox_available(settings.require_sandbox)  # SandboxRequired now, rather than at every check
        self.course = load_course(settings.course_file)
        self.sources = {lesson.id: read_notebook(lesson.notebook) for lesson in self.course.available
                        if lesson.notebook.is_file()}
        self.store = Store(settings.db_url)
        self.pool = GradingPool(settings.workers, settings.course_file, settings.require_sandbox,
                                settings.grading_timeout, settings.grader, environment=settings.grading_environment)
        self.spool = Path(tempfile.mkdtemp(prefix="llmcourse-serve-"))
        self.gradings = {}  # check id -> its grading task, for a retried upload to wait on
        self.hub_users = {}  # sha256 of a Hub token -> (user, when it was asked)

    async def startup(self):
        await self.pool.start()
        # Checks recorded by a service that was stopped mid-check are graded now.
        pending = await run_in_threadpool(self.store.pending)
        if pending:
            log.info("grading %d check(s) recorded before a restart", len(pending))
        for check_id, assignment, notebook in pending:
            self._start_grading(check_id, assignment, notebook)

    async def shutdown(self):
        await self.pool.close()
        self.store.close()
        shutil.rmtree(self.spool, ignore_errors=True)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app):
        await self.startup()
        try:
            yield
        finally:
            await self.shutdown()

    # Authentication

    async def student(self, request):
        """The student the request's token names, or None."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() not in ("bearer", "token") or not token:
            return None
        student = await run_in_threadpool(self.store.student_for_token, token)
        if student is None and self.settings.hub_api_url:
            student = await self._hub_user(token)
        return student

    async def _hub_user(self, token):
        """Who the Hub says owns `token` (a user's API token), remembered for a minute."""
        import httpx
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        known = self.hub_users.get(key)
        if known and time.monotonic() - known[1] < 60:
            return known[0]
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(self.settings.hub_api_url.rstrip("/") + "/user",
                                        headers={"Authorization": f"token {token}"})
        if response.status_code != 200 or response.json().get("kind", "user") != "user":
            return None
        user = response.json()["name"]
        self.hub_users[key] = (user, time.monotonic())
        return user

    # The endpoints

    async def submit(self, request):
        student = await self.student(request)
        if student is None:
            return unauthorized()
        cap = int(self.settings.max_upload_mb * MB)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            return too_large(self.settings.max_upload_mb)
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > cap:
                    return too_large(self.settings.max_upload_mb)
        except ClientDisconnect:
            return error(400, "the upload was interrupted")
        name = Path(request.headers.get("x-notebook-name", "notebook.ipynb")).name or "notebook.ipynb"
        try:
            assignment = await run_in_threadpool(self.identify, bytes(body), name,
                                                 request.query_params.get("assignment"))
        except (NotebookError, CourseError) as refusal:
            return error(400, str(refusal))
        if self.pool.waiting >= self.settings.max_waiting:
            return error(503, "the check service is busy: try again in a minute", retry_after=60)
        key = request.headers.get("idempotency-key") or uuid.uuid4().hex
        admission = await run_in_threadpool(self.store.admit, student, assignment, key[:64], bytes(body),
                                            self.settings.limit)
        limit = self.settings.limit
        if admission.retry_after is not None:
            return error(429, f"you have used your {limit.checks} checks of {assignment} for now "
                              f"(at most {limit.checks} every {_duration(limit.seconds)}): the next one is "
                              f"possible in {_duration(admission.retry_after)}", retry_after=admission.retry_after)
        task = self.gradings.get(admission.check_id)
        if task is None and not admission.repeated:
            task = self._start_grading(admission.check_id, assignment, bytes(body))
        if task is not None:
            await asyncio.shield(task)
        check = await run_in_threadpool(self.store.check, admission.check_id)
        status = {"graded": 200, "refused": 400, "timed out": 504, "failed": 500, "queued": 202}[check["status"]]
        if status != 200:
            return error(status, check["message"] or "this check is still being graded: see your history",
                         check=check["check"])
        return JSONResponse({"check": check["check"], "report": check["report"], "remaining": admission.remaining,
                             "limit": {"checks": limit.checks, "seconds": limit.seconds}})

    async def history(self, request):
        student = await self.student(request)
        if student is None:
            return unauthorized()
        return JSONResponse({"student": student, "checks": await run_in_threadpool(
            self.store.history, student, request.query_params.get("assignment"))})

    async def one_check(self, request):
        student = await self.student(request)
        if student is None:
            return unauthorized()
        try:
            check_id = int(request.path_params["check"])
        except ValueError:
            return error(404, "no such check")
        check = await run_in_threadpool(self.store.check, check_id, student)
        return JSONResponse(check) if check else error(404, "no such check among yours")

    async def student_history(self, request):
        student = await self.student(request)
        if student is None:
            return unauthorized()
        if request.path_params["student"] != student:
            return error(403, "a student sees only their own checks")
        return await self.history(request)

    async def health(self, request):
        return JSONResponse({"status": "ok", "course": self.course.id, "workers": self.settings.workers,
                             "waiting": self.pool.waiting})

    # Grading

    def identify(self, body, name, assignment=None):
        """The assignment an upload belongs to, or NotebookError/CourseError saying why it is none."""
        upload = self.spool / f"{uuid.uuid4().hex}.ipynb"
        upload.write_bytes(body)
        try:
            notebook = read_notebook(upload)
        except NotebookError as refusal:
            raise NotebookError(str(refusal).replace(str(upload), name)) from None
        finally:
            upload.unlink()
        if assignment:
            lesson = self.course.lesson(assignment)
            if lesson.id not in self.sources:
                raise CourseError(f"{lesson.id} is not available for checking yet")
            return lesson.id
        best, lesson_id = max(((likeness(notebook, source), lesson_id) for lesson_id, source in self.sources.items()),
                              default=(0, None))
        if best == 0:
            raise NotebookError(f"{name} is not a notebook of this course: it has none of the text and tests of "
                                "the course's assignments. Check the notebook you fetched for the assignment.")
        return lesson_id

    def _start_grading(self, check_id, assignment, notebook):
        task = asyncio.ensure_future(self._grade(check_id, assignment, notebook))
        self.gradings[check_id] = task
        task.add_done_callback(lambda _: self.gradings.pop(check_id, None))
        return task

    async def _grade(self, check_id, assignment, notebook):
        path = self.spool / f"check-{check_id}" / f"{assignment}.ipynb"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(notebook)
        outcome = {"status": "failed", "message": "the grader failed; the instructor has been told"}
        try:
            outcome = {"status": "graded", "report": await self.pool.grade(path, assignment)}
        except Refused as refusal:
            outcome = {"status": "refused", "message": str(refusal).replace(str(path.parent) + "/", "")}
        except GradingTimeout as timeout:
            outcome = {"status": "timed out", "message": f"{timeout}: the limit is there so that one notebook "
                                                          "cannot hold up the class. Look for a loop that never ends."}
        except GradingFailed as failure:
            log.error("check %d could not be graded: %s", check_id, failure)
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
            await run_in_threadpool(self.store.finish, check_id, **outcome)


def _duration(seconds):
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds} s"


def error(status, message, retry_after=None, **extra):
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    body = {"error": message, **extra}
    if retry_after is not None:
        body["retry_after"] = retry_after
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized():
    response = error(401, "no valid token: ask your instructor for yours, and set it as the check service "
                          "setting (see the course README)")
    response.headers["WWW-Authenticate"] = 'Bearer realm="llmcourse"'
    return response


def too_large(cap_mb):
    return error(413, f"the notebook is larger than the service accepts ({cap_mb:g} MB): clear the outputs "
                      "(Edit > Clear Outputs of All Cells) and check again")


def create_app(settings):
    service = CheckService(settings)
    routes = [Route("/api/checks", service.submit, methods=["POST"]),
              Route("/api/checks", service.history, methods=["GET"]),
              Route("/api/checks/{check}", service.one_check, methods=["GET"]),
              Route("/api/students/{student}/checks", service.student_history, methods=["GET"]),
              Route("/api/health", service.health, methods=["GET"])]
    prefix = "/" + settings.prefix.strip("/")
    app = Starlette(routes=routes if prefix == "/" else [Mount(prefix, routes=routes)], lifespan=service.lifespan)
    app.state.service = service
    return app


def hub_settings(settings):
    """`settings` completed from the environment JupyterHub gives a service it runs."""
    if os.environ.get("JUPYTERHUB_API_URL") and not settings.hub_api_url:
        settings = dataclasses.replace(settings, hub_api_url=os.environ["JUPYTERHUB_API_URL"],
                                       prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", settings.prefix))
    return settings


def serve(settings, host="127.0.0.1", port=8765):
    import uvicorn
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = hub_settings(settings)
    app = create_app(settings)
    service = app.state.service
    log.info("checking %s for %s on http://%s:%d%s (database %s; %d grading process(es); at most %d checks per "
             "student and assignment every %d s)", service.course.id, "JupyterHub users" if settings.hub_api_url
             else "students with tokens", host, port, settings.prefix, _safe_url(settings.db_url), settings.workers,
             settings.limit.checks, settings.limit.seconds)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)


def _safe_url(url):
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)
