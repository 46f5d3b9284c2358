"""`--help` of the client's commands: every option explained, no Markdown showing through."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
from harness import ROOT

from demo_client.cli import build_parser


def parsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return {"": parser, **commands.choices}


@pytest.mark.parametrize("command", list(parsers()))
def test_every_option_has_help_and_no_backticks_show(command):
    parser = parsers()[command]
    # The subcommands' own help lines stand for the COMMAND positional.
    options = [action for action in parser._actions if not isinstance(action, argparse._SubParsersAction)]
    undocumented = [action.dest for action in options if not action.help]
    assert undocumented == []
    assert "`" not in parser.format_help()


def test_the_demo_help_has_no_backticks():
    done = subprocess.run(
        [sys.executable, "-m", "demo_client.demo", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "`" not in done.stdout
