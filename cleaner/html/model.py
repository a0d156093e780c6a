"""Data types shared by the HTML path: the per-site configuration and the extraction result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class HtmlConfig:
    """CSS selectors from a rule file's ``html:`` section (each list ordered, first match wins).

    ``publisher`` is an optional addition to the agreed contract (same semantics as ``author``).
    """

    body: tuple[str, ...] = ()
    strip: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    publisher: tuple[str, ...] = ()
    # the fit check of a learned template (`html.fit`): a body selector is taken only where it yields
    # `min_words` words, at most `max_link_share` of them link text; 0 / 1.0: no check
    min_words: int = 0
    max_link_share: float = 1.0

    @classmethod
    def from_section(cls, section: dict) -> HtmlConfig:
        """The config of a rule file's `html:` section (`evidence` is for reviewers and `rules check`)."""
        fit = section.get("fit") or {}
        from cleaner.ruleset.schema import HTML_DATA_KEYS

        return cls(**{k: tuple(v) for k, v in section.items() if k not in HTML_DATA_KEYS},
                   min_words=int(fit.get("min_words", 0)), max_link_share=float(fit.get("max_link_share", 1.0)))


@dataclass
class HtmlExtraction:
    """Text lines of the main content plus page metadata, warnings and the method used.

    With `extract_html(..., trace=True)`: `how` names the body selector or extractor that gave the text,
    and `dropped` lists the page's text blocks left out, each as (the step that dropped it, its text),
    in page order within each step: `html-strip <selector>`, `html-body <selector>` (outside the body),
    `html: <tag>` (page chrome removed before the extractor), `extractor: outside main content`.
    """

    text: str
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    method: str = "generic"
    selector: str | None = None  # the body selector that took the page (selector path)
    fallback: str | None = None  # why a site with body selectors took the generic path
    how: str = ""
    dropped: list[tuple[str, str]] = field(default_factory=list)
