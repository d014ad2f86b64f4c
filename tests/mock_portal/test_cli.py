"""``beian-agent mock-portal`` as documented: URL on the first stdout line, serves, stops on SIGTERM."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen


def test_mock_portal_command_prints_its_url_first_and_stops_on_sigterm(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from agent.cli.app import main; main()", "mock-portal", "--port", "0"]
    command += ["--state", str(tmp_path), "--latency-ms", "5", "--fail-rate", "0.25", "--session-ttl", "600"]
    command += ["--variant", "relabelled"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no output within 30 s"
        first = proc.stdout.readline().strip()
        assert first.startswith("MOCK_PORTAL_URL=http://127.0.0.1:") and first.endswith("/")
        url = first.split("=", 1)[1]
        with urlopen(url + "api/user/info", timeout=10) as response:
            assert json.loads(response.read())["errno"] == 440
        with urlopen(url + "__mock/state", timeout=10) as response:
            faults = json.loads(response.read())["faults"]
        assert faults["latency_ms"] == 5 and faults["fail_rate"] == 0.25 and faults["session_ttl_s"] == 600
        with urlopen(url + "__mock/variant", timeout=10) as response:
            assert json.loads(response.read())["variant"] == "relabelled"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
    assert code == 0
    assert (tmp_path / "mock-portal.sqlite3").is_file()


def test_mock_portal_command_refuses_an_unknown_variant(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from agent.cli import main; main()", "mock-portal", "--port", "0"]
    command += ["--state", str(tmp_path), "--variant", "no-such-site"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "unknown variant 'no-such-site'" in done.stderr and "lazy-draft" in done.stderr
    assert done.stdout == ""
