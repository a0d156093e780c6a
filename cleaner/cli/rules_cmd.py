"""`cleaner rules check|list|docs`: validate rule files and run every rule's examples; list the rules;
print the vocabulary."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from cleaner.cli.common import EXIT_FAILED, checkout_rules, err, fail, load_cleaner, out
from cleaner.ruleset.examples import check_example, html_examples, iter_examples

rules_app = typer.Typer(help="Validate and list rule files.", no_args_is_help=True)

_HELP = "Rules directory (default: ./rules in a checkout, else the shipped rules)."
_DIR = typer.Argument(help=_HELP, show_default=False)
_OPT = typer.Option("--rules", help=_HELP, show_default=False)


def _directory(directory: Path | None, rules: Path | None) -> Path:
    if directory is not None and rules is not None and directory != rules:
        raise fail(f"two rules directories given: {directory} and --rules {rules}")
    return checkout_rules(directory or rules)


def _rulesets(directory: Path):
    return load_cleaner(directory, lazy=False).rule_sets()


def _count(rulesets) -> int:
    return len({(r.source, r.id) for rs in rulesets for r in rs.all_rules()})


@rules_app.command("check")
def check(directory: Annotated[Optional[Path], _DIR] = None, rules: Annotated[Optional[Path], _OPT] = None) -> None:
    """Validate rule files (schema, regexes, word lists) and run every rule's examples."""
    directory = _directory(directory, rules)
    cleaner = load_cleaner(directory, lazy=False)  # every file validated and compiled now
    rulesets = cleaner.rule_sets()
    results = [(c.test_id, c.rule.source, check_example(c)) for c in iter_examples(cleaner)]
    results += html_examples(cleaner)  # a learned html: section's examples
    total, bad = len(results), 0
    for test_id, source, problems in results:
        if problems:
            bad += 1
            out.print(f"[bold red]FAILED[/] {escape(test_id)} ({escape(source)})", soft_wrap=True)
            for p in problems:
                out.print(f"  - {escape(p)}", soft_wrap=True)
    n_rules = _count(rulesets)
    err.print(f"{directory}: {len(rulesets)} rule sets, {n_rules} rules, {total} examples: "
              f"{total - bad} passed, {bad} failed", markup=False, soft_wrap=True)
    if bad:
        raise typer.Exit(EXIT_FAILED)


@rules_app.command("list")
def list_rules(
    directory: Annotated[Optional[Path], _DIR] = None,
    site: Annotated[Optional[str], typer.Option(help="Only this site ('generic' for the generic rules).")] = None,
    rules: Annotated[Optional[Path], _OPT] = None,
) -> None:
    """List the rules in the order they run: site, id, action, description."""
    rulesets = _rulesets(_directory(directory, rules))
    names = [rs.name for rs in rulesets]
    if site and site not in names:
        raise fail(f"no rules for site {site!r}; known sites: {', '.join(sorted(names))}")
    rows = [(rs.name, rule.id, rule.action, rule.description)
            for rs in rulesets if not (site and rs.name != site) for rule in rs.all_rules()]
    if not out.is_terminal:  # piped: aligned plain lines, nothing after the last column
        widths = [max(len(r[i]) for r in [("site", "id", "action", ""), *rows]) for i in range(3)]
        for row in [("site", "id", "action", "description"), *rows]:
            line = "  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[3]
            sys.stdout.write(line.rstrip() + "\n")
        return
    table = Table("site", "id", "action", "description", box=None, pad_edge=False)
    for row in rows:
        table.add_row(*map(escape, row))
    out.print(table)


@rules_app.command("docs")
def docs() -> None:
    """Print the rule vocabulary (rule keys, actions, match keys) as Markdown tables."""
    from cleaner.ruleset.vocabulary import docs_table

    typer.echo(docs_table(), nl=False)  # plain output: the tables hold brackets rich would read as markup
