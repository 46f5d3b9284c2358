"""`python -m demo_client`: see `demo_client.cli`."""

import sys

from toolkit import MissingExtra
from toolkit.optional import import_extra

try:
    # The command line draws with rich, from the `client` extra.
    cli = import_extra(f"{__package__}.cli", feature="python -m demo_client", extra="client", packages=("rich",))
except MissingExtra as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)  # the exit code of every "the client could not do what was asked"
cli.run()
