"""A server whose tools elicit, for the end-to-end elicitation tests.

Run with `--auth` to require bearer tokens (`alice-token`, `bob-token`), so URL-mode
elicitations are bound to a real user identity.
"""

from __future__ import annotations

import argparse
import enum
import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

# Auth is the SDK's own (a token verifier and its settings); tests keep that one SDK import.
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from pydantic import Field
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

import toolkit
from toolkit import Accepted, Cancelled, Declined
from toolkit.elicitation import CONFIGURED

TOKENS = {"alice-token": "alice", "bob-token": "bob"}


class Category(enum.StrEnum):
    FOOD = "food"
    TRANSPORT = "transport"
    BILLS = "bills"
    ENTERTAINMENT = "entertainment"
    OTHER = "other"


CATEGORY_TITLES = toolkit.Titles(
    food="Food & drink", transport="Transport", bills="Bills", entertainment="Entertainment", other="Other"
)


class Expense(toolkit.Form):
    amount: Decimal = Field(gt=0, title="Amount", description="In euros")
    description: str = Field(min_length=1, max_length=80, title="Description")
    category: Annotated[Category, CATEGORY_TITLES] = Field(title="Category")
    tags: set[Literal["work", "family", "trip"]] = Field(default_factory=set, title="Tags")
    spent_on: date | None = Field(default=None, title="Date")


class Amount(toolkit.Form):
    amount: Decimal = Field(gt=0, title="Amount")


class Description(toolkit.Form):
    description: str = Field(min_length=1, max_length=80, title="Description")


class CategoryChoice(toolkit.Form):
    category: Annotated[Category, CATEGORY_TITLES] = Field(title="Category")


class Confirmation(toolkit.Form):
    # Ticked at first, so accepting the form as shown confirms.
    confirmed: bool = Field(default=True, title="Confirm")


ADD_EXPENSE = toolkit.Flow(
    toolkit.Step(Amount, "How much did you spend?", name="amount"),
    toolkit.Step(Description, lambda a: f"What did you spend {a[Amount].amount} EUR on?", name="description"),
    toolkit.Step(CategoryChoice, lambda a: f"Which category is '{a[Description].description}'?", name="category"),
    toolkit.Step(
        Confirmation,
        lambda a: (
            f"Store {a[Amount].amount} EUR for '{a[Description].description}' under {a[CategoryChoice].category.value}?"
        ),
        name="confirm",
    ),
)


class Verifier:
    """Accepts the two fixed test tokens; a stand-in for a real authorization server."""

    async def verify_token(self, token: str) -> AccessToken | None:
        subject = TOKENS.get(token)
        if subject is None:
            return None
        return AccessToken(token=token, client_id="test-client", scopes=[], subject=subject)


def outcome_json(outcome: Any) -> str:
    match outcome:
        case Accepted(data=data):
            value = data.model_dump(mode="json") if hasattr(data, "model_dump") else data
            return json.dumps({"action": "accept", "data": value}, sort_keys=True, default=str)
        case Declined():
            return json.dumps({"action": "decline"})
        case Cancelled(reason=reason, timed_out=timed_out):
            return json.dumps({"action": "cancel", "reason": reason, "timed_out": timed_out})
    raise AssertionError(outcome)


def build(port: int, auth: bool) -> toolkit.StatefulServer:
    extra: dict[str, Any] = {}
    if auth:
        base = f"http://127.0.0.1:{port}"
        extra = {
            "token_verifier": Verifier(),
            "auth": AuthSettings(issuer_url=base, resource_server_url=f"{base}/mcp", validate_token_resource=False),
        }
    server = toolkit.stateful_server("elicitation-test", **extra)
    links = toolkit.elicitation.UrlElicitations()
    linked: set[str | None] = set()

    @server.tool()
    async def record_expense(ctx: toolkit.Context, max_attempts: int = 3, wait_seconds: float | None = None) -> str:
        """Ask for an expense in one form; without wait_seconds, the server-wide timeout applies."""
        timeout = CONFIGURED if wait_seconds is None else wait_seconds
        outcome = await toolkit.elicit(
            ctx, "Tell me about the expense.", Expense, max_attempts=max_attempts, timeout=timeout
        )
        return outcome_json(outcome)

    @server.tool()
    async def add_expense_interactive(ctx: toolkit.Context) -> str:
        """Ask for an expense step by step, then confirm."""
        match await ADD_EXPENSE.run(ctx):
            case Accepted(data=answers):
                stored = answers[Confirmation].confirmed
                return json.dumps({"stored": stored, "steps": list(answers), "amount": str(answers[Amount].amount)})
            case Declined(step=step) | Cancelled(step=step) as outcome:
                return json.dumps({"stopped_at": step, "action": outcome.action})
        raise AssertionError("unreachable")

    @server.tool()
    async def one_question(ctx: toolkit.Context, kind: str) -> str:
        """Ask one of the one-question helpers."""
        if kind == "confirm":
            return outcome_json(await toolkit.confirm(ctx, "Delete all March expenses?", label="Yes, delete"))
        if kind == "choose":
            options = {"food": "Food & drink", "bills": "Bills"}
            return outcome_json(await toolkit.choose(ctx, "Which category?", options, default="bills"))
        return outcome_json(await toolkit.ask(ctx, "How much?", Decimal, gt=0, label="Amount"))

    @server.tool()
    async def link_account(ctx: toolkit.Context, wait_seconds: float = 10) -> str:
        """Send the user to a page; wait until the page reports the step finished."""
        elicitation_id = links.start(ctx)
        url = f"{toolkit.server.http_request(ctx).base_url}oob/finish?elicitation={elicitation_id}"
        outcome = await toolkit.elicit_url(
            ctx, "Link your bank account on the bank's page.", url, elicitation_id=elicitation_id
        )
        if not isinstance(outcome, Accepted):
            links.discard(elicitation_id)
            return outcome_json(outcome)
        finished = await links.wait(ctx, outcome.data, timeout=wait_seconds)
        return json.dumps({"action": "accept", "elicitation_id": outcome.data, "finished": finished})

    @server.tool()
    async def connect_service(ctx: toolkit.Context) -> str:
        """Answer -32042 until the caller has linked the service out of band."""
        user = toolkit.elicitation.user_identity(toolkit.server.http_request(ctx))
        if user in linked:
            return f"connected as {user}"
        elicitation_id = links.start(ctx)
        url = f"{toolkit.server.http_request(ctx).base_url}oob/finish?elicitation={elicitation_id}&remember=1"
        raise toolkit.url_elicitation_required(
            ctx, "Authorize access to the service.", url, elicitation_id=elicitation_id
        )

    @server.tool()
    async def probe_standalone(ctx: toolkit.Context) -> str:
        """Send a notification that belongs to no request, so it travels on the GET stream."""
        await toolkit.server.notify_session(ctx, "notifications/resources/list_changed")
        return "sent"

    @server.custom_route("/oob/finish", methods=["POST"])
    async def finish(request: Request) -> Response:
        user = toolkit.elicitation.user_identity(request)
        try:
            await links.complete(request.query_params["elicitation"], user=user)
        except toolkit.errors.UnknownElicitation as exc:
            return PlainTextResponse(str(exc), status_code=404)
        if request.query_params.get("remember"):
            linked.add(user)
        return PlainTextResponse("finished")

    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--auth", action="store_true")
    opts = parser.parse_args()
    build(opts.port, opts.auth).serve(opts.host, opts.port)
