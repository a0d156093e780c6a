"""The `cleaner` command: clean, learn, explain, test, rules check|list."""
from __future__ import annotations

import sys
from typing import Annotated

import typer

from cleaner.cli.help import plain_help
from cleaner.cli.clean_cmd import clean
from cleaner.cli.explain_cmd import explain
from cleaner.cli.report_cmd import report
from cleaner.cli.learn_cmd import learn
from cleaner.cli.rules_cmd import rules_app
from cleaner.cli.test_cmd import test

plain_help()
app = typer.Typer(
    help="Turn scraper output into clean article bodies with per-site YAML rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help and usage errors piped to a file or a program: plain click text, never wrapped
    **({} if sys.stdout.isatty() else {"rich_markup_mode": None,
                                        "context_settings": {"max_content_width": 1 << 16, "terminal_width": 1 << 16}}),
)


def _version(value: bool) -> None:
    if value:
        from cleaner import __version__

        print(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Turn scraper output into clean article bodies with per-site YAML rules."""


app.command("clean")(clean)
app.command("explain")(explain)
app.command("report")(report)
app.command("learn")(learn)
app.command("test")(test)
app.add_typer(rules_app, name="rules")

if __name__ == "__main__":
    app()
