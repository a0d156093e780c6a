"""The public entry point: `Cleaner.from_rules().clean(data, url=...)`.

`Cleaner.clean` is a short plan of named stages: decode (bytes -> text) -> extract (HTML -> lines and page
metadata) -> the text core's repair -> detect site -> prepare -> rules -> finish -> settle
(`cleaner.core.cleaner`). Decoding and HTML extraction are input adapters outside the text core.
"""
from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from cleaner.core.cleaner import TextCleaner, check_input, sanitize_text, stats
from cleaner.core.result import Result

FORMATS = ("auto", "text", "html")


def default_rules_dir() -> Path:
    """The shipped rules: `cleaner/_rules` in a wheel, the repository's `rules/` in a checkout."""
    shipped = Path(str(resources.files("cleaner"))) / "_rules"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[1] / "rules"


class Cleaner(TextCleaner):
    """Cleans documents (text or HTML, str or bytes) with per-site rules. Immutable, picklable and safe
    to share between threads."""

    @classmethod
    def from_rules(cls, path: str | Path | Sequence[str | Path] | None = None, *,
                   regex_timeout: float | None = 2.0, accelerate: bool = True) -> Cleaner:
        """Load a rules directory (default: the shipped rules), or several in order (the first to have a
        site's file owns it; later ones add rules after its own). Raises RuleError with a one-line message."""
        from cleaner.ruleset.loader import load_dir

        if isinstance(path, (list, tuple)):
            from cleaner.ruleset.layers import load_dirs

            sites, generic = load_dirs(path)
        else:
            sites, generic = load_dir(path if path is not None else default_rules_dir())
        return cls(sites, generic, regex_timeout=regex_timeout, accelerate=accelerate)

    def clean(self, data: str | bytes, url: str | None = None, site: str | None = None,
              *, format: str = "auto", content_type: str | None = None, date: str | None = None,
              layout: str | None = None) -> Result:
        """Clean one document (text or HTML, str or bytes).

        Bad content never raises: an empty, binary, undecodable or all-chrome document gives an empty
        body and a warning. Site rules are chosen by the URL's host, else by content signatures, else by
        `site`; with no match only the generic rules run. A site with layouts runs the layout named, else
        the one valid on `date` (ISO; for HTML also the page's date), else the one whose rules fit. Bytes
        are decoded by `cleaner.decode`: BOM, then the charset of `content_type` (the HTTP header) or an
        HTML page's meta charset, then UTF-8, then a detector. Lone surrogates in a str become U+FFFD,
        with a warning.
        Raises TypeError if `data` is neither str nor bytes-like (bytes, bytearray, memoryview),
        ValueError for an unknown `format`, RuleTimeout if a rule's regex exceeds its budget.
        """
        if format not in FORMATS:
            raise ValueError(f"format {format!r}; allowed: {', '.join(FORMATS)}")
        warnings: list[str] = []
        text, is_html = decode(data, format, content_type, warnings)
        if text is None:  # binary bytes
            return Result("", warnings=warnings, stats=stats(0, 0, 0, 0, 0))
        if not is_html:
            return self.clean_text(text, url, site, warnings=warnings, date=date, layout=layout)
        printable = check_input(text, warnings)
        if printable is None:
            return Result("", warnings=warnings, stats=stats(len(text), 0, 0, 0, 0))
        text = sanitize_text(text, printable, warnings)
        lines, page_meta, ruleset, how = self._extract_html(text, url, warnings)
        result = self.clean_text(lines, url, site, ruleset=ruleset, page_meta=page_meta, warnings=warnings,
                                 printable=False, chars_in=len(text), date=date, layout=layout)
        if how:  # which learned template took the page, or why none did
            result.site_reason = f"{result.site_reason}; {how}" if result.site_reason else how
        return result

    def extracted_text(self, data: str | bytes, url: str | None = None) -> tuple[str, str | None]:
        """(the text the HTML path takes from a page before any rule runs, the site whose selectors it
        used or None): what `explain` numbers."""
        html = decode(data, "html", None, [])[0] or ""
        text, _, ruleset, _ = self._extract_html(html, url, [])
        return text, ruleset.name if ruleset is not None else None

    def _extract_html(self, html: str, url: str | None, warnings: list[str]):
        """Extract stage: (the page's text as lines, its metadata, the site whose selectors were used, and
        for a learned template "template <selector>" or "generic: <why it did not fit>", else None)."""
        h = _html()
        ruleset = self.index.by_url(url if url is not None else h.page_url(html))
        config = h.HtmlConfig.from_section(ruleset.html) if ruleset is not None and ruleset.html else None
        ext = h.extract_html(html, url=url, config=config)
        warnings.extend(ext.warnings)
        how = None
        if config is not None and config.min_words:
            how = f"template {ext.selector}" if ext.selector else f"generic: {ext.fallback}"
        return ext.text, dict(ext.metadata), ruleset, how


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
