"""The README's main demo, run as a real command: server process plus reference client."""

from __future__ import annotations

import subprocess
import sys

import pytest
from harness import ROOT

from demo_client.demo import session_line

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


@pytest.fixture(scope="module")
def scripted(tmp_path_factory) -> str:
    """The output of one scripted run, which the tests below read."""
    done = run_demo(tmp_path_factory.mktemp("home"), "--scripted")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.toolkit_server  # the expense server
def test_scripted_demo_walks_through_every_step(scripted):
    out = " ".join(scripted.split())
    assert 'Stored 12.50 for "Lunch with the team"' in out
    assert "Written by the client's LLM (offline-extractive)" in out
    assert "4 expense(s), total 165.40" in out
    assert "Report written" in out and "4/4" in out
    assert "Spending report for demo" in out
    assert "the server never forgot it, so the client started no new session" in out


@pytest.mark.toolkit_server  # the expense server
def test_scripted_demo_shows_each_question_and_the_answer_it_gives(scripted):
    out = scripted
    assert "asked:    New expense for demo: how much did you spend?" in out
    assert "answered: accept: amount=12.5" in out
    assert "answered: accept: confirmed=True" in out
    assert out.index("answered: accept: amount=12.5") < out.index("What were the 12.50 for?")


@pytest.mark.toolkit_server  # the expense server
def test_without_a_terminal_every_progress_notification_prints_as_a_line(scripted):
    out = scripted
    # A bar off a terminal shows only its final state; each step must be visible on its own.
    steps = [out.index(f"report: {step}/4 ") for step in range(1, 5)]
    assert steps == sorted(steps)
    assert "report: 4/4 Report written" in out
    assert steps[-1] < out.index("Spending report for demo")


def test_the_closing_line_says_what_the_session_and_the_count_mean():
    assert session_line("abc", 0) == (
        "All four steps ran in MCP session abc (the Mcp-Session-Id header); "
        "the server never forgot it, so the client started no new session."
    )
    assert "forgot it 2 time(s) and the client started a new one each time" in session_line("abc", 2)


@pytest.mark.toolkit_server  # the expense server
def test_interactive_demo_reads_the_terminal_form_and_honours_a_decline(tmp_path):
    # Answer the amount form, send it, then decline the description question.
    done = run_demo(tmp_path, "--interactive", stdin="a\n20.75\ns\nd\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing was stored" in done.stdout
    assert "3 expense(s), total 152.90" in done.stdout
