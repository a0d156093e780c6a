"""`cleaner rules check|list|docs`: validate rule files and run every rule's examples; list the rules;
print the vocabulary."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from cleaner.cli.common import EXIT_FAILED, err, load_cleaner, out
from cleaner.api import default_rules_dir
from cleaner.ruleset.examples import check_example, iter_examples

rules_app = typer.Typer(help="Validate and list rule files.", no_args_is_help=True)

_DIR = typer.Argument(help="Rules directory (default: the shipped rules).", show_default=False)


def _rulesets(directory: Path | None):
    cleaner = load_cleaner(directory)
    return list(cleaner.index.rulesets) + ([cleaner.generic] if cleaner.generic else [])


def _count(rulesets) -> int:
    return len({(r.source, r.id) for rs in rulesets for r in rs.all_rules()})


@rules_app.command("check")
def check(directory: Annotated[Optional[Path], _DIR] = None) -> None:
    """Validate rule files (schema, regexes, word lists) and run every rule's examples."""
    cleaner = load_cleaner(directory)
    rulesets = list(cleaner.index.rulesets) + ([cleaner.generic] if cleaner.generic else [])
    total = bad = 0
    for case in iter_examples(cleaner):
        total += 1
        problems = check_example(case)
        if problems:
            bad += 1
            out.print(f"[bold red]FAILED[/] {case.test_id} ({escape(case.rule.source)})")
            for p in problems:
                out.print(f"  - {escape(p)}", soft_wrap=True)
    n_rules = _count(rulesets)
    where = directory or default_rules_dir()
    err.print(f"{where}: {len(rulesets)} rule sets, {n_rules} rules, {total} examples: "
              f"{total - bad} passed, {bad} failed")
    if bad:
        raise typer.Exit(EXIT_FAILED)


@rules_app.command("list")
def list_rules(
    directory: Annotated[Optional[Path], _DIR] = None,
    site: Annotated[Optional[str], typer.Option(help="Only this site ('generic' for the generic rules).")] = None,
) -> None:
    """List the rules in the order they run: site, id, action, description."""
    table = Table("site", "id", "action", "description", box=None, pad_edge=False)
    for rs in _rulesets(directory):
        if site and rs.name != site:
            continue
        for rule in rs.all_rules():
            table.add_row(rs.name, rule.id, rule.action, escape(rule.description))
    out.print(table)


@rules_app.command("docs")
def docs() -> None:
    """Print the rule vocabulary (rule keys, actions, match keys) as Markdown tables."""
    from cleaner.ruleset.vocabulary import docs_table

    typer.echo(docs_table(), nl=False)  # plain output: the tables hold brackets rich would read as markup
