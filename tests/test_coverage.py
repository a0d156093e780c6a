"""Coverage contract: every site rule file has fixtures (`tests/fixtures/<site>/`), at least one case per
layout (the layout a case's cleaning picks: by its `date.txt`, else by fit)."""
import pytest

from cleaner.testing.fixtures import clean_case, discover
from conftest import FIXTURES, ROOT

SITES = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml") if not p.stem.startswith("_") and p.stem != "generic")


@pytest.mark.parametrize("site", SITES)
def test_every_site_has_a_fixture_per_layout(cleaner, site):
    cases = discover(FIXTURES, site)
    assert cases, f"rules/{site}.yaml has no fixtures: add tests/fixtures/{site}/<case>/input.txt"
    ruleset = cleaner.index.by_name(site)
    wanted = {layout.name for layout in ruleset.layouts}
    if wanted:
        covered = {clean_case(cleaner, case).layout for case in cases}
        assert wanted <= covered, f"{site}: no fixture case for layout(s) {sorted(wanted - covered)}"
