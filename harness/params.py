"""Check parameters: what a check declares it can be given, and the values it is given.

A lab sets them in lab.toml (`[[checks]] params = {...}`), a lab author with `--param`;
a check declares each (`@check(..., params=[Param(...)])`) and reads it with
`ctx.param(name)`, so a typo or a value of the wrong kind is refused, not silently replaced
by a default buried in the check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# The kinds of value a check parameter holds: what lab.toml and `--param` (TOML values) can give.
P = TypeVar("P", int, float, str, bool)
_KINDS: dict[type, str] = {int: "a whole number (int)", float: "a number (float)", str: "a string (str)",
                           bool: "true or false (bool)"}


class ParamError(ValueError):
    """A lab or the command line gives a check a parameter it does not declare, or a wrong value."""

    def __init__(self, message: str, *, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass(frozen=True)
class Param(Generic[P]):
    """One parameter a check declares: `@check(..., params=[Param("max_connections", int, 20, "...")])`.

    A lab sets it in lab.toml (`[[checks]] params = {...}`), a lab author with `--param`;
    the check reads it with `ctx.param(name)`. A default of None means "not set" (the check
    then decides, e.g. looks for any test command).
    """

    name: str
    type: type[P]
    default: P | None
    meaning: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"parameter name {self.name!r} must be lowercase letters, digits and _")
        if self.type not in _KINDS:
            raise ValueError(f"parameter {self.name}: type must be one of int, float, str, bool")
        if self.default is not None:  # 80 declared as a float reads back as 80.0, like a lab's 80
            object.__setattr__(self, "default", self.convert(self.default))
        if not self.meaning.strip():
            raise ValueError(f"parameter {self.name}: say in one line what it means")

    def convert(self, value: object) -> P:
        """`value` as this parameter's type (an int is a float too), or ParamError naming the type."""
        if isinstance(value, bool) and self.type is not bool:
            pass  # TOML's true is a bool, never a number
        elif self.type is float and isinstance(value, int | float):
            return self.type(value)
        elif isinstance(value, self.type):
            return value
        raise ParamError(f"{self.name} must be {_KINDS[self.type]}, got {value!r}")

    def describe(self) -> str:
        """`max_connections (int, default 20): the most connections ...` for listings and errors."""
        default = "unset by default" if self.default is None else f"default {toml_value(self.default)}"
        return f"{self.name} ({self.type.__name__}, {default}): {self.meaning}"


def toml_value(value: object) -> str:
    """A value as lab.toml writes it: 0.4, 80, "20s", true."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return f'"{value}"' if isinstance(value, str) else str(value)
