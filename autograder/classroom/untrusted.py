"""What students control, handled where it lands: their files in the exchange and in submitted/, and
their text in the instructor's terminal, the CSV export, reports and feedback pages.

Files: a submission is taken only as regular files in real folders. Every entry is examined without
following links (lstat, then open with O_NOFOLLOW relative to its already-open folder and fstat the
open file), so a link, named pipe, device, socket or hard link (a second name for a file that lives
elsewhere) is refused wherever it sits, even one swapped in after the folder was listed.

Text: control characters and escape sequences cannot reach a terminal, a CSV cell cannot start a
formula, a lone surrogate (which no encoding can write) cannot crash a write, and no message grows
a report past a fixed size.
"""

import dataclasses
import errno
import fnmatch
import os
import pwd
import re
import stat
from pathlib import Path

from autograder.engine.report import terminal_safe

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a named pipe swapped in after the check must not wait for a writer.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device",
         stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}
CHUNK = 1 << 16

MESSAGE_CHARS = 4000       # of one message in a report (a failing test's feedback, a load problem)
REPORT_BYTES = 256 * 1024  # of a whole stored report, as JSON
SHORT_CHARS = 400          # of each message when a report would still be larger than REPORT_BYTES
SURROGATE = re.compile(r"[\ud800-\udfff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Refused(Exception):
    """A submission that is not taken, with the reason, naming files relative to the submission."""


@dataclasses.dataclass(frozen=True)
class Rules:
    """What a submission may hold. `owner`: the user every entry must belong to (None: anyone);
    `ignore`/`include`: nbgrader's name patterns (CourseDirectory.ignore/include); sizes in bytes."""
    owner: str = None
    ignore: tuple = ()
    include: tuple = ("*",)
    max_file_bytes: int = None   # larger files are left out, as nbgrader does
    max_total_bytes: int = None  # a larger submission is refused
    max_entries: int = 10_000

    def skipped(self, name, is_folder):
        return (any(fnmatch.fnmatch(name, pattern) for pattern in self.ignore)
                or not is_folder and not any(fnmatch.fnmatch(name, pattern) for pattern in self.include))


def owner_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _examine(entry, relative, rules):
    """The problem with an fstat/lstat result, or None."""
    kind = stat.S_IFMT(entry.st_mode)
    if kind not in (stat.S_IFREG, stat.S_IFDIR):
        return f"{relative} is {KINDS.get(kind, 'not a regular file')}"
    if kind == stat.S_IFREG and entry.st_nlink > 1:
        return f"{relative} is a hard link (a second name of a file that lives elsewhere)"
    if rules.owner is not None and owner_name(entry.st_uid) != rules.owner:
        return f"{relative} belongs to {owner_name(entry.st_uid)}, not to {rules.owner}"
    return None


def _open_checked(name, flags, dir_fd, relative, rules, lstat_result=None):
    """Open `name` without following a link; Refused unless it is what the check saw."""
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENXIO):
            raise Refused(f"{relative} is a symbolic link or not what it claims to be") from None
        raise Refused(f"{relative} cannot be read: {error.strerror}") from None
    opened = os.fstat(fd)
    problem = _examine(opened, relative, rules)
    if problem is None and lstat_result is not None and (opened.st_dev, opened.st_ino) != (
            lstat_result.st_dev, lstat_result.st_ino):
        problem = f"{relative} changed while it was being read"
    if problem:
        os.close(fd)
        raise Refused(problem)
    return fd


def walk(folder, rules, on_entry):
    """Check every entry under `folder` (itself a real folder) as the module says, calling
    on_entry(relative path, open fd, fstat) for each regular file and on_entry(relative path, None,
    None) for each folder, parents first. Refused at the first entry that is not allowed."""
    top = Path("the submission folder")
    fds = [(_open_checked(str(folder), DIR_FLAGS, None, top, rules), Path("."))]
    entries = 0
    try:
        while fds:
            fd, relative = fds.pop()
            try:
                for name in sorted(os.listdir(fd)):
                    entries += 1
                    if entries > rules.max_entries:
                        raise Refused(f"the submission holds more than {rules.max_entries} files and folders")
                    path = relative / name
                    seen = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    is_folder = stat.S_ISDIR(seen.st_mode)
                    if rules.skipped(name, is_folder):  # left out, so never read: whatever it is, harmless
                        continue
                    problem = _examine(seen, path, rules)
                    if problem:
                        raise Refused(problem)
                    if is_folder:
                        fds.append((_open_checked(name, DIR_FLAGS, fd, path, rules, seen), path))
                        on_entry(path, None, None)
                        continue
                    file_fd = _open_checked(name, FILE_FLAGS, fd, path, rules, seen)
                    try:
                        on_entry(path, file_fd, os.fstat(file_fd))
                    finally:
                        os.close(file_fd)
            finally:
                os.close(fd)
    finally:
        for fd, _ in fds:
            os.close(fd)


def read_fd(fd, limit):
    """Up to `limit` bytes from an open file; None if it holds more."""
    data = bytearray()
    while len(data) <= limit:
        chunk = os.read(fd, min(CHUNK, limit + 1 - len(data)))
        if not chunk:
            return bytes(data)
        data += chunk
    return None


def copy_tree(source, target, rules, log_skipped=lambda message: None):
    """Copy the submission folder `source` into `target` (a new folder), as `walk` allows; Refused
    (with `target` removed) otherwise."""
    target = Path(target)
    os.mkdir(target, 0o755)
    total = 0

    def copy(relative, fd, seen):
        nonlocal total
        if fd is None:
            os.mkdir(target / relative, 0o755)
            return
        if rules.max_file_bytes is not None and seen.st_size > rules.max_file_bytes:
            log_skipped(f"{relative} left out: larger than {rules.max_file_bytes} bytes")
            return
        out = os.open(target / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            while chunk := os.read(fd, CHUNK):
                total += len(chunk)
                if rules.max_total_bytes is not None and total > rules.max_total_bytes:
                    raise Refused(f"the submission is larger than {rules.max_total_bytes} bytes")
                os.write(out, chunk)
        finally:
            os.close(out)
        os.utime(target / relative, ns=(seen.st_atime_ns, seen.st_mtime_ns))

    try:
        walk(source, rules, copy)
    except BaseException:
        remove_tree(target)
        raise


def read_files(folder, limits, rules=Rules()):
    """{name: bytes, or None when absent} of the top-level files named in `limits` ({name: most
    bytes}; Refused if larger) of a submission folder, after checking the whole folder as `walk` does."""
    found = dict.fromkeys(limits)

    def keep(relative, fd, _):
        name = str(relative)
        if fd is not None and name in limits:
            found[name] = read_fd(fd, limits[name])
            if found[name] is None:
                raise Refused(f"{name} is larger than {limits[name]} bytes")

    walk(folder, rules, keep)
    return found


def remove_tree(path):
    """Remove a folder we made, without following links inside it."""
    path = Path(path)
    if path.is_symlink() or not path.exists():
        path.unlink(missing_ok=True)
        return
    for entry in path.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            remove_tree(entry)
        else:
            entry.unlink()
    path.rmdir()


def printable(text):
    """`text` without lone surrogates (written as \\ud800 and the like), so any encoding can write it."""
    return SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def for_terminal(text):
    """`text` with escape sequences and control characters shown, never acted on."""
    return terminal_safe(str(text))


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = printable(str(value))
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _shortened(text, limit):
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n... ({len(text) - limit} more characters not kept)"


def contained(data, replace=(), limit=MESSAGE_CHARS):
    """A report's JSON data made safe to keep: every string printable, with the (old, new) pairs of
    `replace` applied (absolute paths to names relative to the submission) and cut to `limit`
    characters."""
    if isinstance(data, str):
        for old, new in replace:
            data = data.replace(old, new)
        return _shortened(printable(data), limit)
    if isinstance(data, dict):
        return {printable(key): contained(value, replace, limit) for key, value in data.items()}
    if isinstance(data, list):
        return [contained(item, replace, limit) for item in data]
    return data
