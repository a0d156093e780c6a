"""Rules for a report: one or more rule directories merged into one Cleaner, each set with its kind."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cleaner.api import Cleaner, default_rules_dir
from cleaner.ruleset.loader import load_dir
from cleaner.ruleset.model import RuleError, RuleSet

#: words accepted in place of a directory (when no such path exists)
SHIPPED, NONE = "shipped", "none"


@dataclass(frozen=True)
class RuleSetInfo:
    """A rule set as the report shows it."""

    name: str  # the site, or "generic"
    source: str  # its file
    kind: str  # shipped | learned | hand-written
    description: str
    rules: int


def load_rules(specs: list[str] | None, *, find_article: bool = True) -> tuple[Cleaner, list[RuleSetInfo], list[str]]:
    """A Cleaner from rule directories given in order (None or []: the shipped rules; `find_article`: the
    article finder on text of sites without rules).

    `shipped` names the shipped rules and `none` no rules at all. A site defined in two directories
    takes the later one's file; the generic set too. Returns (cleaner, its rule sets, notes about
    replaced files). Raises RuleError with a one-line message.
    """
    sites: dict[str, RuleSet] = {}
    generic: RuleSet | None = None
    notes: list[str] = []
    for spec in specs or [SHIPPED]:
        path = Path(spec)
        if not path.exists() and spec in (SHIPPED, NONE):
            if spec == NONE:
                continue
            path = default_rules_dir()
        if not path.is_dir():
            raise RuleError(f"{spec}: not a directory of rule files (or '{SHIPPED}', '{NONE}')")
        dir_sites, dir_generic = load_dir(path)
        for rs in dir_sites:
            if rs.name in sites:
                notes.append(f"site {rs.name}: {rs.source} replaces {sites[rs.name].source}")
            sites[rs.name] = rs
        if dir_generic is not None:
            if generic is not None:
                notes.append(f"generic: {dir_generic.source} replaces {generic.source}")
            generic = dir_generic
    cleaner = Cleaner(list(sites.values()), generic, find_article=find_article)
    sets = [*sites.values(), *([generic] if generic is not None else [])]
    return cleaner, [_info(rs) for rs in sets], notes


def describe(spec: list[str] | None) -> str:
    """How the rule directories were given, for the page's header."""
    return " + ".join(spec) if spec else SHIPPED


def kind_of(rs: RuleSet) -> str:
    """shipped (a file of the shipped rules), learned (written by `cleaner.learn`) or hand-written."""
    try:
        Path(rs.source).resolve().relative_to(default_rules_dir().resolve())
        return "shipped"
    except ValueError:
        pass
    if rs.description.startswith("Learned from") or any(r.id.startswith("learned-") for r in rs.rules):
        return "learned"
    return "hand-written"


def _info(rs: RuleSet) -> RuleSetInfo:
    return RuleSetInfo(rs.name, rs.source, kind_of(rs), rs.description, len(rs.rules))


__all__ = ["NONE", "SHIPPED", "RuleError", "RuleSetInfo", "describe", "kind_of", "load_rules"]
