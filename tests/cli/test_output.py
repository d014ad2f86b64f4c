"""Which log lines a run command prints on stderr, on a terminal and without one."""

from __future__ import annotations

import pytest

from agent.cli.output import stream_level
from agent.settings import Settings


@pytest.mark.parametrize(
    ("verbose", "quiet", "terminal", "level"),
    [
        (0, False, True, "WARNING"),  # the live view says where the run is
        (1, False, True, "INFO"),
        (2, False, True, "DEBUG"),
        (0, True, True, "CRITICAL"),
        (0, False, False, "INFO"),  # cron and CI: JSON lines at the configured level, as before
        (2, False, False, "DEBUG"),
        (0, True, False, "CRITICAL"),
    ],
)
def test_stream_level(verbose: int, quiet: bool, terminal: bool, level: str) -> None:
    assert stream_level(Settings(), verbose=verbose, quiet=quiet, terminal=terminal) == level


def test_a_configured_level_is_kept_on_a_terminal() -> None:
    settings = Settings(logging={"level": "info"})
    assert stream_level(settings, verbose=0, quiet=False, terminal=True) == "INFO"
