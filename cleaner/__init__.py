"""cleaner: turn scraper output into clean article bodies with per-site YAML rules."""
from cleaner.core.engine import RuleTimeout
from cleaner.core.result import Result, TraceEntry

__version__ = "0.1.0"
__all__ = ["Cleaner", "Result", "RuleError", "RuleTimeout", "TraceEntry", "__version__"]


def __getattr__(name: str):
    # Loaded on first use, so that `import cleaner.core` stays the text core alone.
    if name == "Cleaner":
        from cleaner.api import Cleaner

        return Cleaner
    if name == "RuleError":
        from cleaner.ruleset.model import RuleError

        return RuleError
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
