"""Rule files: the vocabulary (schema), loading and compilation."""
from cleaner.ruleset.model import Rule, RuleError, RuleSet, RuleTimeout

__all__ = ["Rule", "RuleError", "RuleSet", "RuleTimeout"]
