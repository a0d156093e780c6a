"""The `cleaner` command: clean, learn, explain, test, rules check|list."""
from __future__ import annotations

import typer

from cleaner.cli.clean_cmd import clean
from cleaner.cli.explain_cmd import explain
from cleaner.cli.learn_cmd import learn
from cleaner.cli.rules_cmd import rules_app
from cleaner.cli.test_cmd import test

app = typer.Typer(
    help="Turn scraper output into clean article bodies with per-site YAML rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("clean")(clean)
app.command("explain")(explain)
app.command("learn")(learn)
app.command("test")(test)
app.add_typer(rules_app, name="rules")

if __name__ == "__main__":
    app()
