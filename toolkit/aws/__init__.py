"""Optional AWS pieces (the `aws` extra): Bedrock sampler, DynamoDB task store, AgentCore Memory sink.

`import toolkit.aws` needs only the core dependencies. boto3 is imported when a piece is
used: `BedrockSampler` and `AgentCoreMemorySink` when one is made, `DynamoDBTaskStore` and
`create_task_table` when first looked up here. Without boto3, that use raises
`toolkit.MissingExtra` naming the extra.
"""

import typing

from .bedrock_sampler import BedrockSampler
from .memory_sink import AgentCoreMemorySink, describe_result

if typing.TYPE_CHECKING:
    from .dynamodb_store import DynamoDBTaskStore, create_task_table

# Names whose module imports boto3 at the top: loaded on first use.
_LAZY = {"DynamoDBTaskStore": "dynamodb_store", "create_task_table": "dynamodb_store"}

__all__ = ["AgentCoreMemorySink", "BedrockSampler", "DynamoDBTaskStore", "create_task_table", "describe_result"]


def __getattr__(name: str) -> typing.Any:
    """Load the DynamoDB names on first use; `MissingExtra` names the `aws` extra if boto3 is absent."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ..optional import import_extra

    value = getattr(import_extra(f"{__name__}.{module}", feature=f"toolkit.aws.{name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
