"""A server author's install: the core dependencies only, without the `aws`, `agent` and `client` extras.

The slim runs happen in a subprocess whose import system pretends boto3, botocore, rich and
strands are not installed, which is what `pip install stateful-mcp-toolkit` leaves behind.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from typing import Any

import pytest
from harness import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
EXTRA_PACKAGES = ("boto3", "botocore", "rich", "strands")

# Runs in a fresh interpreter: hides the extras' packages and records which module asked for them.
SLIM_PRELUDE = """
import importlib.abc, json, sys

HIDDEN = set(PACKAGES)
asked = []

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in HIDDEN:
            return None
        frame = sys._getframe(1)
        while frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen_importlib")):
            frame = frame.f_back
        asked.append([name, frame.f_globals.get("__name__", "?")])
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NotInstalled())
""".replace("PACKAGES", repr(EXTRA_PACKAGES))


def run_python(code: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def test_import_toolkit_loads_no_extra_package():
    loaded = run_python(
        "import json, sys, toolkit\n"
        f"print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}} & set({EXTRA_PACKAGES!r}))))"
    )
    # rich may be loaded by httpx, which imports it for its own command line when it is installed;
    # whether our code asks for it is what the slim run below checks.
    assert set(loaded) <= {"rich"}, loaded


def test_without_the_extras_toolkit_and_the_client_library_import_and_serve():
    result = run_python(
        SLIM_PRELUDE
        + """
import toolkit, demo_client, demo_client.lab.negotiation

server = toolkit.stateful_server("slim")
ours = [pair for pair in asked if pair[1].split(".")[0] in ("toolkit", "demo_client", "demo_servers")]
print(json.dumps({"ours": ours, "server": server.name}))
"""
    )
    assert result == {"ours": [], "server": "slim"}


@pytest.mark.parametrize(
    ("use", "extra", "package"),
    [
        ("toolkit.aws.BedrockSampler()", "aws", "botocore"),
        ("toolkit.aws.DynamoDBTaskStore", "aws", "boto3"),
        ("from toolkit.aws import create_task_table", "aws", "boto3"),
        ("toolkit.open_task_store('dynamodb://tasks?region=us-east-1')", "aws", "boto3"),
        ("toolkit.aws.AgentCoreMemorySink(region_name='us-east-1')", "aws", "boto3"),
        ("demo_client.SigV4Auth('us-east-1')", "aws", "botocore"),
        ("demo_client.TerminalForm", "client", "rich"),
        ("demo_client.Display", "client", "rich"),
    ],
)
def test_a_feature_of_a_missing_extra_names_the_extra_to_install(use, extra, package):
    result = run_python(
        SLIM_PRELUDE
        + f"""
import toolkit, demo_client

try:
    {use}
except toolkit.MissingExtra as exc:
    print(json.dumps({{"message": str(exc), "extra": exc.extra, "package": exc.package,
                       "import_error": isinstance(exc, ImportError)}}))
"""
    )
    assert result["extra"] == extra
    assert result["package"] == package
    assert result["import_error"]
    assert f"pip install 'stateful-mcp-toolkit[{extra}]'" in result["message"]


def test_core_dependencies_leave_out_the_extras():
    core = requirement_names(PYPROJECT["project"]["dependencies"])
    assert not core & {"boto3", "botocore", "rich", "strands-agents"}, core
    assert {"mcp", "pydantic", "anyio", "httpx", "uvicorn"} <= core


def test_each_extra_holds_its_part_and_dev_holds_them_all():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert requirement_names(extras["aws"]) == {"boto3"}
    assert requirement_names(extras["agent"]) == {"strands-agents"}
    assert requirement_names(extras["client"]) == {"rich"}
    # The README's two commands install `.[dev]`, so they still get everything.
    assert "stateful-mcp-toolkit[aws,agent,client]" in extras["dev"]
    assert "-e \".[dev]\"" in (ROOT / "scripts" / "bootstrap.sh").read_text()


def test_license_is_an_spdx_expression_for_a_backend_that_reads_it():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    # setuptools reads PEP 639 license strings from version 77 on; older ones warn or fail.
    assert PYPROJECT["build-system"]["requires"] == ["setuptools>=77"]


def test_the_command_line_without_the_client_extra_says_what_to_install():
    result = run_python(
        SLIM_PRELUDE
        + """
import contextlib, io, runpy

sys.argv = ["python -m demo_client", "--help"]
err = io.StringIO()
with contextlib.redirect_stderr(err):
    try:
        runpy.run_module("demo_client", run_name="__main__")
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "err": err.getvalue()}))
"""
    )
    assert result["code"] == 2
    assert "pip install 'stateful-mcp-toolkit[client]'" in result["err"]
