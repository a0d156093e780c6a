"""The learner's tunables: one frozen `LearnParams`, threaded through `learn_site` and the drivers."""
import ast
import dataclasses
import pickle
from pathlib import Path

import pytest

from cleaner.learn import DEFAULT_PARAMS, LearnParams, learn_site
from cleaner.learn.driver import learn_all
from tests.test_learn import page, profile


def test_params_are_frozen_documented_and_picklable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_PARAMS.prose_words = 3
    assert pickle.loads(pickle.dumps(LearnParams(marker_cost=3.0))) == LearnParams(marker_cost=3.0)
    source = Path(__import__("cleaner.learn.params", fromlist=["x"]).__file__).read_text(encoding="utf-8")
    for f in dataclasses.fields(LearnParams):  # each field says what it means, on its line
        line = next(s for s in source.splitlines() if s.strip().startswith(f.name + ":"))
        assert "#" in line, f.name


@pytest.mark.parametrize("stage", ["article", "chrome", "rules", "induce", "dates"])
def test_the_learner_reads_no_module_level_tunables(stage):
    """Every number the learner tunes comes from its params: its stages define no numeric constants."""
    path = Path(__import__(f"cleaner.learn.{stage}", fromlist=["x"]).__file__)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    numeric = [t.id for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
               and isinstance(node.value.value, (int, float)) for t in node.targets if isinstance(t, ast.Name)]
    assert numeric == []


def test_params_reach_learning_and_defaults_are_the_default():
    texts = [page(i) for i in range(8)]
    default = learn_site(profile(texts))
    assert learn_site(profile(texts), params=LearnParams()).yaml_text == default.yaml_text
    strict = learn_site(profile(texts), params=LearnParams(chrome_min_share=1.0))  # chrome on every page only
    assert strict.yaml_text != default.yaml_text
    (via_driver, _, _), = learn_all({"valleygazette.example": profile(texts)}, params=LearnParams(chrome_min_share=1.0))
    assert via_driver.yaml_text == strict.yaml_text
