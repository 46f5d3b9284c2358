"""The demo servers on protocol revision 2026-07-28, over real HTTP, with real server processes.

Three replicas of the expense server share `MCP_REQUEST_STATE_KEYS` and one SQLite file; the
rounds of one `add_expense_interactive` go to different replicas, are replayed, raced, tampered
with and left to expire. The client is the SDK's own (`mcp.Client` on 2026-07-28), driving the
rounds by hand where a test needs to see or bend them, and answering them itself elsewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from harness import ServerProcess
from sdk_compat import (
    SESSIONLESS_REVISION,
    McpError,
    accept,
    call_round,
    error_of,
    open_http_session,
    structured,
    wire_callbacks,
)

pytestmark = [pytest.mark.anyio, pytest.mark.e2e, pytest.mark.requires_revision(SESSIONLESS_REVISION)]

#: The answers of the four steps, each under the step's name (its key on the wire).
ANSWERS: list[tuple[str, dict[str, Any]]] = [
    ("amount", accept({"amount": 12.5})),
    ("description", accept({"description": "Lunch with Sam"})),
    ("category", accept({"category": "food"})),
    ("confirmation", accept({"confirmed": True})),
]
STEPS = [step for step, _ in ANSWERS]
KEYS = ",".join(secrets.token_hex(32) for _ in range(2))


def never_called(params: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError(f"rounds driven by hand never reach the client's callbacks: {params}")


def forms_client(url: str, **options: Any) -> Any:
    """A 2026-07-28 client that declares form elicitation (rounds are answered by the test)."""
    return open_http_session(url, revision=SESSIONLESS_REVISION, **wire_callbacks(elicitation=never_called), **options)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """Three expense servers on one SQLite file, sharing the request-state keys."""
    folder = tmp_path_factory.mktemp("replicas")
    store = f"sqlite:///{folder / 'expenses.db'}"
    started = []
    try:
        for index in range(3):
            server = ServerProcess(
                "demo_servers.expenses",
                ["--store", store],
                env={"MCP_REQUEST_STATE_KEYS": KEYS},
                log_path=folder / f"replica-{index}.log",
            )
            started.append(server.start())
        yield started
    finally:
        for server in started:
            server.kill()


@pytest.fixture
def alias() -> str:
    return f"user-{secrets.token_hex(6)}"


async def stored(url: str, alias: str) -> list[dict[str, Any]]:
    async with forms_client(url) as client:
        return structured(await client.call_tool("list_expenses", {"user_alias": alias}))["expenses"]


def only_key(result: dict[str, Any]) -> str:
    assert result.get("resultType") == "input_required", result
    (key,) = result["inputRequests"]
    return key


async def rounds_up_to(clients: list[Any], alias: str, steps: int) -> dict[str, Any]:
    """Answer the first `steps` questions, round `i` on `clients[i % len(clients)]`; the last result."""
    arguments = {"user_alias": alias}
    result = await call_round(clients[0], "add_expense_interactive", arguments)
    for index, (step, answer) in enumerate(ANSWERS[:steps]):
        assert only_key(result) == step
        client = clients[(index + 1) % len(clients)]
        result = await call_round(
            client, "add_expense_interactive", arguments, responses={step: answer}, state=result["requestState"]
        )
    return result


async def test_each_round_on_another_replica_stores_one_expense(replicas, alias):
    async with (
        forms_client(replicas[0].url) as a,
        forms_client(replicas[1].url) as b,
        forms_client(replicas[2].url) as c,
    ):
        result = await rounds_up_to([a, b, c], alias, len(ANSWERS))

    outcome = result["structuredContent"]
    assert outcome["status"] == "stored"
    assert outcome["message"] == 'Stored 12.50 for "Lunch with Sam" under Food & groceries.'
    expenses = await stored(replicas[2].url, alias)
    assert [(e["amount"], e["description"], e["category"]) for e in expenses] == [("12.50", "Lunch with Sam", "food")]
    assert expenses[0]["expense_id"] == outcome["expense"]["expense_id"]


@pytest.mark.parametrize("action", ["decline", "cancel"])
@pytest.mark.parametrize("stop_at", range(len(ANSWERS)))
async def test_a_decline_or_cancel_at_any_step_stores_nothing(replicas, alias, action, stop_at):
    async with (
        forms_client(replicas[0].url) as a,
        forms_client(replicas[1].url) as b,
        forms_client(replicas[2].url) as c,
    ):
        clients = [a, b, c]
        before = await rounds_up_to(clients, alias, stop_at)
        step = only_key(before)
        result = await call_round(
            clients[stop_at % 3],
            "add_expense_interactive",
            {"user_alias": alias},
            responses={step: {"action": action}},
            state=before["requestState"],
        )

    outcome = result["structuredContent"]
    assert outcome["status"] == ("declined" if action == "decline" else "cancelled")
    assert outcome["step"] == STEPS[stop_at] and "nothing was stored" in outcome["message"]
    assert await stored(replicas[0].url, alias) == []


async def test_a_replayed_round_asks_the_same_question_again(replicas, alias):
    async with forms_client(replicas[0].url) as a, forms_client(replicas[1].url) as b:
        first = await call_round(a, "add_expense_interactive", {"user_alias": alias})
        replies = [
            await call_round(
                client,
                "add_expense_interactive",
                {"user_alias": alias},
                responses={"amount": ANSWERS[0][1]},
                state=first["requestState"],
            )
            for client in (a, b)
        ]

    assert [only_key(reply) for reply in replies] == ["description", "description"]
    assert replies[0]["inputRequests"] == replies[1]["inputRequests"]
    assert await stored(replicas[0].url, alias) == []


async def test_a_final_round_replayed_and_raced_on_every_replica_stores_once(replicas, alias):
    async with (
        forms_client(replicas[0].url) as a,
        forms_client(replicas[1].url) as b,
        forms_client(replicas[2].url) as c,
    ):
        clients = [a, b, c]
        before = await rounds_up_to(clients, alias, len(ANSWERS) - 1)
        step, answer = ANSWERS[-1]
        outcomes: list[dict[str, Any]] = []

        async def last_round(client: Any) -> None:
            result = await call_round(
                client,
                "add_expense_interactive",
                {"user_alias": alias},
                responses={step: answer},
                state=before["requestState"],
            )
            outcomes.append(result["structuredContent"])

        # The same final round on all three replicas at once, then once more afterwards.
        async with anyio.create_task_group() as tg:
            for client in clients:
                tg.start_soon(last_round, client)
        await last_round(a)

    expenses = await stored(replicas[1].url, alias)
    assert len(expenses) == 1
    assert [o["status"] for o in outcomes] == ["stored"] * 4
    assert {o["expense"]["expense_id"] for o in outcomes} == {expenses[0]["expense_id"]}


@pytest.mark.parametrize("change", ["tampered", "edited"])
async def test_a_tampered_or_edited_state_is_refused_and_nothing_is_stored(replicas, alias, change):
    async with forms_client(replicas[0].url) as a, forms_client(replicas[1].url) as b:
        before = await rounds_up_to([a, b], alias, len(ANSWERS) - 1)
        state = before["requestState"]
        if change == "tampered":
            middle = len(state) // 2
            state = state[:middle] + ("A" if state[middle] != "A" else "B") + state[middle + 1 :]
        else:
            state += "-TAMPERED"
        with pytest.raises(McpError) as raised:
            await call_round(
                b, "add_expense_interactive", {"user_alias": alias}, responses=dict(ANSWERS[-1:]), state=state
            )

    assert error_of(raised.value)["code"] == -32602
    assert error_of(raised.value)["data"] == {"reason": "invalid_request_state"}
    assert await stored(replicas[0].url, alias) == []


async def test_a_state_for_another_user_is_refused(replicas, alias):
    # The state is bound to the arguments: the last round for another user_alias does not open.
    async with forms_client(replicas[0].url) as a:
        before = await rounds_up_to([a], alias, len(ANSWERS) - 1)
        with pytest.raises(McpError) as raised:
            await call_round(
                a,
                "add_expense_interactive",
                {"user_alias": alias + "-other"},
                responses=dict(ANSWERS[-1:]),
                state=before["requestState"],
            )

    assert error_of(raised.value)["code"] == -32602
    assert await stored(replicas[0].url, alias + "-other") == []


async def test_a_replica_without_the_keys_refuses_the_state_and_warns_once(spawn_server, replicas, sqlite_url, alias):
    stranger = spawn_server("demo_servers.expenses", "--store", sqlite_url)
    async with forms_client(replicas[0].url) as a, forms_client(stranger.url) as b:
        first = await call_round(a, "add_expense_interactive", {"user_alias": alias})
        with pytest.raises(McpError) as raised:
            await call_round(
                b,
                "add_expense_interactive",
                {"user_alias": alias},
                responses=dict(ANSWERS[:1]),
                state=first["requestState"],
            )

    assert error_of(raised.value)["code"] == -32602
    warnings = [line for line in stranger.logs().splitlines() if "MCP_REQUEST_STATE_KEYS is not set" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0] and "replicas" in warnings[0]
    assert not any("MCP_REQUEST_STATE_KEYS is not set" in line for line in replicas[0].logs().splitlines())


async def test_an_expired_state_is_refused_and_nothing_is_stored(spawn_server, sqlite_url, alias):
    server = spawn_server(
        "demo_servers.expenses",
        "--store",
        sqlite_url,
        env={"MCP_REQUEST_STATE_KEYS": KEYS, "MCP_REQUEST_STATE_TTL": "1"},
    )
    async with forms_client(server.url) as client:
        before = await rounds_up_to([client], alias, len(ANSWERS) - 1)
        # The state's second is over after this; the server refuses it from then on.
        await anyio.sleep(1.2)
        with pytest.raises(McpError) as raised:
            await call_round(
                client,
                "add_expense_interactive",
                {"user_alias": alias},
                responses=dict(ANSWERS[-1:]),
                state=before["requestState"],
            )

    assert error_of(raised.value)["code"] == -32602
    assert await stored(server.url, alias) == []


async def test_without_the_elicitation_capability_the_answer_is_minus_32021_naming_add_expense(replicas, alias):
    async with open_http_session(replicas[0].url, revision=SESSIONLESS_REVISION) as client:
        with pytest.raises(McpError) as raised:
            await call_round(client, "add_expense_interactive", {"user_alias": alias})

    error = error_of(raised.value)
    assert error["code"] == -32021
    assert error["data"] == {"requiredCapabilities": {"elicitation": {"form": {}}}}
    assert "'elicitation.form'" in error["message"] and "Use add_expense(" in error["message"]


async def test_the_sdk_client_answers_the_rounds_itself(replicas, alias):
    answers = dict(ANSWERS)
    asked: list[str] = []

    def user(params: dict[str, Any]) -> dict[str, Any]:
        field = next(iter(params["requestedSchema"]["properties"]))
        step = {"amount": "amount", "description": "description", "category": "category"}.get(field, "confirmation")
        asked.append(step)
        return answers[step]

    async with open_http_session(
        replicas[1].url, revision=SESSIONLESS_REVISION, **wire_callbacks(elicitation=user)
    ) as client:
        result = await client.call_tool("add_expense_interactive", {"user_alias": alias})

    assert structured(result)["status"] == "stored"
    assert asked == STEPS
    assert len(await stored(replicas[0].url, alias)) == 1


# --- sampling and progress ------------------------------------------------------------------------------


async def test_analyze_spending_samples_in_a_round_and_falls_back_without_sampling(replicas, alias):
    async with forms_client(replicas[0].url) as client:
        await client.call_tool(
            "add_expense", {"user_alias": alias, "amount": "20.00", "description": "Books", "category": "other"}
        )

    def llm(params: dict[str, Any]) -> dict[str, Any]:
        return {"role": "assistant", "content": {"type": "text", "text": "Spend less on books."}, "model": "test-llm"}

    async with open_http_session(
        replicas[1].url, revision=SESSIONLESS_REVISION, **wire_callbacks(sampling=llm)
    ) as sampling:
        first = await call_round(sampling, "analyze_spending", {"user_alias": alias})
        (key,) = first["inputRequests"]
        assert first["inputRequests"][key]["method"] == "sampling/createMessage"
        answered = await sampling.call_tool("analyze_spending", {"user_alias": alias})
    async with open_http_session(replicas[2].url, revision=SESSIONLESS_REVISION) as plain:
        computed = await plain.call_tool("analyze_spending", {"user_alias": alias})

    assert structured(answered)["text"] == "Spend less on books."
    assert structured(answered)["source"] == "client_llm"
    assert structured(computed)["source"] == "computed"


async def test_generate_report_reports_progress_on_the_response_stream(replicas, alias):
    async with forms_client(replicas[0].url) as client:
        await client.call_tool(
            "add_expense", {"user_alias": alias, "amount": "5.00", "description": "Tea", "category": "food"}
        )
        seen: list[tuple[float, float | None]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append((progress, total))

        result = await client.call_tool("generate_report", {"user_alias": alias}, progress_callback=on_progress)

    assert structured(result)["user_alias"] == alias
    assert seen, "progress notifications arrived"
    assert [value for value, _ in seen] == sorted({value for value, _ in seen})
    assert seen[-1][0] == seen[-1][1]


async def test_model_training_reports_progress_and_background_tasks_run(training_server):
    actor = {"X-Amzn-Bedrock-AgentCore-Runtime-Custom-Actor-Id": f"actor-{secrets.token_hex(4)}"}
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async with open_http_session(training_server.url, revision=SESSIONLESS_REVISION, headers=actor) as client:
        trained = await client.call_tool(
            "model_training", {"model_name": "resnet", "epochs": 3}, progress_callback=on_progress
        )
        started = structured(await client.call_tool("start_model_training", {"model_name": "resnet", "epochs": 2}))
        status: dict[str, Any] = {}
        for _ in range(400):  # x 50 ms: a generous bound for well under a second of work
            status = structured(await client.call_tool("check_task_status", {"task_id": started["task_id"]}))
            if status["status"] == "completed":
                break
            await anyio.sleep(0.05)
        results = structured(await client.call_tool("get_task_results", {"task_id": started["task_id"]}))

    assert structured(trained)["epochs"] == 3
    assert seen == sorted(seen) and len(seen) >= 3
    assert status["status"] == "completed"
    assert results["result"]["epochs"] == 2
