"""Help as people read it: `--output PATH`, `--workers INTEGER`, `PATH...`.

typer 0.2x shows Python types (`--rules <list[Path]>`, `--workers <int range>`) and wraps a required
argument in braces (`{PATH...}...`). `plain_help()` turns those into click's names; with a typer that
lacks these hooks it changes nothing.
"""
from __future__ import annotations

import re

_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "bool": None}  # a flag takes no value
_LABEL_RE = re.compile(r"^<(?:list\[)?(.*?)\]?(?: range)?>$")


def plain_type(label: str | None) -> str | None:
    """`<list[Path]>` -> `PATH`, `<int range>` -> `INTEGER`, `<bool>` -> None, `<a|b>` -> `[a|b]`; anything
    else as it is."""
    if not label:
        return label
    m = _LABEL_RE.match(label)
    if m is None:
        return label
    inner = m.group(1)
    if "|" in inner:
        return f"[{inner}]"
    key = inner.lower()
    return _NAMES[key] if key in _NAMES else inner.upper()


def plain_help() -> None:
    from typer import core

    param = getattr(core, "_TyperParameter", None)
    argument = getattr(core, "TyperArgument", None)
    if param is None or argument is None or getattr(param, "_plain", False):
        return
    if not all(hasattr(c, m) for c, m in ((param, "display_type"), (argument, "_usage_display_name"),
                                          (argument, "display_name_raw"))):
        return
    typed = param.display_type

    def display_type(self, ctx):
        return plain_type(typed(self, ctx))

    def usage_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"

    param.display_type = display_type
    param._plain = True
    argument.display_type_rich = lambda self, ctx: None  # the argument's name says what it is
    argument._usage_display_name = usage_name
