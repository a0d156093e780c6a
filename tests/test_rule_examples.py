"""Every rule's examples hold (input -> output, metadata), and a fixed output comes out unchanged."""
import pytest

from cleaner import Cleaner
from cleaner.ruleset.examples import check_example, iter_examples

_CLEANER = Cleaner.from_rules()
_RULESETS = list(_CLEANER.index.rulesets) + [_CLEANER.generic]
_EXAMPLES = list(iter_examples(_CLEANER))


@pytest.mark.parametrize("case", _EXAMPLES, ids=[c.test_id for c in _EXAMPLES])
def test_rule_example(case):
    assert check_example(case) == []


def test_every_rule_is_documented():
    for rs in _RULESETS:
        for rule in rs.rules:
            assert rule.description.strip(), rule.id
            assert rule.examples, rule.id
            assert rule.id == rule.id.lower() and " " not in rule.id
