"""The run lock: one batch or scheduled run per state directory at a time.

``fcntl.flock`` does the locking, so a crashed holder releases it with its last file descriptor; the
file also records the holder (pid, host, start, command) for messages. On a clean release the record is
emptied, so a record found under a free lock was left by a process that died: it is taken over and
logged. The file itself is never deleted, since unlinking a lock file lets two processes each lock a
different inode.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import structlog

from agent.errors import LockHeld

__all__ = ["RunLock"]

_log = structlog.get_logger(__name__)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    def __init__(self, path: Path, *, command: str = ""):
        self.path = path
        self.command = command
        self._fd: int | None = None

    def _read_holder(self, fd: int) -> dict[str, Any]:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 64 * 1024)
        try:
            holder = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return {}
        return holder if isinstance(holder, dict) else {}

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError("RunLock is not re-entrant")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._read_holder(fd)
            os.close(fd)
            raise LockHeld(self._held_message(holder)) from None
        except BaseException:
            os.close(fd)
            raise
        previous = self._read_holder(fd)
        if previous:
            _log.warning(
                "stale_run_lock_taken_over",
                lock_file=str(self.path),
                pid=previous.get("pid"),
                host=previous.get("host"),
                started=previous.get("started"),
                command=previous.get("command"),
            )
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": self.command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def _held_message(self, holder: dict[str, Any]) -> str:
        if not holder:
            return f"another run holds the lock {self.path}"
        pid, host = holder.get("pid"), holder.get("host")
        who = f"pid {pid} on {host}, started {holder.get('started')}"
        if holder.get("command"):
            who += f" ({holder['command']})"
        if host == socket.gethostname() and isinstance(pid, int) and not _pid_alive(pid):
            # flock is still held although the recorded process is gone: a child that inherited the
            # descriptor (e.g. a browser) outlived it. Taking over now could mean two runs at once.
            return (
                f"the lock {self.path} is still held although its recorded holder ({who}) has exited; "
                f"a leftover child process keeps it (find it with: fuser {self.path})"
            )
        return f"another run holds the lock {self.path}: {who}"

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # an empty record under a free lock means a clean exit
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
