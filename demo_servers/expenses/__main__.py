"""Run the expense tracker: `python -m demo_servers.expenses [--host H] [--port P] [--log-level L] [--store URL]`.

`--store` (or `EXPENSES_STORE`) picks the storage: `sqlite:///path.db` (default, in the user's
data directory) or `dynamodb://TABLE`. `--create-table` creates that DynamoDB table and exits. `--fallback-model`
(or `EXPENSES_FALLBACK_MODEL`) names a Bedrock model that answers `analyze_spending` for clients
that cannot sample; without it those clients get a computed summary.
"""

from __future__ import annotations

import os
import sys

import toolkit

from ..cli import server_parser, use_log_level
from .dynamodb_store import DynamoDBExpenseStore, create_expense_table
from .errors import StoreError
from .server import create_server
from .store import STORE_ENV, default_store_url, open_expense_store

FALLBACK_MODEL_ENV = "EXPENSES_FALLBACK_MODEL"


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, open the store and serve until interrupted."""
    parser = server_parser("python -m demo_servers.expenses", "Interactive expense tracker MCP server.")
    parser.add_argument(
        "--store", help=f"sqlite:///PATH or dynamodb://TABLE (default: {STORE_ENV}, else a SQLite file)"
    )
    parser.add_argument(
        "--fallback-model",
        default=os.environ.get(FALLBACK_MODEL_ENV) or None,
        help=f"Bedrock model id that answers analyze_spending when the client cannot sample "
        f"(default: {FALLBACK_MODEL_ENV}, else a computed summary)",
    )
    parser.add_argument("--create-table", action="store_true", help="create the DynamoDB table of --store, then exit")
    args = parser.parse_args(argv)
    use_log_level(args.log_level)
    try:
        store = open_expense_store(args.store or default_store_url())
        if args.create_table:
            _create_table(store)
            return
        fallback = toolkit.aws.BedrockSampler(args.fallback_model) if args.fallback_model else None
        server = create_server(store, fallback_sampler=fallback)
    except (StoreError, toolkit.ConfigurationError) as exc:
        parser.exit(2, f"error: {exc}\n")
    print(f"expenses: storing in {store.describe()}", file=sys.stderr)
    server.serve(args.host, args.port)


def _create_table(store: object) -> None:
    if not isinstance(store, DynamoDBExpenseStore):
        raise StoreError("--create-table needs a dynamodb://TABLE store; SQLite files are created on first use.")
    created = create_expense_table(store.table, store.client)
    print(f"table {store.table} {'created' if created else 'already exists'}")


if __name__ == "__main__":
    main()
