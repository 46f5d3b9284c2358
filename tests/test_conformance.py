"""The official MCP conformance suite, pinned, against the everything server and the reference client.

The server suite (active and pending scenarios) runs once against a real
`python -m demo_servers.everything` process; every scenario is then its own test. Each client
scenario starts the suite's test server and runs `python -m demo_client exercise URL` against it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conformance import (
    ACTIVE_SERVER_SCENARIOS,
    CORE_CLIENT_SCENARIOS,
    PENDING_SERVER_SCENARIOS,
    ConformanceSetupError,
    ScenarioResult,
    Suite,
    client_command,
    install,
    run_client_scenario,
    run_server_suite,
)
from harness import ROOT, ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

SERVER_SCENARIOS = ACTIVE_SERVER_SCENARIOS + PENDING_SERVER_SCENARIOS
#: Scenarios whose SHOULD checks the server meets too: a warning there fails the test.
WITHOUT_WARNINGS = ("server-sse-polling",)


@pytest.fixture(scope="module")
def suite() -> Suite:
    try:
        return install()
    except ConformanceSetupError as exc:
        pytest.fail(f"could not install the conformance suite: {exc}")


@pytest.fixture(scope="module")
def server_results(suite: Suite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ScenarioResult]:
    work = tmp_path_factory.mktemp("conformance-server")
    server = ServerProcess("demo_servers.everything", log_path=work / "server.log").start()
    try:
        return run_server_suite(suite, server.url, work / "results", which="all")
    except ConformanceSetupError as exc:
        pytest.fail(f"{exc}\nserver log:\n{server.logs()}")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def exercise_command() -> list[str]:
    """The reference client's `exercise` command; skipped only while it does not exist yet."""
    if not (ROOT / "demo_client" / "cli.py").is_file():
        pytest.skip("demo_client/cli.py does not exist yet, so there is no client to run the client suite against")
    command = client_command()
    probe = subprocess.run([*command[:-1], "--help"], capture_output=True, text=True, timeout=60, check=False)
    if probe.returncode != 0:
        pytest.fail(f"`python -m demo_client --help` failed with exit code {probe.returncode}:\n{probe.stderr[-2000:]}")
    if "exercise" not in probe.stdout:
        pytest.skip("`python -m demo_client` has no `exercise` command yet")
    return command


def test_pinned_scenario_lists_match_the_installed_suite(suite: Suite) -> None:
    assert sorted(suite.list_scenarios("server")) == sorted(SERVER_SCENARIOS)
    assert set(CORE_CLIENT_SCENARIOS) <= set(suite.list_scenarios("client"))


def test_server_suite_ran_every_scenario(server_results: dict[str, ScenarioResult]) -> None:
    assert sorted(server_results) == sorted(SERVER_SCENARIOS)


@pytest.mark.parametrize("scenario", SERVER_SCENARIOS)
def test_server_scenario(server_results: dict[str, ScenarioResult], scenario: str) -> None:
    result = server_results.get(scenario)
    assert result is not None, f"the suite saved no result for {scenario}"
    assert result.passed, result.summary()
    if scenario in WITHOUT_WARNINGS:
        assert not result.with_status("WARNING"), result.summary()


@pytest.mark.parametrize("scenario", CORE_CLIENT_SCENARIOS)
def test_client_scenario(suite: Suite, exercise_command: list[str], scenario: str, tmp_path: Path) -> None:
    result = run_client_scenario(suite, exercise_command, scenario, tmp_path)
    assert result.passed, f"{result.summary()}\n--- suite output ---\n{result.output}"
