"""`cleaner test`: run the per-portal fixtures, a unified diff per failure; `--update` regenerates them."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from cleaner.cli.common import EXIT_FAILED, checkout_rules, err, fail, load_cleaner, out
from cleaner.testing import discover, run_case, update_case


def _print_diff(diff: str) -> None:
    for line in diff.splitlines():
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim" \
            if line.startswith("@@") else ""
        out.print(f"[{style}]{escape(line)}[/]" if style else escape(line), soft_wrap=True)


def test(
    site: Annotated[Optional[str], typer.Option(help="Only this site's fixtures.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Rewrite expectations from the current output.")] = False,
    fixtures: Annotated[Path, typer.Option(help="Fixtures directory: <site>/<case>/.")] = Path("tests/fixtures"),
    rules: Annotated[Optional[Path], typer.Option(
        help="Rules directory (default: ./rules in a checkout, else the shipped rules).")] = None,
) -> None:
    """Run the per-portal regression fixtures; with --update, rewrite the expectations, then check again."""
    if not fixtures.is_dir():
        raise fail(f"no fixtures directory {str(fixtures)!r}; pass --fixtures DIR")
    cleaner = load_cleaner(checkout_rules(rules), lazy=False)
    cases = discover(fixtures, site)
    if not cases:
        raise fail(f"no fixture cases under {fixtures}" + (f" for site {site!r}" if site else ""))
    passed = failed = updated = 0
    for case in cases:
        outcome = run_case(cleaner, case)
        if outcome.ok:
            passed += 1
            continue
        if update:
            update_case(case, outcome.result)
            updated += 1
            out.print(f"[yellow]updated[/] {escape(case.id)}", soft_wrap=True)
            outcome = run_case(cleaner, case)  # checks.json is not rewritten: it may still fail
            if outcome.ok:
                continue
        failed += 1
        out.print(f"[bold red]FAILED[/] {escape(case.id)}", soft_wrap=True)
        for problem in outcome.problems:
            out.print(f"  - {escape(problem)}", soft_wrap=True)
        if outcome.diff:
            _print_diff(outcome.diff)
    tail = f", {updated} updated" if update else ""
    err.print(f"{passed} passed, {failed} failed{tail}", markup=False, soft_wrap=True)
    if failed:
        raise typer.Exit(EXIT_FAILED)
