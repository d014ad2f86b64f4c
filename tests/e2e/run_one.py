"""Run one bundle the way the tests' settings describe, in a process of its own (so a test can kill it).

``python -m tests.e2e.run_one <bundle_dir> <portal_url> <root> [submit] [change | cancel=<reason>]``:
state and evidence under ``<root>``; ``submit`` also submits (with the operator's attestation);
``change`` files a 变更, ``cancel=<reason>`` a 注销 (default: the new filing, or its resubmission).
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent.run.plans import NEW_FILING, CancelPlan, ChangePlan, FilingPlan
from agent.run.runner import RunOptions, run_bundle
from tests.e2e.helpers import make_settings


def _plan(words: list[str]) -> FilingPlan:
    for word in words:
        if word == "change":
            return ChangePlan()
        if word.startswith("cancel="):
            return CancelPlan(word.removeprefix("cancel="))
    return NEW_FILING


def main(argv: list[str]) -> int:
    bundle_dir, url, root = Path(argv[0]), argv[1], Path(argv[2])
    submit = "submit" in argv[3:]
    options = RunOptions(submit=submit, confirm_truthful=submit)
    result = run_bundle(bundle_dir, make_settings(url, root), options, plan=_plan(argv[3:]))
    print(result.status.value, flush=True)
    return int(result.exit_code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
