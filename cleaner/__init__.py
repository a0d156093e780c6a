"""cleaner: turn scraper output into clean article bodies with per-site YAML rules."""
from cleaner.api import Cleaner
from cleaner.core.result import Result, TraceEntry
from cleaner.ruleset.model import RuleError, RuleTimeout

__version__ = "0.1.0"
__all__ = ["Cleaner", "Result", "RuleError", "RuleTimeout", "TraceEntry", "__version__"]
