"""Dependencies point one way: core <- rule vocabulary <- decode / html / io <- the Cleaner facade <- batch <-
learn / report <- cli / integrations. A module may import its own layer and those below (imports for type checking aside)."""
import ast

import pytest

from conftest import ROOT

LAYERS = {"core": 0, "ruleset": 1, "decode": 2, "html": 2, "io": 2, "api": 3, "testing": 3, "batch": 4,
          "learn": 5, "report": 5, "cli": 6, "integrations": 6}
ROOT_NAMES = {"Cleaner": "api", "Result": "core", "TraceEntry": "core", "RuleTimeout": "core", "RuleError": "ruleset", "__version__": "core"}
MODULES = sorted(p for p in (ROOT / "cleaner").rglob("*.py") if p.parent != ROOT / "cleaner" or p.stem in ("api", "decode"))


def _imported(path) -> set[str]:
    """The cleaner packages a module imports, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    package = path.relative_to(ROOT).parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            parts = base + (node.module.split(".") if node.module else [])
            if parts[:1] != ["cleaner"]:
                continue
            if len(parts) == 1:
                found.update(a.name if a.name in LAYERS else ROOT_NAMES[a.name] for a in node.names)
            else:
                found.add(parts[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("cleaner."))
    return found


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_imports_point_down(path):
    rel = path.relative_to(ROOT / "cleaner").parts
    layer = LAYERS[rel[0] if len(rel) > 1 else path.stem]
    upward = {d for d in _imported(path) if LAYERS[d] > layer}
    assert not upward, f"{path.name} imports {sorted(upward)}, above its layer"
