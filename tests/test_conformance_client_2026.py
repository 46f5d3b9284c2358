"""The reference client against the official conformance suite 0.2.0-alpha.12, in client mode.

Each scenario starts the suite's own test server and runs `python -m demo_client conformance
URL`, which reads the scenario, the revision and any tool calls from the suite's environment.
The seven non-OAuth client scenarios of the frozen 2026-07-28 requirement set run at that
revision (mcp 2.x only: mcp 1.x does not speak it); the four 2025-11-25 scenarios run at theirs,
on both SDK lines. `tests/test_conformance.py` keeps running the same four under suite 0.1.16.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conformance import (
    CLIENT_SCENARIOS_2026,
    CORE_CLIENT_SCENARIOS,
    SUITE_2026_VERSION,
    ConformanceSetupError,
    Suite,
    conformance_command,
    install,
    run_client_scenario,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

MODERN = "2026-07-28"
LEGACY = "2025-11-25"


@pytest.fixture(scope="module")
def suite() -> Suite:
    try:
        return install(version=SUITE_2026_VERSION)
    except ConformanceSetupError as exc:
        pytest.fail(f"could not install conformance suite {SUITE_2026_VERSION}: {exc}")


def test_the_pinned_2026_client_scenarios_are_the_suites_non_oauth_ones(suite: Suite) -> None:
    frozen = suite.list_scenarios("client", requirements=MODERN)
    client = suite.list_scenarios("client")
    assert set(CLIENT_SCENARIOS_2026) <= set(frozen)
    assert set(CLIENT_SCENARIOS_2026) <= set(client)
    assert set(CORE_CLIENT_SCENARIOS) <= set(client)


@pytest.mark.requires_revision(MODERN)
@pytest.mark.parametrize("scenario", CLIENT_SCENARIOS_2026)
def test_client_scenario_at_2026_07_28(suite: Suite, scenario: str, tmp_path: Path) -> None:
    result = run_client_scenario(suite, conformance_command(), scenario, tmp_path, spec_version=MODERN)
    assert result.checks, f"the suite saved no checks for {scenario}\n{result.output}"
    assert result.passed, f"{result.summary()}\n--- suite output ---\n{result.output}"
    assert not result.with_status("WARNING"), result.summary()


@pytest.mark.parametrize("scenario", CORE_CLIENT_SCENARIOS)
def test_client_scenario_at_2025_11_25(suite: Suite, scenario: str, tmp_path: Path) -> None:
    result = run_client_scenario(suite, conformance_command(), scenario, tmp_path, spec_version=LEGACY)
    assert result.checks, f"the suite saved no checks for {scenario}\n{result.output}"
    assert result.passed, f"{result.summary()}\n--- suite output ---\n{result.output}"
