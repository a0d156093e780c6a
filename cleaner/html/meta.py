"""Page metadata (title, author, date, canonical URL, publisher) from <meta>, JSON-LD and selectors."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from cleaner.core.dates import parse_date
from cleaner.html.blocks import text_of

_MAX_JSONLD = 512 * 1024
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                  "opinionnewsarticle", "scholarlyarticle", "techarticle", "webpage", "report", "liveblogposting"}

_TITLE_META = ("og:title", "twitter:title", "dc.title", "headline")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "citation_author")
_DATE_META = (
    "article:published_time", "datepublished", "og:published_time", "published_time", "article.published",
    "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "citation_publication_date", "og:updated_time",
    "article:modified_time",
)
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")

_BY_RE = re.compile(r"^(?:by|von|par|di|por|door|av|przez|od)\s+", re.I)


def _meta_map(tree: LexborHTMLParser) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        value = (attrs.get("content") or "").strip()
        if key and value:
            out.setdefault(key.strip().lower(), value)
    return out


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key]
    return None


def _name(value) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _jsonld_article(tree: LexborHTMLParser) -> dict:
    """The first Article-like object of the page's JSON-LD, or {}."""
    for node in tree.css('script[type="application/ld+json"]'):
        raw = node.text()
        if not raw or len(raw) > _MAX_JSONLD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                kind = obj.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds) and (
                    obj.get("headline") or obj.get("datePublished")
                ):
                    return obj
                if "@graph" in obj:
                    stack.append(obj["@graph"])
    return {}


def _clean_author(value: str | None) -> str | None:
    if not value or value.startswith(("http://", "https://")):
        return None
    value = _BY_RE.sub("", " ".join(value.split()))
    return value or None


def _selected(tree: LexborHTMLParser, selectors: tuple[str, ...], warnings: list[str]) -> tuple[str | None, str | None]:
    """(text, machine-readable value from datetime/content) of the first element a selector matches."""
    for sel in selectors:
        try:
            node = tree.css_first(sel)
        except Exception:
            warnings.append(f"html: invalid CSS selector {sel!r} ignored")
            continue
        if node is not None:
            attrs = node.attributes
            text = text_of(node) or None
            return text, attrs.get("datetime") or attrs.get("content") or text
    return None, None


def page_metadata(tree: LexborHTMLParser, url: str | None = None) -> dict:
    """Metadata the page declares: <meta> tags, JSON-LD, <link rel=canonical>, <title>/<h1>."""
    meta = _meta_map(tree)
    ld = _jsonld_article(tree)
    found = {"title": _page_title(tree, meta, ld),
             "author": _clean_author(_name(ld.get("author")) or _first(meta, _AUTHOR_META)),
             "date": _page_date(tree, meta, ld), "canonical_url": _canonical(tree, meta, url),
             "publisher": _publisher(meta, ld)}
    return {key: value for key, value in found.items() if value}


def _page_title(tree: LexborHTMLParser, meta: dict, ld: dict) -> str | None:
    """og:title and its kin, JSON-LD's headline, else the first <h1> or the <title>; spaces collapsed."""
    title = _first(meta, _TITLE_META) or _name(ld.get("headline"))
    if not title:
        node = tree.css_first("h1") or tree.css_first("title")
        title = text_of(node) if node is not None else None
    return " ".join(title.split()) if title else None


def _page_date(tree: LexborHTMLParser, meta: dict, ld: dict) -> str | None:
    """JSON-LD's datePublished, else a date <meta>, else the first <time datetime>: yyyy-mm-dd."""
    published = ld.get("datePublished")
    when = parse_date(published if isinstance(published, str) else None) or parse_date(_first(meta, _DATE_META))
    if not when:
        node = tree.css_first("time[datetime]")
        when = parse_date(node.attributes.get("datetime")) if node is not None else None
    return when


def _canonical(tree: LexborHTMLParser, meta: dict, url: str | None) -> str | None:
    """<link rel=canonical> or og:url, made absolute against `url`; only http(s)."""
    link = tree.css_first('link[rel~="canonical"][href]')
    canonical = (link.attributes.get("href") if link is not None else None) or meta.get("og:url")
    if not canonical:
        return None
    canonical = urljoin(url, canonical.strip()) if url else canonical.strip()
    return canonical if canonical.startswith(("http://", "https://")) else None


def _publisher(meta: dict, ld: dict) -> str | None:
    """JSON-LD's publisher or og:site_name and its kin, spaces collapsed; never a @handle."""
    publisher = _name(ld.get("publisher")) or _first(meta, _SITE_META)
    return " ".join(publisher.split()) if publisher and not publisher.startswith("@") else None


def selector_metadata(tree: LexborHTMLParser, config, warnings: list[str]) -> dict:
    """Metadata found by a site's title/date/author/publisher selectors (they beat page metadata)."""
    out: dict = {}
    title, _ = _selected(tree, config.title, warnings)
    if title:
        out["title"] = title
    _, when = _selected(tree, config.date, warnings)
    when = parse_date(when)
    if when:
        out["date"] = when
    author = _clean_author(_selected(tree, config.author, warnings)[0])
    if author:
        out["author"] = author
    publisher, _ = _selected(tree, getattr(config, "publisher", ()), warnings)
    if publisher:
        out["publisher"] = publisher
    return out
