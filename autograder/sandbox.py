"""Start the worker that runs student code, walled off from everything the grader knows.

With bubblewrap: no network, a read-only view of just the system and the interpreter, a private
/tmp and /proc, uid 65534, none of the course directory, solutions, suites or gradebook (paths
that happen to lie inside a bound directory are covered with an empty tmpfs). Always: resource
limits (address space, CPU time, file size, open files), a process-count cap through the cgroup v1
pids controller where it is writable, and a process group the grader kills from outside.
Without bubblewrap the same worker runs as a plain subprocess with the same limits.
"""

import dataclasses
import functools
import itertools
import os
import resource
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

WORKER_FILES = ("worker.py", "wire.py")
INSIDE = "/grader"
SANDBOX_UID = 65534
PIDS_CGROUP = Path("/sys/fs/cgroup/pids")
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclasses.dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    cpu_seconds: int = 600
    processes: int = 32
    file_mb: int = 16
    open_files: int = 256


@functools.cache
def bwrap_works():
    """True when bubblewrap is installed and can make the namespaces it needs here."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    probe = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", *_system_binds(), "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _system_binds():
    args = []
    for path in ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def python_roots():
    """Directories the interpreter and its packages live in."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(site_dirs())
    roots = sorted({os.path.realpath(r) for r in roots if os.path.isdir(r)})
    return [r for r in roots if not any(r != o and r.startswith(o + os.sep) for o in roots)]


def site_dirs():
    dirs = list(site.getsitepackages()) + [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    return list(dict.fromkeys(d for d in dirs if os.path.isdir(d)))


def _inside(path, roots):
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def bwrap_command(python, worker_dir, fds, hidden_paths):
    binds = ["--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
             "--die-with-parent", *_system_binds()]
    roots = [r for r in python_roots() if not _inside(r, ["/usr", "/bin", "/lib", "/lib64"])]
    for root in roots:
        binds += ["--ro-bind", root, root]
    for secret in sorted({os.path.realpath(p) for p in hidden_paths}):
        if _inside(secret, roots + ["/usr", "/lib", "/bin"]) and os.path.isdir(secret):
            binds += ["--tmpfs", secret]
    for name in WORKER_FILES:
        binds += ["--ro-bind", str(worker_dir / name), f"{INSIDE}/{name}"]
    binds += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp"]
    return [shutil.which("bwrap"), *binds, python, "-I", "-S", "-B", "-u", f"{INSIDE}/worker.py",
            *map(str, fds), *site_dirs()]


def plain_command(python, worker_dir, fds):
    return [python, "-I", "-S", "-B", "-u", str(worker_dir / "worker.py"), *map(str, fds), *site_dirs()]


def worker_env():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({name: "1" for name in THREAD_ENV})
    return env


class PidsCgroup:
    """A cgroup v1 pids child capping how many processes the worker may have; absent if not writable."""
    _names = itertools.count()

    def __init__(self, limit):
        self.path = PIDS_CGROUP / f"llmcourse-{os.getpid()}-{next(self._names)}"
        try:
            self.path.mkdir()
            (self.path / "pids.max").write_text(str(limit))
        except OSError:
            self.path = None

    def enter(self):
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self):
        if self.path is None:
            return
        for _ in range(50):
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                return
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            self.path.rmdir()
        except OSError:
            pass


class WorkerProcess:
    """A running worker: the pipes to talk to it, its captured output, and a way to kill it."""

    def __init__(self, limits, sandboxed, hidden_paths=()):
        self.worker_dir = Path(__file__).resolve().parent
        self.output = tempfile.TemporaryFile()
        self.cgroup = PidsCgroup(limits.processes)
        request_read, self.request_write = os.pipe()
        self.response_read, response_write = os.pipe()
        fds = (request_read, response_write)
        python = os.path.realpath(sys.executable)
        if sandboxed:
            command = bwrap_command(python, self.worker_dir, fds, hidden_paths)
        else:
            command = plain_command(python, self.worker_dir, fds)
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self.output, stderr=self.output,
            pass_fds=fds, env=worker_env(), cwd=tempfile.gettempdir() if not sandboxed else "/",
            start_new_session=True, preexec_fn=lambda: self._in_child(limits))
        os.close(request_read)
        os.close(response_write)

    def _in_child(self, limits):
        self.cgroup.enter()
        mb = 1024 * 1024
        for limit, value in ((resource.RLIMIT_AS, limits.memory_mb * mb),
                             (resource.RLIMIT_CPU, limits.cpu_seconds),
                             (resource.RLIMIT_FSIZE, limits.file_mb * mb),
                             (resource.RLIMIT_NOFILE, limits.open_files),
                             (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(limit, (value, value))

    def alive(self):
        return self.process.poll() is None

    def exit_description(self):
        code = self.process.poll()
        if code is None:
            return "still running"
        if code < 0:
            name = signal.Signals(-code).name
            hint = {"SIGKILL": " (killed: memory or time limit?)", "SIGXCPU": " (CPU time limit)",
                    "SIGSEGV": " (crashed)"}.get(name, "")
            return f"killed by {name}{hint}"
        return f"exited with code {code}"

    def captured_output(self, limit=2000):
        self.output.seek(0, os.SEEK_END)
        size = self.output.tell()
        self.output.seek(max(0, size - limit))
        return self.output.read().decode("utf-8", "replace")

    def kill(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.cgroup.kill_all()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.request_write, self.response_read):
            try:
                os.close(fd)
            except OSError:
                pass
