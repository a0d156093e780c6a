"""`cleaner learn --explain SITE DUMP`: why learning sees each line of a few sampled pages as article,
chrome or uncertain, so that a reviewer sees why a rule exists (or does not)."""
from __future__ import annotations

from cleaner.learn.chrome import Site
from cleaner.learn.params import DEFAULT_PARAMS, MIN_PAGES, LearnParams
from cleaner.learn.profile import SiteProfile
from cleaner.learn.rules import choose_markers

SHOWN_CHARS = 100  # of each line


def explain_site(profile: SiteProfile, *, pages: int = 3, min_pages: int = MIN_PAGES,
                 params: LearnParams = DEFAULT_PARAMS) -> list[str]:
    """For the first `pages` sampled pages of a site: one line per page line, `article`, `chrome` or
    `uncertain`, with the reason (repeats on N pages, lies after marker X, inside the article run)."""
    if len(profile.sample) < min_pages:
        return [f"{profile.site}: {len(profile.sample)} distinct pages, fewer than {min_pages}: nothing learned"]
    site = Site(profile, min_pages, params)
    head, tail = choose_markers(site, True)[0], choose_markers(site, False)[0]
    out = [f"{site.name}: {site.evidence}, {len(site.chrome)} chrome line templates; cut-head markers: "
           f"{_names(site, head)}; cut-tail markers: {_names(site, tail)}"]
    for k, p in enumerate(site.pages[:pages], 1):
        found = f"the article is lines {p.start + 1}-{p.end}" if p.start >= 0 else "no article found"
        out.append(f"page {k} of {len(site.pages)}: {len(p.lines)} lines; {found}")
        cut_head, cut_tail = p.cut_at(head), p.cut_at(tail)
        for i, line in enumerate(p.lines):
            kind, why = _verdict(site, p, i, cut_head, cut_tail)
            shown = line if len(line) <= SHOWN_CHARS else line[:SHOWN_CHARS - 3] + "..."
            out.append(f"  {i + 1:4} {kind:9} {why}: {shown!r}")
    return out


def _verdict(site: Site, p, i: int, cut_head: int, cut_tail: int) -> tuple[str, str]:
    t = p.tmpls[i]
    where = ("inside the article run" if p.start <= i < p.end else
             "before the article" if i < p.start else "after the article") if p.start >= 0 else "no article"
    if p.chrome[i]:
        repeats = f"repeats on {site.count[t]} of {site.n} pages, {where}"
        if t in site.article_bound:
            return "uncertain", f"{repeats}, and lies in an article or its heading on a sampled page (a headline)"
        return "chrome", repeats
    if 0 <= cut_tail < i:
        return "chrome", f"page-specific, lies after marker {p.lines[cut_tail][:40]!r}"
    if 0 <= i < cut_head:
        return "chrome", f"page-specific, lies before marker {p.lines[cut_head][:40]!r}"
    if p.start <= i < p.end:
        return "article", where
    return "uncertain", f"page-specific, {where}"


def _names(site: Site, markers: set[str]) -> str:
    return ", ".join(repr(site.line[t][:40]) for t in sorted(markers)) or "none"
