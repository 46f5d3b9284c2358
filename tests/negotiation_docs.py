"""The matrices in docs/negotiation.md: which server, which command, and how to regenerate them.

    python tests/negotiation_docs.py          # start each server, rerun each command, rewrite the doc
    python tests/negotiation_docs.py NAME ... # only these blocks

A block whose `revision` is 2026-07-28 compares both protocol revisions, so it is made (and
checked) with mcp 2.x; the others pin 2025-11-25 and read the same on both SDK lines.

Each matrix sits between ``<!-- negotiate:NAME -->`` and ``<!-- /negotiate:NAME -->``. The
block shows the two commands that produced it (the server, then the lab with ``--markdown``)
followed by the lab's output, verbatim. `test_negotiation_docs.py` reruns every command and
fails when the doc differs, so the doc cannot drift from what the code does.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, ServerProcess

from demo_client.cli import main as client_main

DOC = ROOT / "docs" / "negotiation.md"
SHOWN_URL = "http://127.0.0.1:8000/mcp"


@dataclass(frozen=True)
class DocMatrix:
    """One matrix of the doc.

    Attributes:
        name: The block's name in the markers.
        server: A module (``demo_servers.expenses``) or a script path relative to the repository.
        server_args: Server options shown in the doc and used.
        lab_args: Options of `negotiate` after the URL, shown and used (paths relative to the repository).
        private_args: Server options used but not shown, e.g. a throwaway store in a temporary folder;
            ``{folder}`` is replaced by that folder.
        revision: The newest protocol revision the block needs the client to speak.
    """

    name: str
    server: str
    server_args: tuple[str, ...] = ()
    lab_args: tuple[str, ...] = ()
    private_args: tuple[str, ...] = ()
    revision: str = "2025-11-25"

    def shown_commands(self) -> str:
        """The commands as the doc shows them."""
        runner = f"python {self.server}" if self.server.endswith(".py") else f"python -m {self.server}"
        server = " ".join([runner, *self.server_args, "--host 127.0.0.1 --port 8000 &"])
        lab = " ".join(["python -m demo_client negotiate", SHOWN_URL, *self.lab_args, "--markdown"])
        return f"{server}\n{lab}"

    def start(self, folder: Path) -> ServerProcess:
        """Start the server on a free port, its data in `folder`."""
        command = str(ROOT / self.server) if self.server.endswith(".py") else self.server
        private = [arg.replace("{folder}", str(folder)) for arg in self.private_args]
        return ServerProcess(command, [*self.server_args, *private], log_path=folder / "server.log").start()

    def block(self, url: str) -> str:
        """Run the lab against `url` as the doc says and return the whole marked block."""
        args = [str(ROOT / arg) if (ROOT / arg).is_file() else arg for arg in self.lab_args]
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = client_main(["negotiate", url, *args, "--markdown"])
        if code not in (0, 1):
            raise RuntimeError(f"negotiate against {self.name} failed with exit code {code}")
        return (
            f"<!-- negotiate:{self.name} -->\n```sh\n{self.shown_commands()}\n```\n\n"
            f"{output.getvalue()}<!-- /negotiate:{self.name} -->"
        )


#: The session revision, pinned so a block reads the same on both SDK lines.
LEGACY = ("--protocol", "2025-11-25")

MATRICES = (
    DocMatrix(
        "expenses",
        "demo_servers.expenses",
        lab_args=("--answers", "docs/negotiation-answers.json", *LEGACY),
        private_args=("--store", "sqlite:///{folder}/expenses.db"),
    ),
    DocMatrix("plain-fastmcp", "tests/servers/unchecked_server.py", lab_args=LEGACY),
    DocMatrix(
        "everything",
        "demo_servers.everything",
        lab_args=(
            "--tools",
            "test_simple_text,test_error_handling,test_tool_with_logging,test_tool_with_progress,test_sampling,"
            "test_elicitation,test_elicitation_sep1034_defaults,test_elicitation_sep1330_enums,client_capabilities",
            *LEGACY,
        ),
    ),
    DocMatrix(
        "long_running",
        "demo_servers.long_running",
        server_args=("--epoch-seconds", "0.01", "--task-store", "memory://"),
        lab_args=(
            "--tools",
            "model_training,model_training_heartbeat,start_model_training,list_tasks,client_capabilities",
            *LEGACY,
        ),
    ),
    DocMatrix(
        "plain-sdk-revisions",
        "tests/servers/unchecked_server.py",
        lab_args=("--tools", "echo,ask_name,sign_in,summarize,client_roots"),
        revision="2026-07-28",
    ),
    DocMatrix(
        "mrtr-revisions",
        "tests/servers/mrtr_server.py",
        lab_args=("--tools", "ask_person,visit_url,summarize,client_roots,echo_state"),
        revision="2026-07-28",
    ),
)


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- negotiate:{re.escape(name)} -->.*?<!-- /negotiate:{re.escape(name)} -->", re.S)


def documented_block(text: str, name: str) -> str:
    """The marked block `name` of the doc's `text`."""
    found = _pattern(name).search(text)
    if found is None:
        raise LookupError(f"{DOC.name} has no <!-- negotiate:{name} --> block")
    return found.group(0)


def replace_block(text: str, name: str, block: str) -> str:
    """`text` with the marked block `name` replaced by `block`."""
    documented_block(text, name)
    return _pattern(name).sub(lambda _: block, text)


def regenerate(names: list[str] | None = None) -> None:
    """Start every server (or those of the blocks `names`), rerun the commands, rewrite the blocks."""
    text = DOC.read_text(encoding="utf-8")
    for matrix in MATRICES:
        if names and matrix.name not in names:
            continue
        with tempfile.TemporaryDirectory() as folder:
            server = matrix.start(Path(folder))
            try:
                text = replace_block(text, matrix.name, matrix.block(server.url))
            finally:
                server.stop()
        print(f"regenerated {matrix.name}", file=sys.stderr)
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate(sys.argv[1:])
