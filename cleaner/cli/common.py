"""Shared CLI helpers: exit codes, loading rules with a one-line error, consoles.

User text (paths, rule ids, messages) is always printed literally: escaped, or with markup off, since
rich reads `[...]` as markup. Output that is not a terminal is never wrapped.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console, ConsoleDimensions
from rich.text import Text

from cleaner.api import Cleaner, default_rules_dir
from cleaner.ruleset.model import RuleError

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # tests or rule examples failed; rejects over --max-reject-rate
EXIT_USAGE = 2  # bad arguments, missing input, invalid rule files, missing optional extra
EXIT_RUN_FAILED = 3  # `clean`: cannot write output, workers cannot start
EXIT_INTERRUPTED = 130  # `clean` interrupted: rerun the same command to resume

# Input options of `clean`, `learn` and `report`: one definition each (name, help; defaults at the use).
InputFormatOpt = Annotated[Optional[str], typer.Option(
    "--input-format", help="Force the input format: text, html, jsonl, warc or parquet.")]
TextFieldOpt = Annotated[str, typer.Option(help="JSONL/Parquet field with the text.")]
HtmlFieldOpt = Annotated[str, typer.Option(help="JSONL/Parquet field with HTML (used when present; '' for none).")]
UrlFieldOpt = Annotated[str, typer.Option(help="JSONL/Parquet field with the URL.")]
IdFieldOpt = Annotated[str, typer.Option(help="JSONL/Parquet field with the document id.")]
MaxDocBytesOpt = Annotated[int, typer.Option(
    help="Largest document, JSONL line or WARC record, in bytes, also after decompression; larger ones "
         "are rejected (too_large).", min=1)]
ArticleFinderOpt = Annotated[bool, typer.Option(
    "--article-finder/--no-article-finder",
    help="On text of a site without rules, keep only the article the finder sees (after the generic rules); "
         "after a learned site's rules (`article_finder: true`), drop comment threads and what lies after it.")]


def check_input_format(value: str | None) -> None:
    """`--input-format`: one of the readers' formats, or a one-line usage error."""
    from cleaner.io.formats import INPUT_FORMATS

    if value is not None and value not in INPUT_FORMATS:
        raise fail(f"--input-format {value!r}; allowed: {', '.join(INPUT_FORMATS)}")


def check_output(output: Path | None, paths: list[str], *, directory: bool) -> None:
    """`-o`: a directory (`clean`, `learn`) or a file (`report`), and never one of the inputs: a
    one-line usage error before anything is read or written."""
    if output is None:
        return
    if directory and output.exists() and not output.is_dir():
        raise fail(f"{output} exists and is not a directory")
    if not directory and output.is_dir():
        raise fail(f"{output} is a directory; -o names the file to write")
    for p in paths:
        if p != "-" and _same_file(p, output):
            raise fail(f"-o {output} is one of the inputs; write elsewhere")


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either does not exist (yet)
        return False


class _Console(Console):
    """A console that wraps only on a terminal: piped output (and tables in it) keeps its lines whole."""

    @property
    def size(self) -> ConsoleDimensions:
        if self.is_terminal:
            return super().size
        return ConsoleDimensions(1 << 20, 25)

    @size.setter
    def size(self, new_size) -> None:
        Console.size.fset(self, new_size)


out = _Console(highlight=False)
err = _Console(stderr=True, highlight=False)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print a one-line error to stderr (`message` literally) and return the Exit to raise."""
    err.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)
    return typer.Exit(code)


def load_cleaner(rules: Path | list[Path] | None, *, lazy: bool = True, find_article: bool = True) -> Cleaner:
    """`Cleaner.from_rules` (the one loader of `--rules` in every command: several directories are
    layered in order, learned ones alone go on the shipped rules), with invalid rule files reported as
    one line and exit code 2. `lazy=False`: every file compiled now (`rules check`, `test`)."""
    try:
        return Cleaner.from_rules(rules or None, lazy=lazy, find_article=find_article)
    except RuleError as e:
        raise fail(str(e)) from None


def checkout_rules(rules: Path | None) -> Path:
    """The rules directory `test` and `rules` commands use: `--rules`, else `./rules` when run in a
    checkout (a `rules/generic.yaml` here, so fixtures and rules come from the same tree), else the
    shipped rules. Said on stderr, so nobody tests one tree's fixtures against another's rules."""
    if rules is None:
        here = Path("rules")
        rules = here if (here / "generic.yaml").is_file() else default_rules_dir()
    err.print(f"rules: {rules}", markup=False, soft_wrap=True)
    return rules
