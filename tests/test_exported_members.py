"""The public surface: each package's `__all__` is sorted, complete and importable, and the top stays small.

In the style of httpx's `test_exported_members`: a name a module defines or imports without a
leading underscore is public, so it must be listed, and everything listed must resolve. The
top level holds what a tool author uses; plumbing is reachable from its subpackage only.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from typing import Any

import pytest
from doc_blocks import PAGES, ROOT

import toolkit
from toolkit import errors

#: Every public package of the toolkit (and the reference client), each with its own `__all__`.
PACKAGES = [
    "toolkit",
    "toolkit.server",
    "toolkit.elicitation",
    "toolkit.sampling",
    "toolkit.progress",
    "toolkit.tasks",
    "toolkit.aws",
    "toolkit.errors",
    "demo_client",
]
SUBPACKAGES = [name for name in PACKAGES if name.startswith("toolkit.")]
#: How many names the top level may hold: enough for a tool, few enough to read in one go.
TOP_LEVEL_SIZE = range(30, 46)


def isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions and the rest."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[0].isupper() else 2), name


def public_names(module: types.ModuleType) -> set[str]:
    """What `module` binds without a leading underscore, leaving out modules and what it imports from libraries."""
    root = module.__name__.split(".")[0]
    names = set()
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType) or name in ("annotations", "TYPE_CHECKING"):
            continue
        owner = getattr(value, "__module__", None)
        if isinstance(owner, str) and owner.split(".")[0] not in (root, "builtins"):
            continue  # e.g. `Any` or `Mapping` imported for annotations
        names.add(name)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_complete_and_importable(package):
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(set(exported), key=isort_key), "sorted, without duplicates"
    # Names loaded on first use (the optional extras' pieces) are listed before they load.
    assert set(exported) <= set(dir(module))
    for name in exported:
        assert getattr(module, name, None) is not None, f"{package}.{name} is listed but missing"
    unlisted = public_names(module) - set(exported)
    assert not unlisted, f"public in {package} but not in __all__: {sorted(unlisted)}"
    star: dict[str, Any] = {}
    exec(f"from {package} import *", star)
    assert set(exported) <= set(star)


def test_the_top_level_is_a_tool_authors_surface():
    assert len(toolkit.__all__) in TOP_LEVEL_SIZE, (
        f"toolkit exports {len(toolkit.__all__)} names; keep the top level to what a tool author uses "
        "and leave plumbing in its subpackage"
    )


@pytest.mark.parametrize("name", toolkit.__all__)
def test_every_top_level_name_is_also_reachable_from_its_subpackage(name):
    homes = [package for package in SUBPACKAGES if name in importlib.import_module(package).__all__]
    assert homes, f"toolkit.{name} belongs to no subpackage's __all__"
    for package in homes:
        assert getattr(importlib.import_module(package), name) is getattr(toolkit, name)


def test_the_aws_pieces_are_only_in_toolkit_aws():
    assert not set(toolkit.aws.__all__) & set(toolkit.__all__)
    for package in SUBPACKAGES:
        if package != "toolkit.aws":
            assert not set(toolkit.aws.__all__) & set(importlib.import_module(package).__all__), package


def exception_classes(module: types.ModuleType) -> set[type[BaseException]]:
    return {value for value in vars(module).values() if inspect.isclass(value) and issubclass(value, BaseException)}


def test_every_exception_lives_in_toolkit_errors_under_one_root():
    defined = {cls for cls in exception_classes(errors) if cls.__module__ == errors.__name__}
    assert {cls.__name__ for cls in defined} == set(errors.__all__)
    assert all(issubclass(cls, errors.ToolkitError) for cls in defined)
    for package in ("toolkit", *SUBPACKAGES):
        for cls in exception_classes(importlib.import_module(package)):
            assert cls.__module__ == errors.__name__, f"{package} exports {cls.__name__} from {cls.__module__}"


def test_the_top_level_exports_the_error_root_and_its_categories_only():
    on_top = {value for value in exception_classes(toolkit)}
    categories = {cls for cls in exception_classes(errors) if errors.ToolkitError in cls.__bases__}
    assert on_top == {errors.ToolkitError, errors.MissingExtra} | categories


def test_every_error_that_carries_a_python_meaning_is_also_that_builtin():
    # Callers used to the standard library catch these as ValueError, TypeError, ImportError, LookupError.
    assert issubclass(errors.InvalidArgument, ValueError)
    assert issubclass(errors.InvalidFormContent, ValueError)
    assert issubclass(errors.InvalidDefinition, TypeError)
    assert issubclass(errors.MissingExtra, ImportError)
    assert issubclass(errors.UnknownElicitation, LookupError)


# --- the names the docs use ---------------------------------------------------------------------------

DOTTED = re.compile(r"(?<![\w.])toolkit((?:\.[A-Za-z_]\w*)+)")
FROM_IMPORT = re.compile(r"^\s*from (toolkit(?:\.\w+)*) import (\([^)]*\)|[^\n]*)", re.M)


def resolve(dotted: str) -> object:
    """The object `toolkit.a.b.c` names, importing modules along the way."""
    parts = dotted.split(".")
    found: object = importlib.import_module(parts[0])
    for index, part in enumerate(parts[1:], start=1):
        try:
            found = getattr(found, part)
        except AttributeError:
            found = importlib.import_module(".".join(parts[: index + 1]))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_toolkit_name_the_docs_use_exists(page):
    text = page.read_text(encoding="utf-8")
    missing = []
    for match in DOTTED.finditer(text):
        dotted = "toolkit" + match.group(1)
        try:
            resolve(dotted)
        except (AttributeError, ModuleNotFoundError):
            missing.append(dotted)
    for match in FROM_IMPORT.finditer(text):
        module = importlib.import_module(match.group(1))
        for name in re.findall(r"\w+", match.group(2)):
            if not hasattr(module, name):
                missing.append(f"{match.group(1)}.{name}")
    assert not missing, f"{page.name} names what the toolkit does not have: {sorted(set(missing))}"
