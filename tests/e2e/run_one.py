"""Run one bundle the way the tests' settings describe, in a process of its own (so a test can kill it).

``python -m tests.e2e.run_one <bundle_dir> <portal_url> <root> [submit]``: state and evidence under
``<root>``; ``submit`` also submits (with the operator's attestation).
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent.run.runner import RunOptions, run_bundle
from tests.e2e.helpers import make_settings


def main(argv: list[str]) -> int:
    bundle_dir, url, root = Path(argv[0]), argv[1], Path(argv[2])
    submit = argv[3:] == ["submit"]
    options = RunOptions(submit=submit, confirm_truthful=submit)
    result = run_bundle(bundle_dir, make_settings(url, root), options)
    print(result.status.value, flush=True)
    return int(result.exit_code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
