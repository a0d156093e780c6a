"""Which site's rules apply: URL host (public-suffix aware), else content signatures, else a default."""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

if TYPE_CHECKING:  # the core does not import the rule vocabulary
    from cleaner.ruleset.model import RuleSet

# Signatures are searched in the head and tail of a document only: chrome lives there, and a 50 MB
# document must not cost a full scan per site.
SIGNATURE_WINDOW = 6000


def url_host(url: str) -> str | None:
    """Lower-case host of a URL (scheme optional), without a leading `www.`; None if there is none."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".").lower()
    return host[4:] if host.startswith("www.") else host


_SLUG = re.compile(r"[^a-z0-9]+")
_SITE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")  # the rule schema's site pattern


@functools.lru_cache(maxsize=1)
def public_suffixes() -> PublicSuffixList:
    """The public suffix list (shipped with its package), parsed once per process: it costs ~0.3 s."""
    return PublicSuffixList()


def site_name(value: str) -> str:
    """A site name for a URL, a host or any label: the registrable domain (`www.news.bbc.co.uk` ->
    `bbc.co.uk`), or a slug with `.local` (`Blog A` -> `blog-a.local`) for what is no domain."""
    value = value.strip()
    if _SITE.match(value.lower()) and value.lower().endswith(".local"):
        return value.lower()
    host = url_host(value) if value and not value.isspace() else None
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # rule files hold domains in ASCII (punycode)
        except UnicodeError:
            pass
    if host and "." in host and _SITE.match(host) and not _is_ip(host):
        reg = public_suffixes().privatesuffix(host)
        if reg:
            return reg
    slug = _SLUG.sub("-", (host or value).lower()).strip("-")[:60].strip("-") or "unnamed"
    return f"{slug}.local"


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


class SiteIndex:
    """Finds the rule set of a document; immutable after construction."""

    def __init__(self, rulesets: Sequence[RuleSet]):
        self.rulesets = tuple(rulesets)
        self._by_domain = {d: rs for rs in self.rulesets for d in rs.domains}
        self._by_name = {rs.name: rs for rs in self.rulesets}
        self._psl = public_suffixes()

    def __getstate__(self):
        return self.rulesets

    def __setstate__(self, rulesets):
        self.__init__(rulesets)

    def by_name(self, name: str) -> RuleSet | None:
        return self._by_name.get(name.lower().removeprefix("www."))

    def by_url(self, url: str | None) -> RuleSet | None:
        """The rule set whose domain is the URL's host or a parent of it (subdomains match)."""
        host = url_host(url) if url else None
        if not host:
            return None
        registrable = self._psl.privatesuffix(host) or host
        while True:
            if host in self._by_domain:
                return self._by_domain[host]
            if host == registrable or "." not in host:
                return None
            host = host.split(".", 1)[1]

    def by_content(self, text: str) -> RuleSet | None:
        """The first rule set with a signature found in the document's head or tail."""
        if len(text) > 2 * SIGNATURE_WINDOW:
            text = text[:SIGNATURE_WINDOW] + "\n" + text[-SIGNATURE_WINDOW:]
        for rs in self.rulesets:
            for sig in rs.signatures:
                if sig.search(text, 1.0):
                    return rs
        return None
