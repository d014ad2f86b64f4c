"""The queue database's tables: procrastinate's and the ledger's, created on first use.

``enqueue``, ``worker`` and ``status`` call ``ensure_schema`` before anything else, so a new, empty
database needs no separate step (``beian-agent queue init-db`` does the same for operators who create
tables ahead of time, e.g. with a more privileged role). An advisory lock makes it safe when several
machines start at once.
"""

from __future__ import annotations

import psycopg
from procrastinate.schema import SchemaManager

from agent.state import pg_ledger

__all__ = ["ensure_schema"]

_QUEUE_SCHEMA_LOCK = 0x6265_6961_6E01


def ensure_schema(url: str) -> bool:
    """Create whatever is missing; True if procrastinate's tables were created now."""
    created = False
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_QUEUE_SCHEMA_LOCK,))
        try:
            row = conn.execute("SELECT to_regclass('public.procrastinate_jobs')").fetchone()
            if row is None or row[0] is None:
                conn.execute(SchemaManager.get_schema())
                created = True
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_QUEUE_SCHEMA_LOCK,))
    pg_ledger.ensure_schema(url)
    return created
