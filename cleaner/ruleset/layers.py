"""Several rule directories as one: the shipped or hand-written rules, then learned ones.

The first directory that has a site's file owns it (its name, description, `html` selectors); a later
directory's file for the same site adds its rules after the owner's (hand-written rules run first),
its domains and signatures after the owner's. A later rule with an id the site already has is an
error naming both files. `generic.yaml` works the same way.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cleaner.ruleset.loader import load_dir
from cleaner.ruleset.model import RuleError, RuleSet


def combine(base: RuleSet | None, extra: RuleSet) -> RuleSet:
    """`base` with `extra`'s rules, domains and signatures appended (same site)."""
    if base is None:
        return extra
    ids = {r.id: r.source for r in base.all_rules()}
    for r in extra.all_rules():
        if r.id in ids:
            raise RuleError(f"{r.source}: rule '{r.id}': key 'id': duplicate; already used in {ids[r.id]} "
                            f"for site {base.name}; allowed: ids not used by an earlier rules directory")
    return replace(
        base, rules=base.rules + extra.rules, layouts=base.layouts + extra.layouts,
        domains=tuple(dict.fromkeys(base.domains + extra.domains)),
        signatures=base.signatures + tuple(s for s in extra.signatures if s not in base.signatures),
    )


def load_dirs(directories: Sequence[str | Path]) -> tuple[list[RuleSet], RuleSet | None]:
    """Load and combine rule directories in order: (site rule sets, the generic set or None)."""
    sites: dict[str, RuleSet] = {}
    generic: RuleSet | None = None
    for d in directories:
        layer, gen = load_dir(d)
        for rs in layer:
            sites[rs.name] = combine(sites.get(rs.name), rs)
        if gen is not None:
            generic = combine(generic, gen)
    return list(sites.values()), generic
