"""Issue 18, fault 10: huge pages in a site's page sample (cleaner/learn/profile.py)."""
from __future__ import annotations

from cleaner.learn.induce import learn_site
from cleaner.learn.profile import MAX_PAGE_CHARS, MAX_SAMPLE, MAX_SAMPLE_CHARS, SiteProfile, digest


def small(i: int) -> list[str]:
    return ["Example Home", f"Story {i}: " + "word " * 600, "Copyright Example"]


def test_one_huge_page_does_not_evict_the_sites_other_pages():
    """Failed before: a 4 MB page whose hash ranks it into the sample evicted every other page."""
    prof = SiteProfile("example.org")
    for i in range(200):
        prof.add_page(small(i))
    cutoff = sorted(prof.sample)[MAX_SAMPLE // 2]
    k = 0
    while True:  # a huge page that a bottom-k sample keeps (its hash among the smallest)
        huge = ["Example Home", *(f"line {k} {j} " + "x" * 90 for j in range(40_000)), "Copyright Example"]
        if digest("\n".join(huge)) < cutoff:
            break
        k += 1
    prof.add_page(huge)
    assert len(prof.sample) == MAX_SAMPLE
    assert prof.sample_chars <= MAX_SAMPLE_CHARS and max(map(len, prof.sample.values())) <= MAX_PAGE_CHARS


def test_distinct_huge_pages_are_counted_as_distinct():
    """Failed before: four different 8.5 MB pages (long lines) were "1 distinct pages"."""
    prof = SiteProfile("example.org")
    for i in range(4):
        prof.add_page(["Example Home", *(f"page {i} paragraph {j} " + "y" * 4200 for j in range(2000)),
                       "Copyright Example"])
    assert len(prof.sample) == 4
    assert "distinct pages" not in learn_site(prof).reason
