"""``beian-agent mock-portal``: serve the local replica of the filing portal until Ctrl-C / SIGTERM."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.exit_codes import ExitCode

__all__ = ["mock_portal", "register"]


def mock_portal(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1; 0 picks a free one.")] = 8800,
    state: Annotated[
        Path, typer.Option("--state", help="State directory (SQLite); kept across restarts.")
    ] = Path(".state/mock-portal"),
    latency_ms: Annotated[int, typer.Option("--latency-ms", help="Delay added to every /api/ call.")] = 0,
    fail_rate: Annotated[
        float,
        typer.Option("--fail-rate", help="Share of API writes that fail (0..1), before changing anything."),
    ] = 0.0,
    fail_mode: Annotated[
        str, typer.Option("--fail-mode", help="How a write fails: http500 or errno.")
    ] = "http500",
    session_ttl: Annotated[
        float | None, typer.Option("--session-ttl", help="Seconds a session may stay idle before it expires.")
    ] = None,
    upload_delay_ms: Annotated[
        int, typer.Option("--upload-delay-ms", help="Extra delay for every upload.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the failure draw, for repeatable runs.")] = 0,
    variant: Annotated[
        str, typer.Option("--variant", help="Portal variant (docs/mock-portal.md): default, lazy-draft, ...")
    ] = "default",
) -> None:
    """Serve the mock filing portal on 127.0.0.1.

    The first line on stdout is MOCK_PORTAL_URL=http://127.0.0.1:PORT/ . Test-only routes:
    GET /__mock/state, POST /__mock/reset, POST /__mock/faults, POST /__mock/provision,
    GET /__mock/requests, POST /__mock/review.
    """
    # Imported here so the rest of the CLI does not pay for the server's imports.
    import uvicorn

    from fixtures.mock_portal import Faults, create_app
    from fixtures.mock_portal.faults import FaultError
    from fixtures.mock_portal.runner import bind_socket
    from fixtures.mock_portal.variants import VariantError, get_variant

    try:
        faults = Faults(
            latency_ms=latency_ms,
            fail_rate=fail_rate,
            fail_mode=fail_mode,
            session_ttl_s=session_ttl,
            upload_delay_ms=upload_delay_ms,
            seed=seed,
        )
        get_variant(variant)
    except (FaultError, VariantError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    try:
        sock = bind_socket(port)
    except OSError as exc:
        typer.echo(f"Error: cannot listen on 127.0.0.1:{port}: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    app = create_app(state, faults, variant)
    sys.stdout.write(f"MOCK_PORTAL_URL=http://127.0.0.1:{sock.getsockname()[1]}/\n")
    sys.stdout.flush()
    server = _quiet_server_class()(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])


def _quiet_server_class() -> type[Any]:
    import uvicorn

    class QuietServer(uvicorn.Server):
        """Stops cleanly on SIGINT / SIGTERM and exits 0, instead of re-raising the signal afterwards."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return QuietServer


def register(app: typer.Typer) -> None:
    app.command("mock-portal")(mock_portal)
