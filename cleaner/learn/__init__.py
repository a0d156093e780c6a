"""Learning a site's chrome from a dump of its pages.

Two steps, so that the work streams, runs on all cores and merges across machines:

- `SiteProfile`: what one site's pages say about its chrome. Built page by page (`add_page`),
  mergeable (`merge`), picklable, with memory bounded per site.
- `learn_site(profile, params=...)`: turns a merged profile into a `LearnedSite`: an ordinary rule file (YAML text in
  our vocabulary, every rule with its evidence in `description` and `examples` from the dump), or
  nothing and the reason why. Its tunables are one frozen `LearnParams` (cleaner/learn/params.py).

The drivers (`cleaner learn`, `cleaner clean --learn`, the datatrove stages) only read records, group
them by site, feed profiles, merge them and write `learn_site`'s files.
"""
from cleaner.learn.induce import LearnedSite, learn_site
from cleaner.learn.params import DEFAULT_PARAMS, LearnParams
from cleaner.learn.profile import SiteProfile, page_lines

__all__ = ["DEFAULT_PARAMS", "LearnParams", "LearnedSite", "SiteProfile", "learn_site", "page_lines"]
