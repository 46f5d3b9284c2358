"""Imports of optional dependencies, which fail naming the extra that installs them.

A server author installs only the core (`mcp`, `pydantic`, `anyio`, ...). The AWS pieces
(`BedrockSampler`, `DynamoDBTaskStore`, `AgentCoreMemorySink`) need boto3 from the `aws`
extra and import it only when they are used, so `import toolkit` stays light.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtra

__all__ = ["AWS_PACKAGES", "import_extra"]

#: The top-level modules the `aws` extra installs (boto3 brings botocore).
AWS_PACKAGES = ("boto3", "botocore")


def import_extra(
    module: str, *, feature: str, extra: str = "aws", packages: tuple[str, ...] = AWS_PACKAGES
) -> ModuleType:
    """Import `module`, which needs `packages` from the optional `extra`.

    Args:
        module: The dotted module name, e.g. ``botocore.exceptions`` or ``toolkit.aws.dynamodb_store``.
        feature: What needs it, named in the error, e.g. ``BedrockSampler``.
        extra: The extra of this project that installs `packages`.
        packages: Top-level modules the extra installs.

    Raises:
        MissingExtra: One of `packages` is not installed.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        # Any other missing module is a broken installation, not a missing extra.
        if missing not in packages:
            raise
        raise MissingExtra(feature, extra, missing) from exc
