"""Lint, and the whole test suite once per supported MCP SDK line, in environments uv builds.

    nox                          # lint + every line (what ./scripts/test.sh runs)
    nox -s tests-mcp1 -- -x -k elicit   # one line; arguments after `--` go to pytest
    nox -l                       # list the sessions

Each line is one session with its own environment under `.nox/`, kept between runs. Every run
resolves the project's requirements again with the line's `mcp` range and syncs the
environment to exactly that, so a changed pyproject.toml (a package added, bumped or
removed) is picked up without rebuilding from scratch.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"

#: Where each test session leaves its JUnit report, for the per-line summary of scripts/test.sh.
REPORTS = Path(".nox") / "reports"


@dataclass(frozen=True, slots=True)
class Line:
    """One SDK line the suite runs on: a session name, the `mcp` range and the extras installed."""

    session: str
    mcp: str
    extras: str
    about: str


LINES = (
    Line("tests-mcp1", "mcp>=1.30,<2", "aws,agent,client,test", "mcp 1.x, newest (FastMCP), every extra"),
    # strands-agents requires mcp<2.2, so this is the newest 2.x an install with the agent extra gets.
    Line("tests-mcp2", "mcp>=2.1,<2.2", "aws,agent,client,test", "mcp 2.1.x (MCPServer), every extra"),
    # Without strands: tests that need it skip, saying why.
    Line("tests-mcp2-latest", "mcp>=2.3,<3", "aws,client,test", "mcp 2.x, newest, no agent extra"),
)

nox.options.sessions = ["lint", *(line.session for line in LINES)]


def sync(session: nox.Session, *requirements: str) -> None:
    """Make the session's environment exactly `requirements`, resolved afresh.

    `uv pip install` alone would leave behind a package that pyproject.toml no longer lists;
    compile + sync removes it, and is a no-op when nothing changed.
    """
    venv = Path(session.virtualenv.location)
    wanted = venv / "requirements.in"
    locked = venv / "requirements.txt"
    wanted.write_text("".join(f"{requirement}\n" for requirement in requirements))
    session.run_install("uv", "pip", "compile", "--quiet", str(wanted), "-o", str(locked))
    session.run_install("uv", "pip", "sync", "--quiet", str(locked))


def make_test_session(line: Line) -> None:
    def tests(session: nox.Session) -> None:
        sync(session, f"-e .[{line.extras}]", line.mcp)
        session.run("python", "-c", "from importlib.metadata import version; print('mcp', version('mcp'))")
        REPORTS.mkdir(parents=True, exist_ok=True)
        # `python -m` puts the project root first on sys.path, as in a checkout: the editable
        # install's import hook comes after tests/, whose demo_client/ folder would shadow the package.
        # A module that cannot import on this line fails alone; the others still run and count.
        options = [f"--junitxml={REPORTS / line.session}.xml", "--continue-on-collection-errors"]
        # TEST_MCP_RANGE lets tests/test_sdk_line.py check the environment is the line it claims to be.
        session.run("python", "-m", "pytest", *options, *session.posargs, env={"TEST_MCP_RANGE": line.mcp})

    tests.__doc__ = f"The whole suite on {line.about} ({line.mcp})."
    nox.session(name=line.session)(tests)


for _line in LINES:
    make_test_session(_line)


def test_requirement(name: str) -> str:
    """The `test` extra's requirement on `name`, so lint uses the ruff the tests pin."""
    extra = tomllib.loads(Path("pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    return next(requirement for requirement in extra if requirement.split(">")[0].split("=")[0] == name)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over every Python tree of the project (ruff alone: no project install needed)."""
    sync(session, test_requirement("ruff"))
    session.run("ruff", "check", "toolkit", "demo_servers", "demo_client", "tests", "bench", "noxfile.py", "scripts")
