"""The public entry point: `Cleaner.from_rules().clean(text, url=...)`."""
from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from cleaner.core.engine import Document, run_rules
from cleaner.core.normalize import finish_lines, prepare_lines
from cleaner.core.repair import repair_document
from cleaner.core.result import Result, TraceEntry
from cleaner.core.screen import Screen
from cleaner.core.sites import SiteIndex, url_host
from cleaner.ruleset.model import Rule, RuleSet

FORMATS = ("auto", "text", "html")
_MAX_PASSES = 50  # each pass that changes something removes or rewrites a line
METADATA_FIELDS = ("author", "publisher", "date", "source_url")
_CONTROLS = tuple(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)))


def default_rules_dir() -> Path:
    """The shipped rules: `cleaner/_rules` in a wheel, the repository's `rules/` in a checkout."""
    shipped = Path(str(resources.files("cleaner"))) / "_rules"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "rules"


class Cleaner:
    """Cleans documents with per-site rules. Immutable, picklable and safe to share between threads."""

    def __init__(self, sites: Sequence[RuleSet] = (), generic: RuleSet | None = None,
                 *, regex_timeout: float | None = 2.0):
        self.index = SiteIndex(sites, generic.rules if generic else ())
        self.generic = generic
        self.regex_timeout = regex_timeout
        # Site rules, then generic rules: one list per site (None: no site), screened together.
        self._rules = {rs.name if rs is not None else None: _chain(rs, generic) for rs in (*sites, None)}
        self._screens = {name: Screen(rules) for name, rules in self._rules.items()}
        self._runnable = {rs.name if rs is not None else None: _runnable(rs, generic) for rs in (*sites, None)}
        self._positional = {name: tuple(r for r in rules if r.positional) for name, rules in self._runnable.items()}

    @classmethod
    def from_rules(cls, path: str | Path | None = None, *, regex_timeout: float | None = 2.0) -> Cleaner:
        """Load a rules directory (default: the shipped rules). Raises RuleError with a one-line message."""
        from cleaner.ruleset.loader import load_dir

        sites, generic = load_dir(path if path is not None else default_rules_dir())
        return cls(sites, generic, regex_timeout=regex_timeout)

    @property
    def sites(self) -> list[str]:
        return [rs.name for rs in self.index.rulesets]

    def clean(self, data: str | bytes, url: str | None = None, site: str | None = None,
              *, format: str = "auto", content_type: str | None = None) -> Result:
        """Clean one document (text or HTML, str or bytes). Never raises on bad input.

        Site rules are chosen by the URL's host, else by content signatures, else (without a URL) by the
        evidence of the sites' own rules, else by `site`; with no match only the generic rules run.
        `Result.site_reason` says which. HTML bytes are decoded by BOM, then the charset of
        `content_type` (the HTTP header), then the page's meta charset, then a detector.
        Raises RuleTimeout if a rule's regex exceeds its budget.
        """
        if format not in FORMATS:
            raise ValueError(f"format {format!r}; allowed: {', '.join(FORMATS)}")
        warnings: list[str] = []
        trace: list[TraceEntry] = []
        is_html = format == "html"
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = bytes(data)
            if format == "auto":
                is_html = _html().looks_like_html(data[:4096].decode("latin-1"))
            if is_html:
                text, encoding = _html().decode_html(data, content_type)
                if "\ufffd" in text:
                    warnings.append(f"HTML bytes not valid {encoding}: undecodable bytes replaced")
            else:
                text = _decode_text(data, warnings)
        else:
            text = data
            if format == "auto":
                is_html = _html().looks_like_html(text[:4096])
        chars_in = len(text)
        if not text or text.isspace():
            warnings.append("empty input: nothing to clean")
            return Result("", warnings=warnings, stats=_stats(chars_in, 0, 0, 0, 0))
        # One C-level pass: no control, invisible or odd space character anywhere (most documents).
        # CR counts as a newline: repair turns it into one before anything else looks at the text.
        flat = text.replace("\n", " ")
        printable = (flat.replace("\r", " ") if "\r" in flat else flat).isprintable()
        if not printable and _looks_binary(text):
            warnings.append("binary input: not text, nothing cleaned")
            return Result("", warnings=warnings, stats=_stats(chars_in, 0, 0, 0, 0))

        ruleset = self.index.by_url(url)
        reason = "url" if ruleset is not None else None
        page_meta: dict[str, str] = {}
        if is_html:
            text, page_meta, ruleset = self._extract_html(text, url, ruleset, warnings)
        repaired, text = repair_document(text, trace, printable=printable and not is_html)
        lines = prepare_lines(repaired, trace, text)
        if ruleset is not None and reason is None:
            reason = "url"  # the page's own URL (HTML)
        candidates = None
        if ruleset is None:
            ruleset, n = self.index.by_signature(text if lines is repaired else "\n".join(lines))
            reason = f"signature {n}" if ruleset is not None else None
        if ruleset is None and not (url and url_host(url)):  # a URL names the site, known or not
            lines = list(map(str.strip, lines))  # as the engine sees them: its screen's candidates are reused
            evidence = self.index.by_evidence(lines, self.regex_timeout)
            if evidence is not None:
                ruleset, candidates = evidence.site, evidence.candidates
                reason = f"rules {', '.join(evidence.reasons)}" if ruleset is not None else None
                if evidence.warning:
                    warnings.append(evidence.warning)
        if ruleset is None and site:
            candidates = None
            ruleset = self.index.by_name(site)
            reason = "site option" if ruleset is not None else None
            if ruleset is None:
                warnings.append(f"unknown site {site!r}; known: {', '.join(self.sites) or 'none'}; "
                                f"generic rules only")

        body, numbers, doc, seen = self._apply(lines, ruleset, trace, candidates=candidates)
        fields = dict(doc.fields)
        warnings.extend(doc.warnings)
        if not self._settled(ruleset, doc, body, numbers, seen):
            body, numbers = self._settle(body, numbers, seen, ruleset, trace, fields, warnings)

        metadata = {k: fields[k] for k in METADATA_FIELDS if k in fields}
        for key, value in page_meta.items():
            if key != "title" and value:
                metadata.setdefault(key, value)
        title = fields.get("title") or page_meta.get("title") or None
        text_out = "\n\n".join(body)
        if not text_out:
            warnings.append("nothing left after cleaning: the document is all chrome")
        lines_in = len(doc.lines) - doc.lines.count("")
        changed = {t.line for t in trace if t.action in ("change", "repair") and t.line is not None}
        return Result(
            text=text_out,
            title=title,
            site=ruleset.name if ruleset is not None else None,
            site_reason=reason,
            metadata=metadata,
            trace=trace,
            warnings=warnings,
            stats=_stats(chars_in, len(text_out), lines_in, len(body), len(changed & set(numbers))),
        )

    def _apply(self, lines: list[str], ruleset: RuleSet | None, trace: list[TraceEntry],
               focus: list[int] | None = None, candidates: list | None = None):
        """Site rules, then generic rules, then the finishing normalisers (`candidates`: the screen's,
        found while recognising the site).

        Returns (body, line numbers, doc, seen): `seen[i]` is the text the rules last saw of `body[i]`.
        """
        doc = Document(lines, trace)
        name = ruleset.name if ruleset is not None else None
        run_rules(self._rules[name], doc, timeout=self.regex_timeout, focus=focus, screen=self._screens[name],
                  candidates=candidates)
        kept, numbers = doc.kept()
        seen = kept
        if doc.rewritten:  # the rules before a rewrite have not seen the new text
            seen = [doc.rewritten.get(n - 1, line) for line, n in zip(kept, numbers)]
        body, body_numbers = finish_lines(kept, numbers, trace, collapsed=not doc.rewritten)
        if len(body) != len(seen):
            kept = set(body_numbers)
            seen = [line for line, n in zip(seen, numbers) if n in kept]
        return body, body_numbers, doc, seen

    def _settled(self, ruleset: RuleSet | None, doc: Document, body: list[str], numbers: list[int],
                 seen: list[str]) -> bool:
        """Whether a fresh cleaning of `body` is sure to return it unchanged, judged from what the pass
        that made it did; when not sure, `_settle` runs another pass.

        Every rule saw each body line's text in that pass and left it. So a fresh pass can differ only
        where a rule would take a line whose text changed after the rules saw it (finishing; rewrites
        always take another pass), where a positional rule's region now takes in a line it did not see
        and would take, or where a cut-tail guard kept a marker whose article-sized followers may be
        gone. A rule that requires others only runs again if one of them fires without removing its
        line (an extract that keeps it).
        """
        if doc.rewritten:
            return False
        if body != seen and not self._none_would_take(ruleset, body, seen):
            return False
        if doc.guarded and not set(doc.guarded).isdisjoint(n - 1 for n in numbers):
            return False
        for rule in self._positional[ruleset.name if ruleset is not None else None]:
            if rule not in doc.examined:  # it did not run (requirements unmet) and may run now
                return False
            region = doc.examined[rule]
            if region is None:
                continue  # it saw every line
            now = numbers[: rule.head] if rule.head is not None else numbers[-rule.tail:]
            unseen = {n - 1 for n in now}.difference(region)
            try:
                for i in unseen:  # lines that moved into its region: would it take them?
                    if rule.match.match(doc.lines[i], self.regex_timeout):
                        return False
            except TimeoutError:
                return False  # the next pass runs it again and names the rule
        return True

    def _none_would_take(self, ruleset: RuleSet | None, body: list[str], seen: list[str]) -> bool:
        """Whether no rule would take the body lines whose text finishing changed (pipes stripped, …),
        as a fresh pass would see them: testing those few lines spares a whole pass."""
        rules = self._runnable[ruleset.name if ruleset is not None else None]
        n = len(body)
        try:
            for j, (line, old) in enumerate(zip(body, seen)):
                if line == old:
                    continue
                if prepare_lines([line], [])[0] != line:
                    return False
                for rule in rules:
                    if (rule.head is not None and j >= rule.head) or (rule.tail is not None and j < n - rule.tail):
                        continue  # outside the rule's region
                    if rule.match.match(line, self.regex_timeout):
                        return False
        except TimeoutError:
            return False  # the next pass runs it again and names the rule
        return True

    def _settle(self, body: list[str], numbers: list[int], seen: list[str], ruleset: RuleSet | None,
                trace: list[TraceEntry], fields: dict[str, str], warnings: list[str]) -> tuple[list[str], list[int]]:
        """Clean the body again until nothing changes, so that cleaning is idempotent.

        A pass is what a fresh cleaning of the body would do, at a fraction of the cost: positional
        rules (regions, requires, guards) see every line, since their neighbours changed; the other
        rules test a line's own text only, so they look at just the lines whose text changed since they
        last saw it. Trace entries of later passes keep input line numbers.
        """
        for _ in range(_MAX_PASSES - 1):
            sub: list[TraceEntry] = []
            # Repair is idempotent, so a fresh cleaning of the body starts at preparing its lines.
            lines = prepare_lines(body, sub)
            focus = [i for i, (line, old) in enumerate(zip(lines, seen)) if line != old]
            again, idx, doc, seen_again = self._apply(lines, ruleset, sub, focus)
            if again == body:
                break
            trace.extend(t._replace(line=numbers[t.line - 1] if t.line else None) for t in sub)
            for key, value in doc.fields.items():
                fields.setdefault(key, value)
            body, numbers, seen = again, [numbers[i - 1] for i in idx], seen_again
            if self._settled(ruleset, doc, again, idx, seen_again):
                break
        else:
            warnings.append(f"cleaning did not settle after {_MAX_PASSES} passes; output may change if cleaned again")
        return body, numbers

    def extracted_text(self, data: str | bytes, url: str | None = None) -> tuple[str, str | None]:
        """(the text the HTML path takes from a page before any rule runs, the site whose selectors it
        used or None): what `explain` numbers."""
        html = _html().decode_html(bytes(data))[0] if isinstance(data, (bytes, bytearray)) else data
        text, _, ruleset = self._extract_html(html, url, self.index.by_url(url), [])
        return text, ruleset.name if ruleset is not None else None

    def _extract_html(self, html: str, url: str | None, ruleset: RuleSet | None, warnings: list[str]):
        h = _html()
        if ruleset is None and url is None:
            ruleset = self.index.by_url(h.page_url(html))
        config = h.HtmlConfig(**ruleset.html) if ruleset is not None and ruleset.html else None
        ext = h.extract_html(html, url=url, config=config)
        warnings.extend(ext.warnings)
        return ext.text, dict(ext.metadata), ruleset


def _chain(site: RuleSet | None, generic: RuleSet | None) -> tuple[Rule, ...]:
    return (*(site.rules if site else ()), *(generic.rules if generic else ()))


def _runnable(site: RuleSet | None, generic: RuleSet | None) -> tuple[Rule, ...]:
    """The rules that a further pass over an unchanged body would run: all of them, except rules that
    require others none of which can fire without removing its line (so none fires on such a body)."""
    rules = _chain(site, generic)
    keeps = {r.id for r in rules if r.action == "extract" and r.keep}
    return tuple(r for r in rules if not r.requires or r.requires & keeps)


def _html():
    from cleaner import html

    return html


def _decode_text(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (BOM or not); else the detector's best guess, with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad_at = e.start
    if _looks_binary(data[:8192].decode("latin-1")):
        return data[:8192].decode("latin-1")  # reported as binary by the caller
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "utf-8"):
        warnings.append(f"input is not valid UTF-8 (byte {bad_at}); decoded as {best.encoding}")
        return str(best)
    warnings.append(f"input is not valid UTF-8 (byte {bad_at}); undecodable bytes replaced")
    return data.decode("utf-8", errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    if sample.replace("\n", "").replace("\r", "").replace("\t", "").replace(" ", "").isprintable():
        return False  # fast path: no control characters at all
    return sum(sample.count(c) for c in _CONTROLS) > len(sample) * 0.05


def _stats(chars_in: int, chars_out: int, lines_in: int, lines_kept: int, lines_changed: int) -> dict[str, int]:
    return {"chars_in": chars_in, "chars_out": chars_out, "lines_in": lines_in, "lines_kept": lines_kept,
            "lines_removed": lines_in - lines_kept, "lines_changed": lines_changed}
