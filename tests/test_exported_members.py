"""`__all__` of each public package lists exactly its public names, and each resolves."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["toolkit", "demo_client"])
def test_all_is_sorted_complete_and_importable(package):
    module = importlib.import_module(package)
    exported = module.__all__
    assert sorted(exported) == sorted(set(exported)), "no duplicates"
    # Names loaded on first use (the optional extras' pieces) are listed before they load.
    assert set(exported) <= set(dir(module))
    for name in exported:
        assert hasattr(module, name), f"{package}.{name} is listed but missing"
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, type(importlib)) and name != "annotations"
    }
    assert public <= set(exported), f"public but not in __all__: {sorted(public - set(exported))}"
