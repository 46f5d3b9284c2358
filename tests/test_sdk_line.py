"""Honest version floors: what pyproject.toml declares, what the toolkit accepts and what each line runs agree.

Every line's test run (see noxfile.py) runs these, so a line that installs an mcp outside the
declared range, or a range the toolkit's boundary would refuse, fails in CI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from harness import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from toolkit._sdk import SUPPORTED, UnsupportedSDK, line_for

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
NOXFILE = (ROOT / "noxfile.py").read_text()

#: Every release number a range could plausibly be cut at, 0.0.0 to 3.40.2.
GRID = [f"{major}.{minor}.{patch}" for major in range(4) for minor in range(41) for patch in range(3)]


def declared_mcp() -> SpecifierSet:
    requirements = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
    (mcp,) = [requirement for requirement in requirements if requirement.name == "mcp"]
    return mcp.specifier


def nox_lines() -> dict[str, str]:
    """Session name -> mcp range of every test line in noxfile.py."""
    return dict(re.findall(r'Line\(\s*"([\w-]+)",\s*"(mcp[^"]+)"', NOXFILE))


def accepted(version: str) -> bool:
    try:
        line_for(version)
    except UnsupportedSDK:
        return False
    return True


def test_the_installed_mcp_is_inside_the_declared_range():
    installed = metadata.version("mcp")
    assert declared_mcp().contains(installed), f"mcp {installed} is outside pyproject's {declared_mcp()}"


def test_the_installed_mcp_is_the_line_this_run_asked_for():
    wanted = os.environ.get("TEST_MCP_RANGE")
    if wanted is None:
        pytest.skip("not run by nox: no line range to check against (nox sets TEST_MCP_RANGE)")
    installed = metadata.version("mcp")
    assert Requirement(wanted).specifier.contains(installed), f"mcp {installed} is not the line's {wanted}"


def test_the_boundary_accepts_exactly_the_declared_range():
    spec = declared_mcp()
    disagree = [version for version in GRID if spec.contains(version) != accepted(version)]
    assert disagree == [], f"pyproject says {spec}, toolkit._sdk.SUPPORTED says {SUPPORTED}"


def test_each_supported_line_has_a_test_run_inside_the_declared_range():
    lines = nox_lines()
    assert set(lines) == {"tests-mcp1", "tests-mcp2", "tests-mcp2-latest"}
    spec = declared_mcp()
    covered: set[int] = set()
    for session, requirement in lines.items():
        versions = [version for version in GRID if Requirement(requirement).specifier.contains(version)]
        assert versions, f"{session}: {requirement} matches no release"
        assert all(spec.contains(version) for version in versions), f"{session}: {requirement} leaves {spec}"
        covered |= {line_for(version) for version in versions}
    assert covered == set(SUPPORTED)
    # The README's test command runs them all.
    (listed,) = re.findall(r"sessions=\(([^)]*)\)", (ROOT / "scripts" / "test.sh").read_text())
    assert listed.split() == ["lint", *lines]


def test_the_demo_environment_is_the_strands_mcp2_line():
    (mcp2,) = re.findall(r'Line\(\s*"tests-mcp2",\s*"(mcp[^"]+)"', NOXFILE)
    assert f'"{mcp2}"' in (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert line_for(str(Version(mcp2.split(">=")[1].split(",")[0]))) == 2


@pytest.mark.parametrize(
    ("version", "line"),
    [("1.30.0", 1), ("1.31.2", 1), ("2.1.1", 2), ("2.3.0", 2), ("2.1.0rc1", 2), ("2.99.0", 2)],
)
def test_supported_versions_map_to_their_line(version, line):
    assert line_for(version) == line


@pytest.mark.parametrize("version", ["1.22.0", "1.29.1", "2.0.1", "3.0.0", "banana"])
def test_an_unsupported_version_is_refused_with_what_to_install(version):
    with pytest.raises(UnsupportedSDK) as refused:
        line_for(version)
    assert isinstance(refused.value, ImportError)
    assert version in str(refused.value)
    if version != "banana":
        assert "install mcp>=1.30,<2.0 or mcp>=2.1,<3.0" in str(refused.value)


@pytest.mark.parametrize("version", ["1.22.0", "2.0.1"])
def test_importing_the_boundary_under_an_unsupported_mcp_fails_once_and_clearly(tmp_path: Path, version: str):
    # A distribution record earlier on sys.path than the real one is what the toolkit reads.
    record = tmp_path / f"mcp-{version}.dist-info"
    record.mkdir()
    (record / "METADATA").write_text(f"Metadata-Version: 2.1\nName: mcp\nVersion: {version}\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", "import toolkit._sdk"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        f"toolkit._sdk.UnsupportedSDK: mcp {version} is not supported by this toolkit; "
        "install mcp>=1.30,<2.0 or mcp>=2.1,<3.0."
    )
