"""The calls whose string argument is an import target, as plain data: `audit` reads them without importing libcst
(what `rewrite.strings`, which rewrites those strings, needs)."""

from __future__ import annotations

from collections.abc import Mapping

# Calls whose first argument (or the named keyword) is a dotted import target.
STRING_TARGET_CALLS: Mapping[str, str] = {
    "unittest.mock.patch": "target",
    "mock.patch": "target",
    "unittest.mock.patch.dict": "in_dict",
    "mock.patch.dict": "in_dict",
    "unittest.mock.patch.multiple": "target",
    "mock.patch.multiple": "target",
    "importlib.import_module": "name",
    "builtins.__import__": "name",
    "__import__": "name",
    "importlib.util.find_spec": "name",
    "pkgutil.resolve_name": "name",
    "doctest.DocTestSuite": "module",
}

# Fixtures reached through a parameter, so matched by the name the fixture always has.
FIXTURE_STRING_CALLS = {
    "monkeypatch.setattr": "target",
    "monkeypatch.delattr": "target",
    "mocker.patch": "target",
    "mocker.patch.dict": "in_dict",
    "mocker.patch.multiple": "target",
}
