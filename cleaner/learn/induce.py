"""From a site's profile to a rule file in our vocabulary."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from cleaner.learn.profile import SiteProfile

MIN_PAGES = 3
MIN_SHARE = 0.5


@dataclass(frozen=True)
class LearnedSite:
    """The outcome of learning one site: `yaml_text` is None when nothing was learned (see `reason`)."""

    site: str
    pages: int
    rules: int
    yaml_text: str | None
    reason: str


def learn_site(profile: SiteProfile, *, min_pages: int = MIN_PAGES) -> LearnedSite:
    """Learn the chrome of one site from its merged profile. Deterministic: same profile, same bytes."""
    site, n = profile.site, profile.pages
    if n < min_pages:
        return LearnedSite(site, n, 0, None, f"{n} pages, fewer than {min_pages}: nothing learned")
    chrome = sorted(t for t, k in profile.templates.items() if k >= max(min_pages, MIN_SHARE * n))
    if not chrome:
        return LearnedSite(site, n, 0, None, f"{n} pages: no line repeats on {MIN_SHARE:.0%} of them")
    literals = sorted({profile.samples[t] for t in chrome})
    rule = {
        "id": "learned-boilerplate",
        "description": f"Drops {len(literals)} lines seen on at least {MIN_SHARE:.0%} of {n} pages.",
        "action": "drop",
        "match": {"literal": literals},
        "example": {"input": f"{literals[0]}\nArticle text.\n", "output": "Article text.\n"},
    }
    doc = {"site": site, "description": f"Learned from {n} pages of {site}.", "domains": [site],
           "rules": [rule]}
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)
    return LearnedSite(site, n, 1, text, f"{n} pages: {len(literals)} boilerplate lines")
