"""Rules for a report: one or more rule directories merged into one Cleaner, each set with its kind."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cleaner.api import Cleaner, default_rules_dir
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


def load_rules(specs: list[str] | None, *, find_article: bool = True) -> tuple[Cleaner, list[RuleSetInfo]]:
    """A Cleaner from rule directories given in order (None or []: the shipped rules), loaded as
    `cleaner clean --rules` loads them (`Cleaner.from_rules`: layered in order, a learned directory
    alone goes on the shipped rules), every file compiled (the report lists every rule set);
    `find_article`: the article finder on text of sites without rules.

    `shipped` names the shipped rules and `none` no rules at all. Returns (cleaner, its rule sets).
    Raises RuleError with a one-line message.
    """
    dirs: list[Path] = []
    for spec in specs or [SHIPPED]:
        path = Path(spec)
        if not path.exists() and spec in (SHIPPED, NONE):
            if spec == SHIPPED:
                dirs.append(default_rules_dir())
            continue
        if not path.is_dir():
            raise RuleError(f"{spec}: not a directory of rule files (or '{SHIPPED}', '{NONE}')")
        dirs.append(path)
    cleaner = Cleaner.from_rules(dirs, lazy=False, find_article=find_article) if dirs else \
        Cleaner([], None, find_article=find_article)
    return cleaner, [_info(rs) for rs in cleaner.rule_sets()]


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
