"""Several rule directories as one: the shipped or hand-written rules, then learned ones.

The first directory that has a site's file owns it (its name, description, `html` selectors); a later
directory's file for the same site adds its rules after the owner's (hand-written rules run first),
its domains and signatures after the owner's. A later rule with an id the site already has is an
error naming both files. `generic.yaml` works the same way.

`load_layers` is the one loader behind `Cleaner.from_rules` (and so every command and the datatrove
stages): hand-written directories are compiled at once; a learned directory (one with `learned*.json`)
is indexed, and its sites are compiled on demand (`cleaner.ruleset.catalog`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cleaner.ruleset.loader import GENERIC, load_dir, load_site_file
from cleaner.ruleset.model import RuleError, RuleSet


def is_learned_dir(path: str | Path) -> bool:
    """A directory written by `cleaner learn`, `--learn` or `LearnMerge` (it has `learned*.json`)."""
    path = Path(path)
    if (path / "learned.json").is_file() or (path / "learned-0000.json").is_file():
        return True  # (without listing a directory of 100,000 files)
    return path.is_dir() and any(path.glob("learned*.json"))


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
    """Load and combine rule directories in order, every file now: (site rule sets, the generic set or None)."""
    sites, generic, _ = load_layers(directories, lazy=False)
    return sites, generic


def load_layers(directories: Sequence[str | Path], *, lazy: bool = True):
    """Load rule directories in order: (site rule sets compiled now, the generic set or None, a Catalog
    of the sites compiled on demand or None).

    With `lazy`, a learned directory is only indexed; its files for sites that an eagerly loaded
    directory has too are compiled now, so the layering is the same. (A learned directory with a
    `generic.yaml` of its own is loaded eagerly: learning writes none.)
    """
    from cleaner.ruleset.catalog import Catalog, read_index

    eager: list[tuple[int, list[RuleSet], RuleSet | None]] = []
    indexed: list[tuple[int, Path, dict]] = []
    for k, d in enumerate(directories):
        if lazy and is_learned_dir(d) and not (Path(d) / f"{GENERIC}.yaml").exists():
            indexed.append((k, Path(d), read_index(Path(d))))
        else:
            eager.append((k, *load_dir(d)))
    names = {rs.name for _, layer, _ in eager for rs in layer}
    parts: list[tuple[int, RuleSet]] = [(k, rs) for k, layer, _ in eager for rs in layer]
    for k, path, entries in indexed:  # files of eagerly loaded sites: compiled now, in their layer's place
        parts += [(k, load_site_file(path / f"{stem}.yaml")) for stem in entries if stem in names]
    sites: dict[str, RuleSet] = {}
    for _, rs in sorted(parts, key=lambda p: p[0]):
        sites[rs.name] = combine(sites.get(rs.name), rs)
    generic = None
    for _, _, gen in eager:
        if gen is not None:
            generic = combine(generic, gen)
    catalog = Catalog([(path, entries) for _, path, entries in indexed], frozenset(names)) if indexed else None
    return list(sites.values()), generic, catalog if catalog else None

