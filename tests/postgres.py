"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, started on a free port.

The server belongs to the test session (started on first use, stopped at the end) and every test that asks
for ``pg_url`` gets a database of its own. initdb and postgres refuse to run as root, so as root they run
as the ``postgres`` system user the Debian package creates (``nobody`` where that user is missing), with
the data folder owned by that user. The binaries come from ``pg_config --bindir``, PATH or
``/usr/lib/postgresql/<version>/bin`` (``make setup`` installs ``postgresql`` when missing); without
them the tests that need a server are skipped with a message saying so.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

__all__ = ["PostgresServer", "find_bindir", "pg_url", "postgres_server"]


def find_bindir() -> Path | None:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(found.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    candidates += versions
    return next((c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_user() -> str | None:
    """Who runs initdb/postgres: None (ourselves) unless we are root, who may not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    pytest.skip("PostgreSQL cannot run as root and there is neither a postgres nor a nobody user")


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def admin_url(self) -> str:
        return f"postgresql://beian@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://beian@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        done = subprocess.run(
            [*prefix, *argv], cwd=self.root, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        if self.user:
            record = pwd.getpwnam(self.user)
            os.chown(self.root, record.pw_uid, record.pw_gid)
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "beian", "-A", "trust",
            "-E", "UTF8", "--no-sync", "--locale=C",
        )  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def new_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL is not installed (no initdb/pg_ctl found); `make setup` as root installs the "
            "postgresql package, or install it with your distribution's package manager"
        )
    root = Path(tempfile.mkdtemp(prefix="beian-pg-"))
    server = PostgresServer(bindir=bindir, root=root, port=_free_port(), user=_server_user())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's throwaway server."""
    return postgres_server.new_database()
