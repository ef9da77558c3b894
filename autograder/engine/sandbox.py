"""Start the worker that runs student code, walled off from everything the grader knows.

With bubblewrap: no network, no /proc (only the CPU description), a read-only view of the system and
the interpreter in which every site-packages folder is empty but for NumPy and what the lesson uses
(course.yml `uses:`: packages with their dependencies, or single package files), none of the course
directory, solutions, suites or gradebook. The only writable places are /tmp and /dev/shm, small
size-capped tmpfs (tmpfs lives in RAM, so an uncapped one would let student code fill the machine's
memory one file at a time). Run by root, the worker runs as a uid of its own (never the grader's:
bwrap makes the mounts, setpriv then drops to that uid and every capability); run by another user,
as uid 65534 of a user namespace, which is that user outside.

Always: resource limits (address space, CPU time, file size, open files), a cap on the processes
and on the memory of all the worker's processes together through a cgroup (v1 or v2, whichever is
writable; RLIMIT_NPROC under the worker's own uid where none is), a process group the grader kills
from outside, and the worker's output thrown away (a file of the grader's would let student code
grow the grader's disk). `isolation()` says which of these applied. Without bubblewrap the same
worker runs as a plain subprocess with the same limits.
"""

import csv
import ctypes
import dataclasses
import functools
import glob
import importlib.metadata
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

from packaging.requirements import InvalidRequirement, Requirement

WORKER_FILES = ("worker.py", "wire.py")
INSIDE = "/grader"
NAMESPACE_UID = 65534  # the worker's uid inside a user namespace (a non-root grader)
UID_BASE = 1_000_000  # root: the worker runs as UID_BASE + the grader's pid, a uid nobody else has
CGROUP_ROOT = Path("/sys/fs/cgroup")
MB = 1024 * 1024
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
ALWAYS_USED = ("numpy",)  # the worker's own wire format needs it
# What torch reads to choose its CPU kernels; harmless facts about the machine, not about the grader.
CPU_FACTS = ("/proc/cpuinfo", "/sys/devices/system/cpu")
PR_SET_PDEATHSIG = 1
OPTIONAL_SETTINGS = {"memory.swap.max"}  # absent where the kernel has no swap accounting


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
    probe = [bwrap, *_namespaces(), "--die-with-parent", *_system_binds(), *_scratch_mounts(1), *READ_ONLY_ROOT,
             *_drop_uid(), "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _as_root():
    return os.geteuid() == 0


def worker_uid():
    return UID_BASE + os.getpid() if _as_root() else NAMESPACE_UID


def _namespaces():
    """Root makes the mounts without a user namespace, so that the worker can then drop to a uid of
    its own; anyone else needs one (and the worker is then that user, outside)."""
    shared = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if _as_root():
        return shared
    return [*shared, "--unshare-user", "--uid", str(NAMESPACE_UID), "--gid", str(NAMESPACE_UID)]


def _drop_uid():
    if not _as_root():
        return []
    uid = str(worker_uid())
    return ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--"]


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
    """/dev, and the writable tmpfs mounts, capped and writable by the worker's uid. They come before
    the binds, so that an interpreter or virtual environment under /tmp is bound on top of the new
    /tmp rather than hidden by it."""
    size = str(size_mb * MB)
    return ["--dev", "/dev", "--perms", "01777", "--size", size, "--tmpfs", "/dev/shm",
            "--perms", "01777", "--size", size, "--tmpfs", "/tmp"]


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
    return list(dict.fromkeys(os.path.realpath(d) for d in dirs if os.path.isdir(d)))


def _other_package_dirs():
    """Package folders of other Pythons that the system binds bring along (Debian's, /usr/local's)."""
    return sorted(d for pattern in ("/usr/lib/python3*/dist-packages", "/usr/lib/python3*/site-packages",
                                    "/usr/local/lib/python3*/*-packages")
                  for d in glob.glob(pattern) if os.path.isdir(d))


def _inside(path, roots):
    return any(path == r or path.startswith(r + os.sep) for r in roots)


class UsesError(ValueError):
    pass


@functools.cache
def used_paths(uses):
    """The site-packages entries the worker may see for a lesson's `uses` (a tuple of names): each
    installed package (by import or distribution name) with the packages it requires, or else a
    single file or folder named by its path in a site-packages folder
    ("tiktoken_ext/data/cl100k_base.tiktoken"). NumPy always."""
    paths, seen = set(), set()
    pending = [*ALWAYS_USED, *uses]
    while pending:
        name = pending.pop()
        # Mapping import names to distributions reads every distribution's files (0.1 s): only for
        # a name that is no distribution's and no path.
        dist_names = ([name] if _distribution(name) else [] if "/" in name
                      else _packages_distributions().get(name, []))
        if not dist_names:  # a file or folder of a site-packages folder, by its path there
            found = [os.path.join(d, name) for d in site_dirs() if os.path.exists(os.path.join(d, name))]
            if not found:
                raise UsesError(f"course.yml uses {name!r}: no installed package has that name, and no "
                                "site-packages folder holds such a file")
            paths.update(found)
            continue
        for dist_name in dist_names:
            key = dist_name.lower().replace("_", "-")
            if key in seen:
                continue
            seen.add(key)
            dist = _distribution(dist_name)
            base = os.path.realpath(str(dist.locate_file("")))
            for entry in _top_entries(dist):
                if entry != ".." and not entry.endswith((".dist-info", ".egg-info")) and entry != "__pycache__":
                    if os.path.exists(os.path.join(base, entry)):
                        paths.add(os.path.join(base, entry))
            pending += _required(dist)
    return tuple(sorted(paths))


@functools.cache
def _packages_distributions():
    return importlib.metadata.packages_distributions()


def _top_entries(dist):
    """The first part of the path of each file a distribution installed. From its RECORD's lines when
    it has one: `dist.files` makes a path object of each (torch's 17,000 files: 0.15 s per lesson)."""
    record = dist.read_text("RECORD")
    if record is None:
        return {Path(str(f)).parts[0] for f in dist.files or ()}
    return {row[0].split("/", 1)[0] for row in csv.reader(record.splitlines()) if row}


def _distribution(name):
    try:
        return importlib.metadata.distribution(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


def _required(dist):
    names = []
    for text in dist.requires or ():
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def _dirs_toward(path, made, bound=(), emptied=()):
    """--dir for each folder on the way to `path` that is not there yet in the sandbox, world-readable
    (bwrap makes them 0700 otherwise, which only root may cross). Folders inside a `bound` tree are
    there, unless they lie inside one of the `emptied` folders."""
    args = []
    for parent in map(str, reversed(Path(path).parents)):
        inside_emptied = any(parent != folder and _inside(parent, [folder]) for folder in emptied)
        if parent == "/" or parent in made or (_inside(parent, bound) and not inside_emptied):
            continue
        made.add(parent)
        args += ["--perms", "0755", "--dir", parent]
    return args


def _bound_roots():
    """The interpreter's directories that the system binds do not bring along already."""
    return [r for r in python_roots() if not _inside(r, ["/usr", "/bin", "/lib", "/lib64"])]


def covered_secrets(hidden_paths):
    """The hidden folders that lie inside what the sandbox binds, and so must be covered; the others
    the worker could not see anyway."""
    roots = _bound_roots()
    return sorted(secret for secret in {os.path.realpath(p) for p in hidden_paths}
                  if _inside(secret, roots + ["/usr", "/lib", "/bin"]) and os.path.isdir(secret))


def bwrap_command(python, worker_dir, fds, hidden_paths, scratch_mb, uses=()):
    binds = [*_namespaces(), "--die-with-parent", *_system_binds(), *_scratch_mounts(scratch_mb)]
    made = {"/tmp", "/dev", "/dev/shm", "/usr", "/bin", "/lib", "/lib64", "/sbin", "/lib32"}
    roots = _bound_roots()
    for root in roots:
        binds += [*_dirs_toward(root, made), "--ro-bind", root, root]
    # Every package folder starts empty; then the lesson's packages are bound back into it.
    covered = [d for d in site_dirs() + _other_package_dirs() if _inside(d, roots + ["/usr"])]
    for folder in covered:
        binds += ["--tmpfs", folder]
        made.add(folder)
    for path in used_paths(tuple(uses)):
        binds += [*_dirs_toward(path, made, roots, covered), "--ro-bind", path, path]
    binds += [arg for folder in covered for arg in ("--remount-ro", folder)]
    # A secret inside an emptied package folder (the course installed as a wheel) is gone already,
    # and could not be covered there (the folder is read-only by now); what a lesson uses is never
    # the course's own code.
    for secret in covered_secrets(hidden_paths):
        if not _inside(secret, covered):
            binds += ["--tmpfs", secret, "--remount-ro", secret]
    binds += ["--perms", "0755", "--dir", INSIDE]
    for name in WORKER_FILES:
        binds += ["--ro-bind", str(worker_dir / name), f"{INSIDE}/{name}"]
    for fact in CPU_FACTS:
        if os.path.exists(fact):
            binds += [*_dirs_toward(fact, made), "--ro-bind", fact, fact]
    binds += [*READ_ONLY_ROOT, "--chdir", "/tmp"]
    return [shutil.which("bwrap"), *binds, *_drop_uid(), python, "-I", "-S", "-B", "-u", f"{INSIDE}/worker.py",
            *map(str, fds), *site_dirs()]


def plain_command(python, worker_dir, fds):
    return [python, "-I", "-S", "-B", "-u", str(worker_dir / "worker.py"), *map(str, fds), *site_dirs()]


def worker_env(uses=()):
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "LLMCOURSE_PRELOAD": ",".join(name for name in uses if name.isidentifier())}
    env.update({name: "1" for name in THREAD_ENV})
    return env


# -- cgroups -----------------------------------------------------------------------------------------
def _own_cgroups(proc_cgroup="/proc/self/cgroup", root=CGROUP_ROOT):
    """{controller: this process's cgroup v1 folder} and, for a cgroup v2 hierarchy, its folder."""
    try:
        lines = Path(proc_cgroup).read_text().splitlines()
    except OSError:
        return {}, None
    v1, v2 = {}, None
    for line in lines:
        number, controllers, path = line.split(":", 2)
        if number == "0" and not controllers:
            for mount in (root, root / "unified"):
                if (mount / "cgroup.controllers").is_file():
                    v2 = mount / path.lstrip("/")
                    break
        for controller in controllers.split(","):
            if controller:
                v1[controller] = root / controller / path.lstrip("/")
    return v1, v2


class WorkerCgroups:
    """Caps on the number of the worker's processes and on the memory of all of them together, tmpfs
    pages included (rlimits count per process). cgroup v1 (a child in the pids and memory
    hierarchies) or cgroup v2 (a child of an llmcourse folder at the hierarchy's root, with pids and
    memory enabled for it), whichever is writable; none where neither is. `kinds` says what applied.
    Folders of graders that died without removing theirs are removed on the way."""
    _names = itertools.count()

    def __init__(self, limits, proc_cgroup="/proc/self/cgroup", root=CGROUP_ROOT):
        self.name = f"llmcourse-{os.getpid()}-{next(self._names)}"
        self.paths, self.kinds = [], []
        v1, v2 = _own_cgroups(proc_cgroup, root)
        settings_v1 = (("pids", "pids.max", limits.processes), ("memory", "memory.limit_in_bytes", limits.memory_mb * MB))
        for controller, key, value in settings_v1:
            if controller in v1 and self._make(v1[controller], {key: value}):
                self.kinds.append(f"cgroup v1 {controller}")
        if not self.kinds and v2 is not None:
            base = _v2_root(v2)
            if self._enable_v2(base) and self._make(base / "llmcourse", {"pids.max": limits.processes,
                                                                           "memory.max": limits.memory_mb * MB,
                                                                           "memory.swap.max": 0}):
                self.kinds += ["cgroup v2 pids", "cgroup v2 memory"]

    def _make(self, parent, settings):
        if not parent.is_dir():
            return False
        remove_stale(parent)
        path = parent / self.name
        try:
            path.mkdir()
            for key, value in settings.items():
                if key not in OPTIONAL_SETTINGS or (path / key).exists():
                    (path / key).write_text(str(value))
        except OSError:
            _remove_quietly(path)
            return False
        self.paths.append(path)
        return True

    @staticmethod
    def _enable_v2(base):
        """Let the llmcourse folder's children use pids and memory (cgroup v2 hands controllers down
        one level at a time, and only from a folder without processes of its own)."""
        try:
            (base / "llmcourse").mkdir(exist_ok=True)
            for folder in (base, base / "llmcourse"):
                enabled = (folder / "cgroup.subtree_control").read_text().split()
                missing = [c for c in ("pids", "memory") if c not in enabled]
                if missing:
                    (folder / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in missing))
            return True
        except OSError:
            return False

    def enter(self):
        for path in self.paths:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self):
        """SIGKILL every process in the groups, also those that left the worker's process group."""
        for path in self.paths:
            _kill_members(path)

    def remove(self):
        """Remove the cgroups; possible only once the killed processes are reaped, which takes a
        moment (the worker's own zombie stays listed until the grader has waited for it)."""
        for path in self.paths:
            for _ in range(200):
                if _remove_quietly(path):
                    break
                _kill_members(path)
                time.sleep(0.005)


def _v2_root(own):
    """The root of the cgroup v2 hierarchy that `own` (a folder in it) belongs to."""
    path = own
    while (path.parent / "cgroup.controllers").is_file() and path.parent != path:
        path = path.parent
    return path


def _kill_members(path):
    for _ in range(50):
        try:
            pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def remove_stale(parent):
    """Remove llmcourse-<pid>-<n> cgroups whose grader process is gone (killed before it could)."""
    try:
        children = list(parent.glob("llmcourse-*-*"))
    except OSError:
        return
    for child in children:
        try:
            pid = int(child.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        for _ in range(100):
            _kill_members(child)
            if _remove_quietly(child):
                break
            time.sleep(0.005)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_quietly(path):
    try:
        path.rmdir()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def die_with_parent():
    """In a child process: be killed when the process that started it dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


class WorkerProcess:
    """A running worker: the pipes to talk to it and a way to kill it."""

    def __init__(self, limits, sandboxed, hidden_paths=(), uses=()):
        self.sandboxed = sandboxed
        self.limits = limits
        self.worker_dir = Path(__file__).resolve().parent
        self.cgroup = WorkerCgroups(limits)
        request_read, self.request_write = os.pipe()
        self.response_read, response_write = os.pipe()
        for fd in (self.request_write, self.response_read):
            os.set_blocking(fd, False)  # student code could drain or fill a pipe: never block on one
        fds = (request_read, response_write)
        python = os.path.realpath(sys.executable)
        if sandboxed:
            command = bwrap_command(python, self.worker_dir, fds, hidden_paths, limits.scratch_mb, uses)
        else:
            command = plain_command(python, self.worker_dir, fds)
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=fds, env=worker_env(uses), cwd="/" if sandboxed else tempfile.gettempdir(),
            start_new_session=True, preexec_fn=self._in_child)
        os.close(request_read)
        os.close(response_write)

    def _in_child(self):
        die_with_parent()
        self.cgroup.enter()
        limits = self.limits
        settings = [(resource.RLIMIT_AS, limits.memory_mb * MB), (resource.RLIMIT_CPU, limits.cpu_seconds),
                    (resource.RLIMIT_FSIZE, limits.file_mb * MB), (resource.RLIMIT_NOFILE, limits.open_files),
                    (resource.RLIMIT_CORE, 0)]
        if self.sandboxed and _as_root():  # counted per uid: the worker's own, so its processes alone
            settings.append((resource.RLIMIT_NPROC, limits.processes))
        for limit, value in settings:
            resource.setrlimit(limit, (value, value))

    def isolation(self):
        """What walls this worker has, in words (shown once by `check`, kept in reports)."""
        if not self.sandboxed:
            uid = "your own (no sandbox)"
        elif _as_root():
            uid = f"{worker_uid()}, a uid of its own"
        else:
            uid = "65534 in a user namespace (your own outside it)"
        processes = next((k for k in self.cgroup.kinds if k.endswith("pids")), None)
        if processes is None and self.sandboxed and _as_root():
            processes = "RLIMIT_NPROC of its own uid"
        memory = next((k for k in self.cgroup.kinds if k.endswith("memory")), None)
        return {"sandbox": "bubblewrap" if self.sandboxed else "none", "uid": uid,
                "processes": processes or "not capped (no writable cgroup, no uid of its own)",
                "memory": f"{memory} and RLIMIT_AS" if memory else "RLIMIT_AS per process"}

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
        for fd in (self.request_write, self.response_read):
            try:
                os.close(fd)
            except OSError:
                pass
