"""`Job`: an async function that a task runs, with its arguments checked and kept as JSON.

A job's first parameter receives the `TaskContext`; the others are its arguments. Arguments
are validated against the signature when a task starts (so bad input is refused before
anything is stored), stored as JSON, and validated again into their declared types when the
job runs, which is what lets a resumed task run with the same arguments in another process.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import ConfigurationError, InvalidArgument

__all__ = ["Job", "JobFunction", "make_job"]

JobFunction = Callable[..., Awaitable[Any]]
_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@dataclass(frozen=True, slots=True)
class Job:
    """A registered job.

    Attributes:
        name: The name tasks record as their kind.
        func: The async function; its first parameter receives the `TaskContext`.
        resumable: Rerun the job from the start when its process died mid-task.
        parameters: The job's argument parameters (the signature without the first one).
        description: The function's docstring.
        model: The pydantic model that validates the arguments.
    """

    name: str
    func: JobFunction
    resumable: bool
    parameters: tuple[inspect.Parameter, ...]
    description: str
    model: type[BaseModel]

    def validate(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Check `arguments` against the signature and return them as JSON values.

        Raises:
            InvalidArgument: An argument is missing, unknown or of the wrong type.
        """
        return self._parse(arguments).model_dump(mode="json")

    async def run(self, context: Any, arguments: Mapping[str, Any]) -> Any:
        """Call the job with stored JSON arguments, converted back to their declared types."""
        parsed = self._parse(arguments)
        return await self.func(context, **{name: getattr(parsed, name) for name in type(parsed).model_fields})

    def _parse(self, arguments: Mapping[str, Any]) -> BaseModel:
        try:
            return self.model.model_validate(dict(arguments))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
            raise InvalidArgument.for_job(self.name, problems) from None


def make_job(func: JobFunction, *, name: str | None = None, resumable: bool = False) -> Job:
    """Wrap an async function as a `Job`.

    Raises:
        ConfigurationError: `func` is not async, takes no `TaskContext` parameter, or has
            a parameter that cannot be kept as JSON (`*args`, `**kwargs`, positional-only).
    """
    job_name = name or getattr(func, "__name__", "")
    if not inspect.iscoroutinefunction(func):
        raise ConfigurationError(f"Job {job_name!r} must be an async function (async def).")
    if not job_name.isidentifier():
        raise ConfigurationError(f"Job name {job_name!r} must be a Python identifier; pass name=.")
    try:
        params = list(inspect.signature(func, eval_str=True).parameters.values())
    except NameError as exc:
        raise ConfigurationError(
            f"Job {job_name!r} has an annotation that cannot be resolved ({exc}); define the types it "
            "uses at module level."
        ) from exc
    if not params:
        raise ConfigurationError(f"Job {job_name!r} must take the TaskContext as its first parameter.")
    arguments = tuple(params[1:])
    for param in arguments:
        if param.kind not in _KINDS:
            raise ConfigurationError(
                f"Job {job_name!r}: parameter {param.name!r} must be an ordinary named parameter "
                "(no *args, **kwargs or positional-only), so it can be stored and passed by name."
            )
    return Job(job_name, func, resumable, arguments, inspect.getdoc(func) or "", _model(job_name, arguments))


def _model(job_name: str, parameters: tuple[inspect.Parameter, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        p.name: (
            Any if p.annotation is inspect.Parameter.empty else p.annotation,
            ... if p.default is inspect.Parameter.empty else p.default,
        )
        for p in parameters
    }
    try:
        return create_model(f"{job_name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
    except Exception as exc:  # pydantic raises several types for an unusable annotation
        raise ConfigurationError(f"Job {job_name!r} has a parameter pydantic cannot validate: {exc}") from exc
