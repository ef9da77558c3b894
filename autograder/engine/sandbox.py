"""Start the worker that runs student code, walled off from everything the grader knows.

With bubblewrap: no network, a read-only view of just the system and the interpreter, a private
/proc, uid 65534, none of the course directory, solutions, suites or gradebook (paths that happen
to lie inside a bound directory are covered with an empty read-only tmpfs). The only writable
places are /tmp and /dev/shm, small size-capped tmpfs: tmpfs lives in RAM, so an uncapped one (or a
writable root) would let student code fill the machine's memory one file at a time. Always: resource
limits (address space, CPU time, file size, open files), caps on the process count and on the memory
of all the worker's processes together through cgroup v1 where it is writable, and a process group
the grader kills from outside.
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
import time
from pathlib import Path

WORKER_FILES = ("worker.py", "wire.py")
INSIDE = "/grader"
SANDBOX_UID = 65534
CGROUP_ROOT = Path("/sys/fs/cgroup")
MB = 1024 * 1024
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclasses.dataclass(frozen=True)
class Limits:
    """The sandbox's share of a lesson's budget (course.Budget holds the values)."""
    memory_mb: int
    cpu_seconds: int
    processes: int
    file_mb: int
    open_files: int
    scratch_mb: int  # size of each writable tmpfs (/tmp, /dev/shm) in the sandbox


@functools.cache
def bwrap_works():
    """True when bubblewrap is installed and can make the namespaces it needs here."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    probe = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", *_system_binds(),
             *_scratch_mounts(1), *READ_ONLY_ROOT, "true"]
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


def _scratch_mounts(size_mb):
    """/dev, and the writable tmpfs mounts, capped. They come before the binds, so that an interpreter
    or virtual environment under /tmp is bound on top of the new /tmp rather than hidden by it."""
    size = str(size_mb * MB)
    return ["--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm", "--size", size, "--tmpfs", "/tmp"]


# Last: everything bwrap made writable turns read-only (the root and /dev are tmpfs too).
# --remount-ro is not recursive, so /tmp and /dev/shm stay writable.
READ_ONLY_ROOT = ["--remount-ro", "/dev", "--remount-ro", "/"]


def python_roots():
    """Directories the interpreter and its packages live in."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(site_dirs())
    roots = sorted({os.path.realpath(r) for r in roots if os.path.isdir(r)})
    return [r for r in roots if not any(r != o and r.startswith(o + os.sep) for o in roots)]


def site_dirs():
    """Where the grader's packages come from: its site directories, and any other site-packages on
    its path (one a .pth file adds, say), so that the worker imports what the grader imports."""
    dirs = list(site.getsitepackages()) + [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    dirs += [d for d in sys.path if os.path.basename(d) in ("site-packages", "dist-packages")]
    return list(dict.fromkeys(d for d in dirs if os.path.isdir(d)))


def _inside(path, roots):
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def bwrap_command(python, worker_dir, fds, hidden_paths, scratch_mb):
    binds = ["--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
             "--die-with-parent", *_system_binds(), *_scratch_mounts(scratch_mb)]
    roots = [r for r in python_roots() if not _inside(r, ["/usr", "/bin", "/lib", "/lib64"])]
    for root in roots:
        binds += ["--ro-bind", root, root]
    for secret in sorted({os.path.realpath(p) for p in hidden_paths}):
        if _inside(secret, roots + ["/usr", "/lib", "/bin"]) and os.path.isdir(secret):
            binds += ["--tmpfs", secret, "--remount-ro", secret]
    for name in WORKER_FILES:
        binds += ["--ro-bind", str(worker_dir / name), f"{INSIDE}/{name}"]
    binds += ["--proc", "/proc", *READ_ONLY_ROOT, "--chdir", "/tmp"]
    return [shutil.which("bwrap"), *binds, python, "-I", "-S", "-B", "-u", f"{INSIDE}/worker.py",
            *map(str, fds), *site_dirs()]


def plain_command(python, worker_dir, fds):
    return [python, "-I", "-S", "-B", "-u", str(worker_dir / "worker.py"), *map(str, fds), *site_dirs()]


def worker_env():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({name: "1" for name in THREAD_ENV})
    return env


def _own_cgroup(controller):
    """This process's cgroup v1 directory for `controller`, e.g. /sys/fs/cgroup/memory/some/path."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return CGROUP_ROOT / controller / path.lstrip("/")
    return None


class WorkerCgroups:
    """cgroup v1 children for one worker: a cap on its processes (pids) and on the memory all of them
    use together, tmpfs pages included (memory), since rlimits count per process. Each is skipped
    where its controller is not writable."""
    _names = itertools.count()

    def __init__(self, limits):
        name = f"llmcourse-{os.getpid()}-{next(self._names)}"
        self.paths = []
        for controller, settings in (("pids", {"pids.max": limits.processes}),
                                     ("memory", {"memory.limit_in_bytes": limits.memory_mb * MB})):
            parent = _own_cgroup(controller)
            if parent is None:
                continue
            path = parent / name
            try:
                path.mkdir()
                for key, value in settings.items():
                    (path / key).write_text(str(value))
            except OSError:
                _remove_quietly(path)
                continue
            self.paths.append(path)

    def enter(self):
        for path in self.paths:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self):
        """SIGKILL every process in the groups, also those that left the worker's process group."""
        for path in self.paths:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass

    def remove(self):
        """Remove the cgroups; possible only once the killed processes are reaped, which takes a
        moment (the worker's own zombie stays listed until the grader has waited for it)."""
        for path in self.paths:
            for _ in range(200):
                if _remove_quietly(path):
                    break
                self.kill_all()
                time.sleep(0.005)


def _remove_quietly(path):
    try:
        path.rmdir()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


class WorkerProcess:
    """A running worker: the pipes to talk to it, its captured output, and a way to kill it."""

    def __init__(self, limits, sandboxed, hidden_paths=()):
        self.sandboxed = sandboxed
        self.worker_dir = Path(__file__).resolve().parent
        # The student's prints go to a file of their own (capped by RLIMIT_FSIZE): never to the grader's
        # terminal, never parsed.
        self.student_output = tempfile.TemporaryFile()
        self.cgroup = WorkerCgroups(limits)
        request_read, self.request_write = os.pipe()
        self.response_read, response_write = os.pipe()
        fds = (request_read, response_write)
        python = os.path.realpath(sys.executable)
        if sandboxed:
            command = bwrap_command(python, self.worker_dir, fds, hidden_paths, limits.scratch_mb)
        else:
            command = plain_command(python, self.worker_dir, fds)
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self.student_output, stderr=self.student_output,
            pass_fds=fds, env=worker_env(), cwd=tempfile.gettempdir() if not sandboxed else "/",
            start_new_session=True, preexec_fn=lambda: self._in_child(limits))
        os.close(request_read)
        os.close(response_write)

    def _in_child(self, limits):
        self.cgroup.enter()
        for limit, value in ((resource.RLIMIT_AS, limits.memory_mb * MB),
                             (resource.RLIMIT_CPU, limits.cpu_seconds),
                             (resource.RLIMIT_FSIZE, limits.file_mb * MB),
                             (resource.RLIMIT_NOFILE, limits.open_files),
                             (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(limit, (value, value))

    def alive(self):
        return self.process.poll() is None

    def exit_description(self):
        code = self.process.poll()
        if code is None:
            return "still running"
        if self.sandboxed and code > 128:  # bwrap reports a signal N as exit code 128 + N
            code = 128 - code
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:  # student code picks the signal, and 35..63 have no name
                name = f"signal {-code}"
            hint = {"SIGKILL": " (killed: memory or time limit?)", "SIGXCPU": " (CPU time limit)",
                    "SIGSEGV": " (crashed)"}.get(name, "")
            return f"killed by {name}{hint}"
        return f"exited with code {code}"

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
        self.cgroup.remove()
        self.student_output.close()
        for fd in (self.request_write, self.response_read):
            try:
                os.close(fd)
            except OSError:
                pass
