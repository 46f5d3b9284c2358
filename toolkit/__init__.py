"""Helpers for stateful MCP servers: elicitation, sampling, progress and durable tasks.

`import toolkit` needs only the core dependencies. The AWS pieces import boto3 (the `aws`
extra) when they are used: `BedrockSampler` and `AgentCoreMemorySink` when one is made,
`DynamoDBTaskStore` and `create_task_table` when first looked up here.
"""

import typing

from .elicitation.fields import Titles
from .elicitation.flows import Flow, FlowAnswers, FlowCompleted, FlowStopped, Step
from .elicitation.forms import Form, parse_form_content, requested_schema
from .elicitation.questions import Confirmation, ask, choose, confirm
from .elicitation.requests import Accepted, Cancelled, Declined, ElicitationOutcome, elicit
from .elicitation.schema import FieldProblem, check_requested_schema, form_content_problems, requested_schema_problems
from .elicitation.url import UrlAccepted, UrlElicitations, elicit_url, url_elicitation_required, user_identity
from .errors import (
    CapabilityError,
    ConfigurationError,
    ElicitationAttemptsExhausted,
    ElicitationError,
    ElicitationRequestFailed,
    ElicitationUnsupported,
    InvalidElicitationResponse,
    InvalidFormContent,
    InvalidHeader,
    InvalidProgressArgument,
    InvalidRequestedSchema,
    InvalidSamplingRequest,
    InvalidTaskArguments,
    InvalidTaskId,
    MissingExtra,
    NonTextSamplingContent,
    NotAFormModel,
    ProgressError,
    ReplayError,
    RootsRequestFailed,
    RootsUnsupported,
    SamplerFailed,
    SamplingError,
    SamplingRejected,
    SamplingRequestFailed,
    SamplingTimeout,
    SamplingUnsupported,
    StructuredOutputInvalid,
    TaskError,
    TaskNotFinished,
    TaskNotFound,
    TaskStoreError,
    ToolkitError,
    TooManyTasks,
    UnknownElicitation,
    UnsupportedFieldType,
    UrlElicitationRequired,
)
from .progress.heartbeats import Heartbeat, heartbeat, run_blocking
from .progress.tracking import Progress, track
from .sampling.requests import SamplingOptions, sample, sample_text, use_fallback_sampler
from .sampling.samplers import OfflineSampler, Sampler, SamplingRequest, SamplingResult, prefer_models
from .sampling.structured import sample_structured
from .server.capabilities import ClientFeatures, client_features, require_elicitation, require_sampling
from .server.context import Context
from .server.event_store import BoundedEventStore, SessionEventStore
from .server.logs import LOG_LEVELS, client_log_level, send_log
from .server.preset import ServerSettings, StatefulServer, stateful_server
from .server.roots import list_roots
from .server.rounds import flow_id, once
from .server.subscriptions import ResourceSubscriptions, enable_resource_subscriptions
from .tasks.jobs import Job
from .tasks.manager import ResultSink, TaskContext, TaskManager
from .tasks.memory_ids import MEMORY_IDS_HEADER, MemoryIds, parse_memory_ids
from .tasks.owners import OwnerPolicy, owner_of
from .tasks.record import TaskRecord, TaskStatus
from .tasks.sqlite_store import SQLiteTaskStore
from .tasks.store import MemoryTaskStore, TaskStore, open_task_store
from .tasks.tools import register_task_tools, run_with_app

if typing.TYPE_CHECKING:
    from .aws import AgentCoreMemorySink, BedrockSampler, DynamoDBTaskStore, create_task_table, describe_result

# Names whose module imports boto3 at the top: loaded on first use, so the core stays boto3-free.
_AWS_NAMES = {
    "AgentCoreMemorySink": "aws.memory_sink",
    "BedrockSampler": "aws.bedrock_sampler",
    "DynamoDBTaskStore": "aws.dynamodb_store",
    "create_task_table": "aws.dynamodb_store",
    "describe_result": "aws.memory_sink",
}

__all__ = [
    "LOG_LEVELS",
    "MEMORY_IDS_HEADER",
    "Accepted",
    "AgentCoreMemorySink",
    "BedrockSampler",
    "BoundedEventStore",
    "Cancelled",
    "CapabilityError",
    "ClientFeatures",
    "ConfigurationError",
    "Confirmation",
    "Context",
    "Declined",
    "DynamoDBTaskStore",
    "ElicitationAttemptsExhausted",
    "ElicitationError",
    "ElicitationOutcome",
    "ElicitationRequestFailed",
    "ElicitationUnsupported",
    "FieldProblem",
    "Flow",
    "FlowAnswers",
    "FlowCompleted",
    "FlowStopped",
    "Form",
    "Heartbeat",
    "InvalidElicitationResponse",
    "InvalidFormContent",
    "InvalidHeader",
    "InvalidProgressArgument",
    "InvalidRequestedSchema",
    "InvalidSamplingRequest",
    "InvalidTaskArguments",
    "InvalidTaskId",
    "Job",
    "MemoryIds",
    "MemoryTaskStore",
    "MissingExtra",
    "NonTextSamplingContent",
    "NotAFormModel",
    "OfflineSampler",
    "OwnerPolicy",
    "Progress",
    "ProgressError",
    "ReplayError",
    "ResourceSubscriptions",
    "ResultSink",
    "RootsRequestFailed",
    "RootsUnsupported",
    "SQLiteTaskStore",
    "Sampler",
    "SamplerFailed",
    "SamplingError",
    "SamplingOptions",
    "SamplingRejected",
    "SamplingRequest",
    "SamplingRequestFailed",
    "SamplingResult",
    "SamplingTimeout",
    "SamplingUnsupported",
    "ServerSettings",
    "SessionEventStore",
    "StatefulServer",
    "Step",
    "StructuredOutputInvalid",
    "TaskContext",
    "TaskError",
    "TaskManager",
    "TaskNotFinished",
    "TaskNotFound",
    "TaskRecord",
    "TaskStatus",
    "TaskStore",
    "TaskStoreError",
    "Titles",
    "TooManyTasks",
    "ToolkitError",
    "UnknownElicitation",
    "UnsupportedFieldType",
    "UrlAccepted",
    "UrlElicitationRequired",
    "UrlElicitations",
    "ask",
    "check_requested_schema",
    "choose",
    "client_features",
    "client_log_level",
    "confirm",
    "create_task_table",
    "describe_result",
    "elicit",
    "elicit_url",
    "enable_resource_subscriptions",
    "flow_id",
    "form_content_problems",
    "heartbeat",
    "list_roots",
    "once",
    "open_task_store",
    "owner_of",
    "parse_form_content",
    "parse_memory_ids",
    "prefer_models",
    "register_task_tools",
    "requested_schema",
    "requested_schema_problems",
    "require_elicitation",
    "require_sampling",
    "run_blocking",
    "run_with_app",
    "sample",
    "sample_structured",
    "sample_text",
    "send_log",
    "stateful_server",
    "track",
    "url_elicitation_required",
    "use_fallback_sampler",
    "user_identity",
]


def __getattr__(name: str) -> typing.Any:
    """Load the DynamoDB names on first use; `MissingExtra` names the `aws` extra if boto3 is absent."""
    module = _AWS_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    from .optional import import_extra

    value = getattr(import_extra(f"{__name__}.{module}", feature=f"toolkit.{name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
