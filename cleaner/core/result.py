"""Result of cleaning one document."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class TraceEntry(NamedTuple):
    """One removal or change: which rule or step, what it did, where, and the text before (and after).

    A NamedTuple: immutable, and cheap to make on the hot path (documents make dozens).
    """

    rule: str
    action: str  # drop | cut | extract (line removed) | extract-kept | change | repair
    line: int | None  # 1-based input line, None for whole-document steps
    text: str
    new: str | None = None


def trace_entry(fields: tuple) -> TraceEntry:
    """A TraceEntry from all five fields, made without the NamedTuple constructor's Python frame."""
    return tuple.__new__(TraceEntry, fields)


class Extraction(NamedTuple):
    """How an input adapter got the text the rules saw (made only when explaining: `clean(explain=True)`).

    `how`: the body selector or extractor used ("text" for a text document); `text`: what the rules saw,
    numbered as the trace numbers its lines; `dropped`: the blocks the adapter left out, each a TraceEntry
    whose rule is the step that dropped it (`html-strip <selector>`, `extractor: outside main content`),
    action "drop" and line None.
    """

    how: str
    text: str
    dropped: tuple[TraceEntry, ...] = ()


@dataclass(slots=True)
class Result:
    """The clean body plus what was learned and done on the way."""

    text: str
    title: str | None = None
    site: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    trace: list[TraceEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    layout: str | None = None  # the site's layout whose rules ran (sites with layouts only)
    # why `site` was chosen: "url", "signature <n>", "rules <id>, <id>, ..." (the site's rules that fired
    # on the document), "site option"; None with no site
    site_reason: str | None = None
    extraction: Extraction | None = None  # only when explaining: what the input adapter took and dropped

    @property
    def paragraphs(self) -> list[str]:
        """The body as a list of paragraphs."""
        return self.text.split("\n\n") if self.text else []

    def to_record(self, *, id: str | None = None, source: str | None = None,
                  url: str | None = None, trace: bool = False) -> dict:
        """The JSON-ready record written by `cleaner clean --format jsonl` and the batch writers."""
        record = {
            "id": id,
            "source": source,
            "url": url,
            "site": self.site,
            "title": self.title,
            "text": self.text,
            "metadata": dict(self.metadata),
            "stats": dict(self.stats),
            "warnings": list(self.warnings),
            "site_reason": self.site_reason,
        }
        if trace:
            record["trace"] = [t._asdict() for t in self.trace]
        return record
