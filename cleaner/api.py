"""The public entry point: `Cleaner.from_rules().clean(data, url=...)`.

`Cleaner.clean` is a short plan of named stages: decode (bytes -> text) -> extract (HTML -> lines and page
metadata) -> the text core's repair -> detect site -> prepare -> rules -> finish -> settle
(`cleaner.core.cleaner`). Decoding and HTML extraction are input adapters outside the text core.
"""
from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from cleaner.core.cleaner import TextCleaner, check_arguments, check_input, sanitize_text, stats
from cleaner.core.result import Extraction, Result, trace_entry

FORMATS = ("auto", "text", "html")


def default_rules_dir() -> Path:
    """The shipped rules: `cleaner/_rules` in a wheel, the repository's `rules/` in a checkout."""
    shipped = Path(str(resources.files("cleaner"))) / "_rules"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[1] / "rules"


def rule_dirs(path: str | Path | Sequence[str | Path] | None) -> list[str | Path]:
    """The directories `--rules`/`from_rules(path)` load, in order: the shipped rules when none are
    given; learned directories given alone go on the shipped rules (unless they are the shipped rules)."""
    from cleaner.ruleset.layers import is_learned_dir

    if path is None:
        return [default_rules_dir()]
    dirs = list(path) if isinstance(path, (list, tuple)) else [path]
    if dirs and all(is_learned_dir(d) for d in dirs):
        shipped = default_rules_dir()
        if not any(Path(d).resolve() == shipped.resolve() for d in dirs):  # learned into rules/ itself
            return [shipped, *dirs]
    return dirs


class Cleaner(TextCleaner):
    """Cleans documents (text or HTML, str or bytes) with per-site rules. Immutable, picklable and safe
    to share between threads."""

    @classmethod
    def from_rules(cls, path: str | Path | Sequence[str | Path] | None = None, *,
                   regex_timeout: float | None = 2.0, accelerate: bool = True, lazy: bool = True,
                   find_article: bool = True) -> Cleaner:
        """Load a rules directory (default: the shipped rules), or several in order (the first to have a
        site's file owns it; later ones add rules after its own). Learned directories (`cleaner learn`'s,
        with `learned*.json`) given alone go on the shipped rules, and load on demand: each site's file is
        compiled when a document of the site first arrives (`lazy=False`: every file now, as
        `cleaner rules check` does). `find_article=False`: no article finder on texts of sites without
        rules. Raises RuleError with a one-line message."""
        from cleaner.ruleset.layers import load_layers

        sites, generic, catalog = load_layers(rule_dirs(path), lazy=lazy)
        return cls(sites, generic, regex_timeout=regex_timeout, accelerate=accelerate, catalog=catalog,
                   find_article=find_article)

    def rule_sets(self) -> list:
        """Every site's rule set (those loaded on demand compiled now), then the generic set if any."""
        sets = [self.index.by_name(name) for name in self.index.names]
        return [*sets, *([self.generic] if self.generic is not None else [])]

    def clean(self, data: str | bytes, url: str | None = None, site: str | None = None,
              *, format: str = "auto", content_type: str | None = None, date: str | None = None,
              layout: str | None = None, explain: bool = False) -> Result:
        """Clean one document (text or HTML, str or bytes).

        Bad content never raises: an empty, binary, undecodable or all-chrome document gives an empty
        body and a warning. Site rules are chosen by the URL's host, else by content signatures, else by
        `site`; with no match only the generic rules run, then (text only) the article finder. A site with
        layouts runs the layout named, else the one valid on `date` (ISO; for HTML also the page's date),
        else the one whose rules fit. Bytes are decoded by `cleaner.decode`: BOM, then the charset of
        `content_type` (the HTTP header) or an HTML page's meta charset, then UTF-8, then a detector. Lone
        surrogates in a str become U+FFFD, with a warning. `explain`: also say what the input stages took
        and dropped (`Result.extraction`: for HTML the body selector or extractor and every block it left
        out); the result is otherwise the same.
        Raises TypeError if `data` is neither str nor bytes-like (bytes, bytearray, memoryview) or
        another argument is neither str nor None, ValueError for an unknown `format` or a `layout` the
        document's site does not declare, RuleTimeout if a rule's regex exceeds its budget.
        """
        check_arguments(url=url, site=site, content_type=content_type, date=date, layout=layout)
        if format not in FORMATS:
            raise ValueError(f"format {format!r}; allowed: {', '.join(FORMATS)}")
        warnings: list[str] = []
        text, is_html = decode(data, format, content_type, warnings)
        if text is None:  # binary bytes
            return Result("", warnings=warnings, stats=stats(0, 0, 0, 0, 0))
        if not is_html:
            result = self.clean_text(text, url, site, warnings=warnings, date=date, layout=layout)
            if explain:
                result.extraction = Extraction("text", text)
            return result
        printable = check_input(text, warnings)
        if printable is None:
            return Result("", warnings=warnings, stats=stats(len(text), 0, 0, 0, 0))
        text = sanitize_text(text, printable, warnings)
        ext, ruleset, how = self._extract_html(text, url, warnings, explain)
        result = self.clean_text(ext.text, url, site, ruleset=ruleset, page_meta=dict(ext.metadata),
                                 warnings=warnings, printable=False, chars_in=len(text), date=date, layout=layout,
                                 article=False)  # the HTML extraction found the article already
        if how:  # which learned template took the page, or why none did
            result.site_reason = f"{result.site_reason}; {how}" if result.site_reason else how
        if explain:
            result.extraction = Extraction(ext.how, ext.text, tuple(
                trace_entry((step, "drop", None, block, None)) for step, block in ext.dropped))
        return result

    def extracted_text(self, data: str | bytes, url: str | None = None) -> tuple[str, str | None]:
        """(the text the HTML path takes from a page before any rule runs, the site whose selectors it
        used or None): what `explain` numbers."""
        html = decode(data, "html", None, [])[0] or ""
        ext, ruleset, _ = self._extract_html(html, url, [])
        return ext.text, ruleset.name if ruleset is not None else None

    def _extract_html(self, html: str, url: str | None, warnings: list[str], trace: bool = False):
        """Extract stage: (the extraction: the page's text as lines, its metadata, with `trace` what it
        dropped; the site whose selectors were used; for a learned template "template <selector>" or
        "generic: <why it did not fit>", else None)."""
        h = _html()
        ruleset = self.index.by_url(url if url is not None else h.page_url(html))
        config = h.HtmlConfig.from_section(ruleset.html) if ruleset is not None and ruleset.html else None
        ext = h.extract_html(html, url=url, config=config, trace=trace)
        warnings.extend(ext.warnings)
        how = None
        if config is not None and config.min_words:
            how = f"template {ext.selector}" if ext.selector else f"generic: {ext.fallback}"
        return ext, ruleset, how


def decode(data: str | bytes, format: str, content_type: str | None, warnings: list[str]) -> tuple[str | None, bool]:
    """Decode stage: (text, whether it is HTML) by the one decoder (`cleaner.decode`); text None for
    binary bytes (a warning says so)."""
    if isinstance(data, str):
        return data, format == "html" or (format == "auto" and _decode().looks_like_html(data[:4096]))
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"Cleaner.clean() takes str or bytes (bytearray, memoryview), not {type(data).__name__}")
    decoded, is_html = _decode().decode_input(bytes(data), format, content_type)
    warnings.extend(decoded.warnings)
    if decoded.binary:
        warnings.append("binary input: not text, nothing cleaned")
        return None, is_html
    return decoded.text, is_html


def _html():
    from cleaner import html

    return html


def _decode():
    from cleaner import decode

    return decode
