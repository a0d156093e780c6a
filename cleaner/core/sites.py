"""Which site's rules apply: URL host (public-suffix aware), else content signatures, else the evidence of
the sites' own rules, else a default.

Evidence: a document belongs to a site when enough of the site's own rules would fire on it. One screen
(core/screen.py) over every site's rules and the generic rules finds each rule's candidate lines in one
pass; a rule is evidence when one of its candidates (or a line of its region) matches, and each line
counts for one rule only (the heaviest). The weights of the distinct rules that fire add up to the site's score; it fits
at `recognition.min_score`. The same candidates then serve the rule engine, so recognition costs no
second scan of the document.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from cleaner.core.screen import Screen
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


class Evidence(NamedTuple):
    """What the sites' rules found in a document: the site chosen (or None), why, a warning when
    several sites fit, and the screen's candidates for the chosen site's rules then the generic rules
    (`run_rules(..., candidates=)`)."""

    site: RuleSet | None
    reasons: tuple[str, ...]
    warning: str | None
    candidates: list


def rule_weight(ruleset: RuleSet, rule: Rule) -> float:
    """How much a rule's firing tells that a document is the site's: the file's `recognition.weights`,
    else 0 for a rule that needs others (`requires`) or that nothing cheap narrows, else 1."""
    w = ruleset.recognition.weights.get(rule.id)
    if w is not None:
        return w
    if rule.requires:
        return 0.0
    m = rule.match
    if rule.head is None and rule.tail is None and m.pattern is not None and not (
            m.contains or m.prefixes or m.suffixes):
        return 0.0  # a bare regex: every line would be a candidate
    return 1.0


class SiteIndex:
    """Finds the rule set of a document; immutable after construction.

    `generic`: the rules that run after every site's (their candidates come out of the same screen)."""

    def __init__(self, rulesets: Sequence[RuleSet], generic: Sequence[Rule] = ()):
        self.rulesets = tuple(rulesets)
        self.generic = tuple(generic)
        self._by_domain = {d: rs for rs in self.rulesets for d in rs.domains}
        self._by_name = {rs.name: rs for rs in self.rulesets}
        self._psl = PublicSuffixList()
        # One screen over every site's rules, then the generic rules; per site its slice and, per rule
        # that counts (weight > 0), its position, weight and region.
        rules: list[Rule] = []
        self._slices: dict[str, slice] = {}
        self._counted: list[tuple[RuleSet, tuple[tuple, ...]]] = []
        for rs in self.rulesets:
            start = len(rules)
            rules.extend(rs.rules)
            self._slices[rs.name] = slice(start, len(rules))
            # Heaviest first (a line counts for the heaviest rule that takes it), region rules (a few lines
            # each) before others of the same weight: (file position, screen position, rule, weight, head,
            # tail, shortest, longest line).
            counted = sorted(
                ((k, start + k, r, w, r.head, r.tail, r.match.min_chars,
                  r.match.max_chars if r.match.max_chars is not None else 1 << 62)
                 for k, r in enumerate(rs.rules) if (w := rule_weight(rs, r)) > 0),
                key=lambda c: (-c[3], c[4] is None and c[5] is None))
            if counted:
                self._counted.append((rs, tuple(counted)))
        self._generic_at = len(rules)
        self.screen = Screen((*rules, *self.generic)) if self._counted else None

    def __getstate__(self):
        return self.rulesets, self.generic

    def __setstate__(self, state):
        self.__init__(*state)

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
        return self.by_signature(text)[0]

    def by_signature(self, text: str) -> tuple[RuleSet | None, int]:
        """(the first rule set with a signature found in the document's head or tail, the signature's
        1-based number), or (None, 0)."""
        if len(text) > 2 * SIGNATURE_WINDOW:
            text = text[:SIGNATURE_WINDOW] + "\n" + text[-SIGNATURE_WINDOW:]
        for rs in self.rulesets:
            for n, sig in enumerate(rs.signatures, 1):
                if sig.search(text, 1.0):
                    return rs, n
        return None, 0

    def by_evidence(self, lines: Sequence[str], timeout: float | None = None) -> Evidence | None:
        """The site whose own rules fire on enough of `lines` (stripped, as the engine sees them), with
        the rules that did; None when no site can be recognised so (no rule counts).

        Two sites that fit: the higher score wins and a warning names both; a tie chooses none.
        """
        if self.screen is None:
            return None
        cands = self.screen.candidates(lines)
        live: list[int] | None = None
        fits: list[tuple[float, RuleSet, tuple[str, ...]]] = []
        for rs, counted in self._counted:
            # The rules that can fire (a region rule on its lines, the others on their candidates); a
            # document that can no longer reach the score stops early.
            tasks = []
            for k, p, rule, weight, head, tail, lo, hi in counted:
                if head is not None or tail is not None:
                    if live is None:
                        live = [i for i, line in enumerate(lines) if line]
                    tasks.append((k, rule, weight, lo, hi, live[:head] if head is not None else live[-tail:]))
                elif cands[p]:
                    tasks.append((k, rule, weight, lo, hi, cands[p]))
            need = rs.recognition.min_score
            rest = sum(t[2] for t in tasks)
            credited: set[int] = set()
            score, fired = 0.0, []
            for k, rule, weight, lo, hi, found in tasks:
                if score + rest < need:
                    break
                rest -= weight
                m = rule.match
                needles = m.contains
                try:
                    for i in found:
                        line = lines[i]
                        if not lo <= len(line) <= hi or i in credited:
                            continue
                        if needles:  # the matcher's own pre-test, without a call per line
                            for c in needles:
                                if c in line:
                                    break
                            else:
                                if not m.words:
                                    continue
                        if m.match(line, timeout):
                            credited.add(i)
                            score += weight
                            fired.append((k, rule.id))
                            break
                except TimeoutError:
                    pass  # not evidence; if the site is chosen, the engine names the rule
            if score >= need:
                fits.append((score, rs, tuple(rid for _, rid in sorted(fired))))
        generic = cands[self._generic_at:]
        if not fits:
            return Evidence(None, (), None, generic)
        fits.sort(key=lambda f: -f[0])
        warning = None
        if len(fits) > 1:
            named = "; ".join(f"{rs.name} (score {score:g}: {', '.join(why)})" for score, rs, why in fits)
            tie = fits[0][0] == fits[1][0]
            warning = (f"content fits several sites: {named}; "
                       + ("a tie, so generic rules only" if tie else f"chose {fits[0][1].name}"))
            if tie:
                return Evidence(None, (), warning, generic)
        _, rs, why = fits[0]
        return Evidence(rs, why, warning, cands[self._slices[rs.name]] + generic)
