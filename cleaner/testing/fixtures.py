"""Fixtures live in `<root>/<site>/<case>/`:

  input.txt | input.html   the scraper output (HTML is cleaned with format="html")
  url.txt                  optional: the page URL
  expected.txt             the full expected body (paragraphs separated by one blank line)
  expected.json            {"site", "title", "metadata"}
  checks.json              optional: {"paragraphs": [...], "either": [...], "chrome": [...]} - each
                           paragraph present verbatim, no chrome line left (the seeds' format)
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.api import Cleaner
from cleaner.core.result import Result

INPUTS = ("input.txt", "input.html")


@dataclass(frozen=True)
class Case:
    site: str
    name: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.site}/{self.name}"

    @property
    def input_path(self) -> Path:
        return next(self.path / n for n in INPUTS if (self.path / n).exists())

    @property
    def url(self) -> str | None:
        p = self.path / "url.txt"
        return p.read_text(encoding="utf-8").strip() or None if p.exists() else None

    @property
    def date(self) -> str | None:
        """The document's date (`date.txt`, ISO), which picks the layout of a site that has several."""
        p = self.path / "date.txt"
        return p.read_text(encoding="utf-8").strip() or None if p.exists() else None

    def read_json(self, name: str) -> dict | None:
        p = self.path / name
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


@dataclass
class Outcome:
    case: Case
    result: Result
    problems: list[str] = field(default_factory=list)
    diff: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def discover(root: str | Path, site: str | None = None) -> list[Case]:
    """All cases under root (optionally one site), sorted by id."""
    root = Path(root)
    cases = [Case(p.parent.parent.name, p.parent.name, p.parent)
             for name in INPUTS for p in root.glob(f"*/*/{name}")]
    if site:
        cases = [c for c in cases if c.site == site]
    return sorted(cases, key=lambda c: c.id)


def clean_case(cleaner: Cleaner, case: Case) -> Result:
    data = case.input_path.read_bytes()
    fmt = "html" if case.input_path.suffix == ".html" else "text"
    return cleaner.clean(data, url=case.url, format=fmt, date=case.date)


def body_file_text(result: Result) -> str:
    """What expected.txt holds for a result."""
    return result.text + "\n" if result.text else ""


def run_case(cleaner: Cleaner, case: Case) -> Outcome:
    """Clean a case and compare with its expectations; the diff is unified, expected -> actual."""
    result = clean_case(cleaner, case)
    out = Outcome(case, result)
    expected_path = case.path / "expected.txt"
    if expected_path.exists():
        expected = expected_path.read_text(encoding="utf-8")
        actual = body_file_text(result)
        if expected != actual:
            out.problems.append("body differs from expected.txt")
            out.diff = "".join(difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                f"{case.id}/expected.txt", f"{case.id}/actual", n=1))
    else:
        out.problems.append("no expected.txt (run `cleaner test --update` to create it)")
    meta = case.read_json("expected.json")
    if meta is not None:
        for key, actual in (("site", result.site), ("title", result.title), ("metadata", result.metadata)):
            if key in meta and meta[key] != actual:
                out.problems.append(f"{key}: expected {meta[key]!r}, got {actual!r}")
    checks = case.read_json("checks.json")
    if checks:
        paragraphs = result.paragraphs
        for p in checks.get("paragraphs", []):
            if p not in paragraphs:
                out.problems.append(f"expected paragraph missing: {p[:80]!r}")
        for line in checks.get("chrome", []):
            if any(line in p for p in paragraphs):
                out.problems.append(f"chrome left in the body: {line[:80]!r}")
    return out


def update_case(case: Case, result: Result) -> None:
    """Rewrite a case's expectations from the current output."""
    (case.path / "expected.txt").write_text(body_file_text(result), encoding="utf-8")
    meta = {"site": result.site, "title": result.title, "metadata": result.metadata}
    (case.path / "expected.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
