"""The negotiation lab against real servers over HTTP: the expense demo, a plain FastMCP server
that talks back without checking, and the everything server; the library and the CLI."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from functools import partial

import anyio
import pytest
from harness import ROOT, TEST_SERVERS, ServerProcess
from rich.console import Console

from demo_client import (
    PROFILES,
    Capabilities,
    LabAnswers,
    NegotiationMatrix,
    Outcome,
    RequestFailed,
    Tool,
    connect,
    negotiate,
)
from demo_client.cli import main
from demo_client.lab.cli import side_effects_notice
from demo_client.lab.negotiation import side_effect_tools
from demo_client.lab.report import cell_text, rich_matrix

pytestmark = pytest.mark.e2e

DOC_ANSWERS = ROOT / "docs" / "negotiation-answers.json"
NAMES = [profile.name for profile in PROFILES]
OK_EVERYWHERE = ["ok"] * 8
R_ELICIT, R_SAMPLING = "refused (elicitation)", "refused (sampling)"
COMPUTED = "fell back (computed)"

# Columns: nothing, form, url, form+url, sampling, sampling+tools, roots, everything.
EXPECTED_EXPENSES = {
    "add_expense": OK_EVERYWHERE,
    "add_expense_interactive": [R_ELICIT, "ok", R_ELICIT, "ok", R_ELICIT, R_ELICIT, R_ELICIT, "ok"],
    "list_expenses": OK_EVERYWHERE,
    "set_budget": OK_EVERYWHERE,
    "get_balance": OK_EVERYWHERE,
    "analyze_spending": [COMPUTED, COMPUTED, COMPUTED, COMPUTED, "ok", "ok", COMPUTED, "ok"],
    "generate_report": OK_EVERYWHERE,
    "client_capabilities": OK_EVERYWHERE,
}
V_FORM, V_URL, V_SAMPLING, V_ROOTS = (
    f"violation ({name})" for name in ("elicitation.form", "elicitation.url", "sampling", "roots")
)
V_SAMPLING_CONTEXT, V_CONTEXT = "violation (sampling, sampling.context)", "violation (sampling.context)"
EXPECTED_PLAIN = {
    "echo": OK_EVERYWHERE,
    "ask_name": [V_FORM, "ok", V_FORM, "ok", V_FORM, V_FORM, V_FORM, "ok"],
    "sign_in": [V_URL, V_URL, "ok", "ok", V_URL, V_URL, V_URL, "ok"],
    "summarize": [V_SAMPLING, V_SAMPLING, V_SAMPLING, V_SAMPLING, "ok", "ok", V_SAMPLING, "ok"],
    "summarize_with_context": [V_SAMPLING_CONTEXT] * 4 + [V_CONTEXT, V_CONTEXT, V_SAMPLING_CONTEXT, "ok"],
    "plan_with_tools": [R_SAMPLING] * 5 + ["ok", R_SAMPLING, "ok"],
    "client_roots": [V_ROOTS] * 6 + ["ok", "ok"],
}
EVERYTHING_TOOLS = [
    "test_error_handling",
    "test_tool_with_logging",
    "test_tool_with_progress",
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
]
VERDICTS = {"works": Outcome.OK, "falls back": Outcome.FELL_BACK, "refuses": Outcome.REFUSED}


def started(command: str, *args: str, folder) -> Iterator[ServerProcess]:
    server = ServerProcess(command, list(args), log_path=folder / "server.log").start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def expenses_url(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("negotiation-expenses")
    for server in started("demo_servers.expenses", "--store", f"sqlite:///{folder / 'e.db'}", folder=folder):
        yield server.url


@pytest.fixture(scope="module")
def plain_url(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("negotiation-plain")
    for server in started(str(TEST_SERVERS / "unchecked_server.py"), folder=folder):
        yield server.url


@pytest.fixture(scope="module")
def everything_url(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("negotiation-everything")
    for server in started("demo_servers.everything", folder=folder):
        yield server.url


@pytest.fixture(scope="module")
def expenses_matrix(expenses_url) -> NegotiationMatrix:
    return anyio.run(partial(negotiate, expenses_url, answers=LabAnswers.from_file(DOC_ANSWERS)))


@pytest.fixture(scope="module")
def plain_matrix(plain_url) -> NegotiationMatrix:
    return anyio.run(partial(negotiate, plain_url))


def cells(matrix: NegotiationMatrix) -> dict[str, list[str]]:
    return {tool: [cell_text(matrix.outcome(tool, name)) for name in NAMES] for tool in matrix.tools}


@pytest.mark.toolkit_server  # the demo servers
def test_expenses_matrix_matches_every_expected_cell(expenses_matrix):
    assert cells(expenses_matrix) == EXPECTED_EXPENSES
    assert expenses_matrix.violations == 0
    assert expenses_matrix.server == "expenses"


@pytest.mark.toolkit_server  # the demo servers
def test_expenses_cells_rest_on_what_happened(expenses_matrix):
    stored = expenses_matrix.outcome("add_expense_interactive", "form")
    assert stored.requests == ("elicitation/create",) * 4
    assert '"status":"stored"' in stored.summary.replace(" ", "")
    refused = expenses_matrix.outcome("add_expense_interactive", "url")
    assert refused.requests == ()
    assert "did not declare" in refused.summary
    assert expenses_matrix.outcome("analyze_spending", "sampling").requests == ("sampling/createMessage",)
    assert expenses_matrix.outcome("analyze_spending", "nothing").requests == ()


def test_plain_fastmcp_matrix_shows_each_undeclared_request(plain_matrix):
    assert cells(plain_matrix) == EXPECTED_PLAIN
    violations = {run.profile.name: run.violations for run in plain_matrix.runs}
    assert violations == {
        "nothing": 5,
        "form": 4,
        "url": 4,
        "form+url": 3,
        "sampling": 4,
        "sampling+tools": 4,
        "roots": 4,
        "everything": 0,
    }


def test_undeclared_elicitation_is_detected_although_the_client_refused_it(plain_matrix):
    call = plain_matrix.outcome("ask_name", "nothing")
    assert call.outcome is Outcome.VIOLATION
    assert call.requests == ("elicitation/create",)
    # The SDK refused it with an error; without the audit this would look like a tool failure.
    assert "Elicitation not supported" in call.summary
    first = plain_matrix.runs[0].requests[0]
    assert (first.method, first.missing) == ("elicitation/create", ("elicitation.form",))


def test_on_server_request_sees_a_request_the_client_refuses(plain_url):
    seen: list[str] = []

    async def record(request) -> None:
        seen.append(request["method"])

    async def call_roots() -> str:
        async with connect(plain_url, capabilities=Capabilities.none(), on_server_request=record) as client:
            try:
                result = await client.call_tool("client_roots", {})
            except RequestFailed as exc:  # MCPServer (mcp 2.x) passes the client's refusal through
                return exc.detail
            assert result.is_error  # FastMCP (mcp 1.x) makes it the tool's error
            return result.text

    assert "not supported" in anyio.run(call_roots)
    assert seen == ["roots/list"]


def report_outcomes(url: str, profile_name: str) -> dict[str, Outcome]:
    """What the server's `client_capabilities` predicts for each tool, under one profile."""
    profile = next(p for p in PROFILES if p.name == profile_name)

    async def ask() -> dict:
        async with connect(url, capabilities=profile.capabilities) as client:
            return (await client.call_tool("client_capabilities", {})).structured_content or {}

    report = anyio.run(ask)
    return {verdict["tool"]: VERDICTS[verdict["status"]] for verdict in report["tools"]}


@pytest.mark.toolkit_server  # the demo servers
def test_expenses_client_capabilities_agrees_with_the_lab(expenses_url, expenses_matrix):
    for name in NAMES:
        for tool, predicted in report_outcomes(expenses_url, name).items():
            assert expenses_matrix.outcome(tool, name).outcome is predicted, (tool, name)


@pytest.mark.toolkit_server  # the demo servers
def test_everything_server_reports_and_behaves_alike(everything_url):
    matrix = anyio.run(partial(negotiate, everything_url, tools=[*EVERYTHING_TOOLS, "client_capabilities"]))
    assert matrix.outcome("test_error_handling", "everything").outcome is Outcome.ERROR
    assert matrix.violations == 0
    for name in NAMES:
        predicted = report_outcomes(everything_url, name)
        assert set(predicted) == set(EVERYTHING_TOOLS) - {"test_error_handling"}
        for tool, outcome in predicted.items():
            assert matrix.outcome(tool, name).outcome is outcome, (tool, name)


def test_cli_json_counts_violations_and_exits_1(plain_url, capsys):
    code = main(["negotiate", plain_url, "--json", "--profiles", "nothing,form", "--tools", "echo,ask_name"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["tools"] == ["echo", "ask_name"]
    assert out["matrix"]["ask_name"]["nothing"]["outcome"] == "violation"
    assert out["matrix"]["ask_name"]["nothing"]["requests"] == ["elicitation/create"]
    assert out["matrix"]["ask_name"]["form"]["outcome"] == "ok"
    assert out["violations"] == {"nothing": 1, "form": 0}
    assert out["counts"] == {"ok": 3, "fell back": 0, "refused": 0, "violation": 1, "error": 0}


def test_cli_table_exits_0_without_violations(plain_url, capsys):
    code = main(["negotiate", plain_url, "--profiles", "everything", "--tools", "ask_name,client_roots"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Capability negotiation: plain-fastmcp" in out
    assert "undeclared requests" in out
    assert "0 undeclared requests from the server" in out


def test_cli_table_fits_120_columns_and_cuts_no_cell(plain_url, capsys):
    assert main(["negotiate", plain_url]) == 1
    out = capsys.readouterr().out
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 120
    # The cell shows the outcome and a note number; the note under the table gives the reason.
    assert re.search(r"^\[(\d+)\] violation \(sampling, sampling\.context\)$", out, re.M)
    assert "sampling" in out and "+tools" in out


@pytest.mark.parametrize("fixture", [pytest.param("expenses_matrix", marks=pytest.mark.toolkit_server), "plain_matrix"])
def test_rich_table_of_every_documented_server_fits_a_120_column_terminal(fixture, request):
    matrix = request.getfixturevalue(fixture)
    console = Console(width=120, record=True, force_terminal=True, file=io.StringIO())
    console.print(rich_matrix(matrix))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 120
    assert "…" not in "\n".join(lines)
    # Each row starts with its whole tool name: nothing wrapped for want of width.
    for tool in matrix.tools:
        assert any(line.startswith(f"{tool} ") for line in lines), tool


def test_cli_says_which_tools_may_change_data_before_it_calls_them(plain_url, capsys):
    main(["negotiate", plain_url, "--json", "--profiles", "nothing,form", "--tools", "echo,ask_name"])
    err = " ".join(capsys.readouterr().err.split())
    assert "negotiate calls 2 tool(s) once per profile (2 profile(s))" in err
    assert "may change data on the server 2 time(s) each: echo, ask_name." in err


def test_before_calls_sees_the_tools_before_any_call(plain_url):
    seen: list[list[str]] = []

    def stop(tools: list[Tool]) -> None:
        seen.append([tool.name for tool in tools])
        raise RuntimeError("stopped before the first call")

    async def run() -> None:
        await negotiate(plain_url, tools=["ask_name"], before_calls=stop)

    with pytest.raises(RuntimeError, match="stopped before the first call"):
        anyio.run(run)
    assert seen == [["ask_name"]]


def test_side_effect_tools_follow_the_annotations():
    schema = {"type": "object"}
    tools = [
        Tool(name="plain", input_schema=schema),
        Tool(name="reader", input_schema=schema, annotations={"readOnlyHint": True}),
        Tool(name="adder", input_schema=schema, annotations={"destructiveHint": False}),
        Tool(name="deleter", input_schema=schema, annotations={"readOnlyHint": False}),
    ]
    assert [tool.name for tool in side_effect_tools(tools)] == ["plain", "adder", "deleter"]
    notice = side_effects_notice(tools, 8)
    assert notice.startswith("negotiate calls 4 tool(s) once per profile (8 profile(s)).")
    assert "8 time(s) each: plain, adder, deleter (destructive)." in notice
    assert side_effects_notice(tools[1:2], 8).endswith("every one is marked read-only (readOnlyHint).")


def test_cli_uses_scripted_answers_per_tool(plain_url, tmp_path, capsys):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"ask_name": [{"action": "decline"}]}))
    code = main(
        ["negotiate", plain_url, "--json", "--profiles", "form", "--tools", "ask_name", "--answers", str(answers)]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["matrix"]["ask_name"]["form"]["summary"] == "decline"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tools", "nope"], "The server has no tool 'nope'; it offers: echo, ask_name"),
        (["--profiles", "sometimes"], "Unknown profile(s) sometimes"),
    ],
)
def test_cli_usage_errors_exit_2_with_the_reason(plain_url, capsys, args, message):
    assert main(["negotiate", plain_url, *args]) == 2
    assert message in " ".join(capsys.readouterr().err.split())
