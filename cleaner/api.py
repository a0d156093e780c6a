"""The public entry point: `Cleaner.from_rules().clean(data, url=...)`.

`Cleaner.clean` is a short plan of named stages: decode (bytes -> text) -> extract (HTML -> lines and page
metadata) -> the text core's repair -> detect site -> prepare -> rules -> finish -> settle
(`cleaner.core.cleaner`). Decoding and HTML extraction are input adapters outside the text core.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from cleaner.core.cleaner import TextCleaner, check_input, looks_binary, stats
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
    def from_rules(cls, path: str | Path | None = None, *, regex_timeout: float | None = 2.0,
                   accelerate: bool = True) -> Cleaner:
        """Load a rules directory (default: the shipped rules). Raises RuleError with a one-line message."""
        from cleaner.ruleset.loader import load_dir

        sites, generic = load_dir(path if path is not None else default_rules_dir())
        return cls(sites, generic, regex_timeout=regex_timeout, accelerate=accelerate)

    def clean(self, data: str | bytes, url: str | None = None, site: str | None = None,
              *, format: str = "auto", content_type: str | None = None, date: str | None = None,
              layout: str | None = None) -> Result:
        """Clean one document (text or HTML, str or bytes). Never raises on bad input.

        Site rules are chosen by the URL's host, else by content signatures, else by `site`; with no
        match only the generic rules run. A site with layouts runs the layout named, else the one valid on
        `date` (ISO; for HTML also the page's date), else the one whose rules fit. HTML bytes are decoded by BOM, then the charset of
        `content_type` (the HTTP header), then the page's meta charset, then a detector.
        Raises RuleTimeout if a rule's regex exceeds its budget.
        """
        if format not in FORMATS:
            raise ValueError(f"format {format!r}; allowed: {', '.join(FORMATS)}")
        warnings: list[str] = []
        text, is_html = decode(data, format, content_type, warnings)
        if not is_html:
            return self.clean_text(text, url, site, warnings=warnings, date=date, layout=layout)
        printable = check_input(text, warnings)
        if printable is None:
            return Result("", warnings=warnings, stats=stats(len(text), 0, 0, 0, 0))
        lines, page_meta, ruleset = self._extract_html(text, url, warnings)
        return self.clean_text(lines, url, site, ruleset=ruleset, page_meta=page_meta, warnings=warnings,
                               printable=False, chars_in=len(text), date=date, layout=layout)

    def extracted_text(self, data: str | bytes, url: str | None = None) -> tuple[str, str | None]:
        """(the text the HTML path takes from a page before any rule runs, the site whose selectors it
        used or None): what `explain` numbers."""
        html = _html().decode_html(bytes(data))[0] if isinstance(data, (bytes, bytearray)) else data
        text, _, ruleset = self._extract_html(html, url, [])
        return text, ruleset.name if ruleset is not None else None

    def _extract_html(self, html: str, url: str | None, warnings: list[str]):
        """Extract stage: (the page's text as lines, its metadata, the site whose selectors were used)."""
        h = _html()
        ruleset = self.index.by_url(url if url is not None else h.page_url(html))
        config = h.HtmlConfig(**ruleset.html) if ruleset is not None and ruleset.html else None
        ext = h.extract_html(html, url=url, config=config)
        warnings.extend(ext.warnings)
        return ext.text, dict(ext.metadata), ruleset


def decode(data: str | bytes, format: str, content_type: str | None, warnings: list[str]) -> tuple[str, bool]:
    """Decode stage: (text, whether it is HTML). Bytes: HTML by its charset, text as UTF-8 or detected."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return data, format == "html" or (format == "auto" and _html().looks_like_html(data[:4096]))
    data = bytes(data)
    is_html = format == "html" or (format == "auto" and _html().looks_like_html(data[:4096].decode("latin-1")))
    if not is_html:
        return _decode_text(data, warnings), False
    text, encoding = _html().decode_html(data, content_type)
    if "\ufffd" in text:
        warnings.append(f"HTML bytes not valid {encoding}: undecodable bytes replaced")
    return text, True


def _html():
    from cleaner import html

    return html


def _decode_text(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (BOM or not); else the detector's best guess, with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad_at = e.start
    if looks_binary(data[:8192].decode("latin-1")):
        return data[:8192].decode("latin-1")  # reported as binary by the caller
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "utf-8"):
        warnings.append(f"input is not valid UTF-8 (byte {bad_at}); decoded as {best.encoding}")
        return str(best)
    warnings.append(f"input is not valid UTF-8 (byte {bad_at}); undecodable bytes replaced")
    return data.decode("utf-8", errors="replace")
