"""Run statistics: per-task counters merged into per-shard and per-run totals (JSON-serialisable)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

_COUNTERS = ("sites", "rules", "rejects", "templates")


@dataclass
class Stats:
    """Counts over documents. `docs_in == written + rejected`; `empty` counts written records with no body
    (with --drop-empty they are rejects of kind "empty" instead)."""

    docs_in: int = 0
    written: int = 0
    empty: int = 0
    rejected: int = 0
    with_warnings: int = 0
    bytes_in: int = 0  # document bytes as given to the cleaner (uncompressed)
    chars_in: int = 0
    chars_out: int = 0
    sites: Counter = field(default_factory=Counter)  # written documents per site rule set ("-": generic only)
    rules: Counter = field(default_factory=Counter)  # rule id -> times it fired (trace entries)
    rejects: Counter = field(default_factory=Counter)  # reject kind -> count
    # "<site>: template <selector>" or "<site>: generic: <why>": HTML pages of sites with a learned template
    templates: Counter = field(default_factory=Counter)

    @property
    def chars_removed(self) -> int:
        return self.chars_in - self.chars_out

    def add(self, other: "Stats") -> "Stats":
        for f in fields(self):
            if f.name in _COUNTERS:
                getattr(self, f.name).update(getattr(other, f.name))
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _COUNTERS}
        d["chars_removed"] = self.chars_removed
        d["rejects"] = dict(self.rejects.most_common())
        d["sites"] = dict(self.sites.most_common())
        d["rules"] = dict(self.rules.most_common())
        d["templates"] = dict(sorted(self.templates.items()))
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Stats":
        s = cls()
        for f in fields(cls):
            if f.name in d:
                setattr(s, f.name, Counter(d[f.name]) if f.name in _COUNTERS else int(d[f.name]))
        return s
