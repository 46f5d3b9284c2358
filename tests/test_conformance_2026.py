"""The server requirement sets of conformance suite 0.2.0-alpha.12, against the everything server.

`conformance server --requirements REV` runs the scenarios a protocol revision requires, frozen
at its release, at that revision's wire: 37 scored scenarios for 2026-07-28 (session-less, one
POST per request, multi round-trip requests) and 30 for 2025-11-25 (sessions). Both run against
the same source, a real `python -m demo_servers.everything` process, with no expected-failures
list. Each scored scenario is its own test; the unscored ones the suite also runs (the `tasks-*`
extension, pending scenarios) are reported by the suite and not tested here.

mcp 1.x serves no 2026-07-28, so that set skips there; the 2025-11-25 set runs on both lines.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conformance import (
    REQUIREMENT_REVISIONS,
    SCORED_SERVER_SCENARIOS,
    SUITE_2026_VERSION,
    ConformanceSetupError,
    ScenarioResult,
    Suite,
    install,
    run_server_requirements,
    server_requirements,
)
from harness import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

RequirementRun = Callable[[str], dict[str, ScenarioResult]]


def _revision_param(revision: str) -> object:
    return pytest.param(revision, marks=[pytest.mark.requires_revision(revision)], id=revision)


def _scenario_params() -> list[object]:
    return [
        pytest.param(revision, scenario, marks=[pytest.mark.requires_revision(revision)], id=f"{revision}:{scenario}")
        for revision in REQUIREMENT_REVISIONS
        for scenario in SCORED_SERVER_SCENARIOS[revision]
    ]


@pytest.fixture(scope="module")
def suite() -> Suite:
    try:
        return install(version=SUITE_2026_VERSION)
    except ConformanceSetupError as exc:
        pytest.fail(f"could not install conformance suite {SUITE_2026_VERSION}: {exc}")


@pytest.fixture(scope="module")
def requirement_run(suite: Suite, tmp_path_factory: pytest.TempPathFactory) -> RequirementRun:
    """Run a revision's requirement set once per module, against a fresh everything server."""
    runs: dict[str, dict[str, ScenarioResult]] = {}

    def run(revision: str) -> dict[str, ScenarioResult]:
        if revision not in runs:
            work = tmp_path_factory.mktemp(f"conformance-{revision}")
            server = ServerProcess("demo_servers.everything", log_path=work / "server.log").start()
            try:
                runs[revision] = run_server_requirements(suite, server.url, revision, work / "results")
            except ConformanceSetupError as exc:
                pytest.fail(f"{exc}\nserver log:\n{server.logs()}")
            finally:
                server.stop()
        return runs[revision]

    return run


@pytest.mark.parametrize("revision", [_revision_param(revision) for revision in REQUIREMENT_REVISIONS])
def test_pinned_scored_scenarios_match_the_installed_suite(suite: Suite, revision: str) -> None:
    assert server_requirements(suite, revision).scored == SCORED_SERVER_SCENARIOS[revision]


@pytest.mark.parametrize("revision", [_revision_param(revision) for revision in REQUIREMENT_REVISIONS])
def test_requirement_run_covers_every_scored_scenario(requirement_run: RequirementRun, revision: str) -> None:
    missing = set(SCORED_SERVER_SCENARIOS[revision]) - set(requirement_run(revision))
    assert not missing, f"the suite saved no result for {sorted(missing)}"


@pytest.mark.parametrize(("revision", "scenario"), _scenario_params())
def test_scored_scenario(requirement_run: RequirementRun, revision: str, scenario: str) -> None:
    result = requirement_run(revision).get(scenario)
    assert result is not None, f"the suite saved no result for {scenario}"
    assert result.passed, result.summary()
    # The SHOULD checks too: the SDK's own reference server meets every one of them.
    assert not result.with_status("WARNING"), result.summary()
