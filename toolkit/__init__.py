"""Helpers for stateful MCP servers: elicitation, sampling, progress and durable tasks.

The top level holds what a tool author uses: the server preset and the tool's `Context`,
the ways to ask the user and their outcomes, sampling, progress, background tasks, and the
roots of the error tree. Everything else is reachable from the subpackage it belongs to:

- `toolkit.server`: settings, the event store, log levels, client capabilities, the request
  behind a call, content blocks, resource subscriptions, the client's roots, questions in rounds
  and caching hints;
- `toolkit.elicitation`: flows' answers, URL-mode bookkeeping, the timeout settings, and the
  checkers of `requestedSchema`s and answers;
- `toolkit.sampling`: the request and result types, `prefer_models`, sampling options;
- `toolkit.progress`: the `Heartbeat` class;
- `toolkit.tasks`: records, jobs, task stores, ownership, AgentCore Memory ids;
- `toolkit.aws`: the optional AWS pieces (the `aws` extra), loaded only from there;
- `toolkit.errors`: every exception, including the leaves below each category.

`import toolkit` needs only the core dependencies, and loads every subpackage, so
`toolkit.server.http_request(ctx)` or `toolkit.aws.BedrockSampler()` works after it.
"""

# Importing toolkit.aws imports no boto3; its pieces load that when they are used.
from . import aws as aws
from .elicitation.fields import Titles
from .elicitation.flows import Flow, Step
from .elicitation.forms import Form
from .elicitation.questions import ask, choose, confirm
from .elicitation.requests import Accepted, Cancelled, Declined, ElicitationOutcome, elicit
from .elicitation.url import elicit_url, url_elicitation_required
from .errors import (
    CapabilityError,
    ConfigurationError,
    ElicitationError,
    MissingExtra,
    RootsFailed,
    SamplingError,
    TaskError,
    ToolError,
    ToolkitError,
)
from .progress.heartbeats import heartbeat, run_blocking
from .progress.tracking import Progress, track
from .sampling.requests import sample, sample_text, use_fallback_sampler
from .sampling.samplers import OfflineSampler, Sampler
from .sampling.structured import sample_structured
from .server.capabilities import client_features
from .server.context import Context
from .server.logs import send_log
from .server.preset import StatefulServer, stateful_server
from .server.rounds import flow_id, once
from .tasks.manager import TaskContext, TaskManager
from .tasks.record import TaskStatus
from .tasks.store import open_task_store
from .tasks.tools import register_task_tools

__all__ = [
    "Accepted",
    "Cancelled",
    "CapabilityError",
    "ConfigurationError",
    "Context",
    "Declined",
    "ElicitationError",
    "ElicitationOutcome",
    "Flow",
    "Form",
    "MissingExtra",
    "OfflineSampler",
    "Progress",
    "RootsFailed",
    "Sampler",
    "SamplingError",
    "StatefulServer",
    "Step",
    "TaskContext",
    "TaskError",
    "TaskManager",
    "TaskStatus",
    "Titles",
    "ToolError",
    "ToolkitError",
    "ask",
    "choose",
    "client_features",
    "confirm",
    "elicit",
    "elicit_url",
    "flow_id",
    "heartbeat",
    "once",
    "open_task_store",
    "register_task_tools",
    "run_blocking",
    "sample",
    "sample_structured",
    "sample_text",
    "send_log",
    "stateful_server",
    "track",
    "url_elicitation_required",
    "use_fallback_sampler",
]
