import textwrap
from pathlib import Path

import pytest

from cleaner import Cleaner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner.from_rules()


@pytest.fixture(scope="session")
def cleaner_for(tmp_path_factory):
    """A Cleaner from one rule file written here: `cleaner_for("example.org", RULES_YAML)`."""

    def make(site: str, rules: str) -> Cleaner:
        root = tmp_path_factory.mktemp("rules")
        (root / f"{site}.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
        return Cleaner.from_rules(root)

    return make
