"""Per-portal regression fixtures: discovery, comparison with a diff, and regeneration."""
from cleaner.testing.fixtures import Case, Outcome, discover, run_case, update_case

__all__ = ["Case", "Outcome", "discover", "run_case", "update_case"]
