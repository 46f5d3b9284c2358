"""Print one line per SDK line's test run, and the total, from the JUnit reports nox's sessions leave.

Run by scripts/test.sh after nox, so the counts per line close the output even when a session
failed early on. A session that left no report (its install failed) is listed as such.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPORTS = Path(".nox") / "reports"
COUNTS = ("passed", "failed", "skipped")


def counts(report: Path) -> dict[str, int]:
    """Passed, failed (failures and errors) and skipped tests of one JUnit report."""
    root = ElementTree.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = {name: 0 for name in COUNTS}
    for suite in suites:
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        total["failed"] += failed
        total["skipped"] += skipped
        total["passed"] += tests - failed - skipped
    return total


def main(sessions: list[str]) -> int:
    total = dict.fromkeys(COUNTS, 0)
    width = max(map(len, sessions))
    for session in sessions:
        report = REPORTS / f"{session}.xml"
        if not report.is_file():
            print(f"{session:<{width}}  no report: the session did not reach pytest")
            continue
        found = counts(report)
        for name in COUNTS:
            total[name] += found[name]
        print(f"{session:<{width}}  " + ", ".join(f"{found[name]} {name}" for name in COUNTS))
    print("total: " + ", ".join(f"{total[name]} {name}" for name in COUNTS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
