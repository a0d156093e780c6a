"""Shared CLI helpers: exit codes, loading rules with a one-line error, consoles."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from cleaner.api import Cleaner
from cleaner.ruleset.model import RuleError

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # tests or rule examples failed; rejects over --max-reject-rate
EXIT_USAGE = 2  # bad arguments, missing input, invalid rule files, missing optional extra
EXIT_RUN_FAILED = 3  # `clean`: cannot write output, workers cannot start
EXIT_INTERRUPTED = 130  # `clean` interrupted: rerun the same command to resume

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print a one-line error to stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def load_cleaner(rules: Path | None) -> Cleaner:
    """Cleaner.from_rules with invalid rule files reported as one line and exit code 2."""
    try:
        return Cleaner.from_rules(rules)
    except RuleError as e:
        raise fail(str(e)) from None
