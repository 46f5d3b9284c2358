"""The README's main demo, run as a real command: server process plus reference client."""

from __future__ import annotations

import subprocess
import sys

import pytest
from harness import ROOT

pytestmark = pytest.mark.e2e


def run_demo(home, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "demo_client.demo", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
        env={"COLUMNS": "200", "PATH": "", "HOME": str(home)},
    )


def test_scripted_demo_walks_through_every_step(tmp_path):
    done = run_demo(tmp_path, "--scripted")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert 'Stored 12.50 for "Lunch with the team"' in out
    assert "Written by the client's LLM (offline-extractive)" in out
    assert "4 expense(s), total 165.40" in out
    assert "Report written" in out and "4/4" in out
    assert "Spending report for demo" in out
    assert "reinitializations 0" in out


def test_interactive_demo_reads_the_terminal_form_and_honours_a_decline(tmp_path):
    # Answer the amount form, send it, then decline the description question.
    done = run_demo(tmp_path, "--interactive", stdin="a\n20.75\ns\nd\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing was stored" in done.stdout
    assert "3 expense(s), total 152.90" in done.stdout
