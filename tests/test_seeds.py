"""The three real vietnam.vn dumps in ../shared/seeds against their expected JSON."""
import json

import pytest

from conftest import SEEDS

_SEEDS = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.skipif(not _SEEDS, reason="../shared/seeds not present")
@pytest.mark.parametrize("path", _SEEDS, ids=[f"vietnam.vn/seed-{p.stem}" for p in _SEEDS])
def test_seed(cleaner, path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    result = cleaner.clean(path.read_bytes())
    paragraphs = result.paragraphs
    for p in expected["paragraphs"]:
        assert p in paragraphs, f"missing paragraph: {p[:80]}"
    for line in expected["chrome"]:
        assert not any(line in p for p in paragraphs), f"chrome left: {line[:80]}"
    allowed = set(expected["paragraphs"]) | set(expected["either"])
    assert [p for p in paragraphs if p not in allowed] == []
    assert result.site == expected["site"]
    assert result.title == expected["title"]
    assert result.metadata == expected["metadata"]
