"""Optional AWS pieces (extra `aws`): Bedrock sampler, DynamoDB task store, AgentCore Memory sink."""

from .bedrock_sampler import DEFAULT_BEDROCK_MODEL, BedrockSampler
from .dynamodb_store import DynamoDBTaskStore, create_task_table
from .memory_sink import (
    MAX_EVENT_TEXT,
    AgentCoreMemorySink,
    create_event_request,
    describe_result,
    strands_message_text,
)

__all__ = [
    "DEFAULT_BEDROCK_MODEL",
    "MAX_EVENT_TEXT",
    "AgentCoreMemorySink",
    "BedrockSampler",
    "DynamoDBTaskStore",
    "create_event_request",
    "create_task_table",
    "describe_result",
    "strands_message_text",
]
