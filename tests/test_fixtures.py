"""Per-portal regression fixtures: tests/fixtures/<site>/<case>/ (`cleaner test` runs the same)."""
import pytest

from cleaner.testing import discover, run_case
from conftest import FIXTURES

_CASES = discover(FIXTURES)


def test_fixtures_exist():
    sites = {c.site for c in _CASES}
    assert {"vietnam.vn", "generic"} <= sites
    assert len([c for c in _CASES if c.site == "vietnam.vn"]) >= 20


@pytest.mark.parametrize("case", _CASES, ids=[c.id for c in _CASES])
def test_fixture(cleaner, case):
    outcome = run_case(cleaner, case)
    assert outcome.ok, "\n".join(outcome.problems) + "\n" + outcome.diff


@pytest.mark.parametrize("case", _CASES, ids=[c.id for c in _CASES])
def test_fixture_output_is_stable(cleaner, case):
    """Cleaning the output again changes nothing (same site rules)."""
    first = run_case(cleaner, case).result
    again = cleaner.clean(first.text, site=first.site)
    assert again.text == first.text
