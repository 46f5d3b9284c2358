"""The demo servers' command lines: bad options exit at once with a clear message."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import uuid

import pytest

from demo_servers.cli import port_number, positive_seconds
from demo_servers.expenses.dynamodb_store import dynamodb_client


def run(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "postgres://db"], "unknown scheme"),
        (["--store", "sqlite:///x.db", "--create-table"], "needs a dynamodb://TABLE store"),
        (["--port", "70000"], "out of range"),
        (["--port", "http"], "not a port number"),
    ],
)
def test_expenses_cli_refuses_bad_options(args, message):
    finished = run("demo_servers.expenses", *args)
    assert finished.returncode == 2
    assert message in finished.stderr


def test_expenses_cli_reads_the_store_from_the_environment():
    finished = run("demo_servers.expenses", env={"EXPENSES_STORE": "nosuch://place"})
    assert finished.returncode == 2
    assert "'nosuch://place' has an unknown scheme" in finished.stderr


def test_expenses_cli_creates_the_dynamodb_table(dynamodb_endpoint):
    table = f"cli-{uuid.uuid4().hex[:12]}"
    url = f"dynamodb://{table}?endpoint_url={dynamodb_endpoint}"

    first = run("demo_servers.expenses", "--store", url, "--create-table")
    second = run("demo_servers.expenses", "--store", url, "--create-table")

    assert (first.returncode, first.stdout.strip()) == (0, f"table {table} created")
    assert (second.returncode, second.stdout.strip()) == (0, f"table {table} already exists")
    assert dynamodb_client(endpoint_url=dynamodb_endpoint).describe_table(TableName=table)["Table"]["KeySchema"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--epoch-seconds", "0"], {}, "must be a positive number of seconds"),
        (["--epoch-seconds", "soon"], {}, "is not a number of seconds"),
        ([], {"TRAINING_EPOCH_SECONDS": "-2"}, "must be a positive number of seconds"),
        (["--task-store", "ftp://tasks"], {}, "is not supported"),
        (["--task-store", "memory://", "--memory-id", "short"], {}, "memoryId must be 12-2048 characters"),
    ],
)
def test_long_running_cli_refuses_bad_options(args, env, message):
    finished = run("demo_servers.long_running", *args, env=env)
    assert finished.returncode == 2
    assert message in finished.stderr


def test_argument_types():
    assert port_number("8000") == 8000
    assert positive_seconds("0.05") == 0.05
    for bad in ("0", "-1", "inf", "nan"):
        with pytest.raises(argparse.ArgumentTypeError, match="positive number of seconds"):
            positive_seconds(bad)
