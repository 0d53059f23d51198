"""A Take made up in a test, for code that only reads a few of its fields (the library builds the
real ones: tests that need a file import one)."""
from dataclasses import fields

from soundon.core.take import Take

_DEFAULTS = {"int": 0, "float": 0.0, "str": "", "bool": False}


def a_take(**values) -> Take:
    """A Take with these fields and empty or zero values elsewhere."""
    required = {f.name: _DEFAULTS[f.type] for f in fields(Take) if f.type in _DEFAULTS and f.name not in values}
    return Take(**{**required, **values})
