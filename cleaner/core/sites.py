"""Which site's rules apply: URL host (public-suffix aware), else content signatures, else the evidence of
the sites' own rules, else a default.

Evidence: a document belongs to a site when enough of the site's own rules would fire on it. One screen
(core/screen.py) over every site's rules finds each rule's candidate lines in one pass; a rule is evidence
when one of its candidates (or a line of its region) matches, and each line counts for one rule only (the
heaviest). The weights of the distinct rules that fire add up to the site's score; it fits at
`recognition.min_score`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from cleaner.core.engine import head_or_tail
from cleaner.core.screen import Screen, narrowing

if TYPE_CHECKING:  # the core does not import the rule vocabulary
    from cleaner.ruleset.model import Rule, RuleSet

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
SITE_PATTERN = r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"  # a site or domain in a rule file (the schema uses it too)
_SITE = re.compile(SITE_PATTERN)


@functools.lru_cache(maxsize=1)
def public_suffixes() -> PublicSuffixList:
    """The public suffix list (shipped with its package), parsed once per process: it costs ~0.3 s."""
    return PublicSuffixList()


@functools.lru_cache(maxsize=1 << 16)
def site_name(value: str) -> str:
    """A site name for a URL, a host or any label: the registrable domain (`www.news.bbc.co.uk` ->
    `bbc.co.uk`), or a slug with `.local` (`Blog A` -> `blog-a.local`) for what is no domain.
    Memoised (a pure function; learning asks it for every record, and a crawl's hosts recur)."""
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


class Evidence(NamedTuple):
    """What the sites' rules found in a document: the site chosen (or None), the ids of its rules that
    fired, and a warning when several sites fit."""

    site: RuleSet | None
    reasons: tuple[str, ...]
    warning: str | None


def rule_weight(ruleset: RuleSet, rule: Rule) -> float:
    """How much a rule's firing tells that a document is the site's: the file's `recognition.weights`,
    else 0 for a rule that needs others (`requires`) or that nothing cheap narrows, else 1."""
    w = ruleset.recognition.weights.get(rule.id)
    if w is not None:
        return w
    if rule.requires:
        return 0.0
    if rule.head is None and rule.tail is None and narrowing(rule.match) is None:
        return 0.0  # a bare regex: every line would be a candidate
    return 1.0


class SiteIndex:
    """Finds the rule set of a document; immutable after construction.

    `catalog`: sites loaded on demand (`cleaner.ruleset.catalog.Catalog`: `names`, `site_of_domain`,
    `by_signature`), found after the `rulesets` loaded now, by domain, signature or name, and `resolve`d
    to their rule set (`resolve(name)`, which may raise RuleError). The evidence of the sites' own rules
    covers the rule sets loaded now only: weighing tens of thousands of learned sites' rules on every
    document would cost more than cleaning it.
    """

    def __init__(self, rulesets: Sequence[RuleSet], catalog=None, resolve: Callable[[str], RuleSet] | None = None):
        self.rulesets = tuple(rulesets)
        self.catalog, self._resolve = catalog, resolve
        self._by_domain = {d: rs for rs in self.rulesets for d in rs.domains}
        self._by_name = {rs.name: rs for rs in self.rulesets}
        # One screen over the sites' rules that count (weight > 0; layouts' own included; region rules test
        # their few lines themselves); per site, those rules heaviest first (a line counts for the
        # heaviest rule that takes it), region rules (a few lines each) before others of the same weight.
        screened: list[Rule] = []
        self._counted: list[tuple[RuleSet, tuple[tuple, ...]]] = []
        for rs in self.rulesets:
            own = rs.all_rules() if hasattr(rs, "all_rules") else rs.rules
            counted = []
            for k, r in enumerate(own):
                w = rule_weight(rs, r)
                if w <= 0:
                    continue
                p = None
                if r.head is None and r.tail is None:
                    p = len(screened)
                    screened.append(r)
                counted.append((k, p, r, w))
            counted.sort(key=lambda c: (-c[3], c[2].head is None and c[2].tail is None))
            if counted:
                self._counted.append((rs, tuple(counted)))
        self.screen = Screen(screened) if self._counted else None

    def __getstate__(self):
        return self.rulesets, self.catalog, self._resolve

    def __setstate__(self, state):
        self.__init__(*state)

    @property
    def names(self) -> list[str]:
        """Every site's name: those loaded now, then those loaded on demand (sorted)."""
        return [rs.name for rs in self.rulesets] + list(self.catalog.names if self.catalog else ())

    def by_name(self, name: str) -> RuleSet | None:
        name = name.lower().removeprefix("www.")
        found = self._by_name.get(name)
        if found is None and self.catalog is not None and name in self.catalog:
            return self._resolve(name)
        return found

    def by_url(self, url: str | None) -> RuleSet | None:
        """The rule set whose domain is the URL's host or a parent of it (subdomains match). The host's
        registrable domain, where the search stops, is asked of the public suffix list only when the host
        itself is no site's (a worker that meets only its sites' hosts never loads the list, ~50 ms)."""
        host = url_host(url) if url else None
        if not host:
            return None
        registrable = None
        while True:
            if host in self._by_domain:
                return self._by_domain[host]
            lazy = self.catalog.site_of_domain(host) if self.catalog is not None else None
            if lazy is not None:
                return self._resolve(lazy)
            if registrable is None:
                registrable = public_suffixes().privatesuffix(host) or host
            if host == registrable or "." not in host:
                return None
            host = host.split(".", 1)[1]

    def by_signature(self, text: str) -> tuple[RuleSet | None, int]:
        """(the first rule set with a signature found in the document's head or tail, the signature's
        1-based number), or (None, 0)."""
        if len(text) > 2 * SIGNATURE_WINDOW:
            text = text[:SIGNATURE_WINDOW] + "\n" + text[-SIGNATURE_WINDOW:]
        for rs in self.rulesets:
            for n, sig in enumerate(rs.signatures, 1):
                if sig.search(text, 1.0):
                    return rs, n
        if self.catalog is not None:
            name, n = self.catalog.by_signature(text)
            if name is not None:
                return self._resolve(name), n
        return None, 0

    def by_evidence(self, lines: Sequence[str], timeout: float | None = None) -> Evidence | None:
        """The site whose own rules fire on enough of `lines` (stripped, as the engine sees them), with
        the rules that did; None when no site can be recognised so (no rule counts).

        Two sites that fit: the higher score wins and a warning names both; a tie chooses none.
        """
        if self.screen is None:
            return None
        cands = self.screen.candidates(lines)
        live = [i for i, line in enumerate(lines) if line]
        fits = []
        for rs, counted in self._counted:
            score, fired = _score(_tasks(counted, cands, live), lines, rs.recognition.min_score, timeout)
            if score >= rs.recognition.min_score:
                fits.append((score, rs, fired))
        return _choose(fits)


def _tasks(counted, cands, live: list[int]) -> list[tuple]:
    """(position, rule, weight, candidate lines) of each counted rule that can fire: a region rule on its
    lines, the others on the screen's candidates (None: every live line)."""
    tasks = []
    for k, p, rule, weight in counted:
        if rule.head is not None or rule.tail is not None:
            found = head_or_tail(rule, live)
        else:
            found = live if cands[p] is None else cands[p]
        if found:
            tasks.append((k, rule, weight, found))
    return tasks


def _score(tasks: list[tuple], lines: Sequence[str], need: float, timeout: float | None):
    """(score, ids of the rules that fired, in rule order): each rule adds its weight once, on a line no
    heavier rule took; a document that can no longer reach `need` stops early."""
    rest = sum(t[2] for t in tasks)
    credited: set[int] = set()
    score, fired = 0.0, []
    for k, rule, weight, found in tasks:
        if score + rest < need:
            break
        rest -= weight
        i = _first_match(rule, found, lines, credited, timeout)
        if i is not None:
            credited.add(i)
            score += weight
            fired.append((k, rule.id))
    return score, tuple(rid for _, rid in sorted(fired))


def _first_match(rule, found, lines: Sequence[str], credited: set[int], timeout: float | None) -> int | None:
    """The first candidate line the rule's matcher takes, not yet credited to another rule."""
    m = rule.match
    try:
        for i in found:
            if i not in credited and lines[i] and m.match(lines[i], timeout):
                return i
    except TimeoutError:
        pass  # not evidence; if the site is chosen, the engine names the rule
    return None


def _choose(fits: list[tuple]) -> Evidence:
    """The best-scoring fit; several fits are reported in a warning, and a tie chooses none."""
    if not fits:
        return Evidence(None, (), None)
    fits.sort(key=lambda f: -f[0])
    if len(fits) == 1:
        return Evidence(fits[0][1], fits[0][2], None)
    named = "; ".join(f"{rs.name} (score {score:g}: {', '.join(why)})" for score, rs, why in fits)
    tie = fits[0][0] == fits[1][0]
    warning = (f"content fits several sites: {named}; "
               + ("a tie, so generic rules only" if tie else f"chose {fits[0][1].name}"))
    return Evidence(None, (), warning) if tie else Evidence(fits[0][1], fits[0][2], warning)
