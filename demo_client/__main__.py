"""`python -m demo_client`: see `demo_client.cli`."""

from .cli import run

run()
