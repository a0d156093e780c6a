"""`cleaner learn DUMP... -o RULES_DIR`: learn each site's chrome from a dump, one rule file per site.

Exit codes: 0 ok (also when some sites learned nothing: each says why); 2 usage (bad options, missing
input, invalid hand rules, missing optional extra); 3 the run failed (cannot write, workers died);
130 interrupted.
"""
import contextlib
import inspect
import time
import typing
from pathlib import Path
from typing import Annotated, Optional

import typer

from cleaner.cli.clean_cmd import clean as _clean
from cleaner.cli.common import (
    EXIT_INTERRUPTED, EXIT_RUN_FAILED, check_input_format, check_output, err, fail, load_cleaner, out,
)
from cleaner.core.cleaner import printable

# The input options are `clean`'s own (same names, help and defaults), not copies.
_OPT = typing.get_type_hints(_clean, include_extras=True)
_DEF = {k: p.default for k, p in inspect.signature(_clean).parameters.items()}


def learn(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories (recursive) or - for stdin.", metavar="PATH...")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Directory to write <site>.yaml files into (required unless --explain).")] = None,
    site: Annotated[Optional[str], typer.Option(help="Learn every record as this one site.")] = None,
    site_field: Annotated[Optional[str], typer.Option(
        "--site-field", help="JSONL/Parquet field naming the record's site (a host, URL or name).")] = None,
    min_pages: Annotated[int, typer.Option(help="A site with fewer pages learns nothing.", min=1)] = 3,
    rules: Annotated[Optional[list[Path]], typer.Option(
        help="Hand-written rules to check learned rules against (default: the shipped rules).")] = None,
    input_format: _OPT["input_format"] = _DEF["input_format"],
    text_field: _OPT["text_field"] = _DEF["text_field"],
    html_field: _OPT["html_field"] = _DEF["html_field"],
    url_field: _OPT["url_field"] = _DEF["url_field"],
    id_field: _OPT["id_field"] = _DEF["id_field"],
    workers: _OPT["workers"] = _DEF["workers"],
    progress: _OPT["progress"] = _DEF["progress"],
    quiet: _OPT["quiet"] = _DEF["quiet"],
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Per site also its confidence, and each rule left out: why, its example, what "
        "came out and what was expected.")] = False,
    explain: Annotated[Optional[str], typer.Option(
        "--explain", metavar="SITE", help="Write nothing: show, for a few sampled pages of SITE, each line as "
        "article / chrome / uncertain, and why.")] = None,
) -> None:
    """Learn each site's chrome from a dump: one rule file per site, for a person to review.

    Records are grouped by site: --site, else --site-field, else the URL's registrable domain, else the directory the input file lies in (as <directory>.local). HTML records are learned from the page's block lines. Prints per site what was learned or why nothing was; learned.json in OUT says the same, with learned rules that would remove lines the hand-written rules keep.
    """
    from cleaner.cli.checks import check_dump_fields
    from cleaner.io import Fields
    from cleaner.learn.driver import LearnOptions, build_profiles, hand_sites, learn_to_dir

    check_input_format(input_format)
    if explain is not None:
        return _explain(paths, explain, site, site_field, min_pages, input_format,
                        (text_field, html_field, url_field, id_field), workers)
    if output is None:
        raise fail("missing option --output / -o: the directory to write <site>.yaml files into")
    check_output(output, paths, directory=True)
    check_dump_fields(paths, Fields(text_field, html_field), input_format)
    hand = load_cleaner(rules)
    opts = LearnOptions(
        fields=Fields(text_field, html_field, url_field, id_field), input_format=input_format, site=site,
        site_field=site_field, min_pages=min_pages, sample_sites=hand_sites(hand),
    )
    show = (not quiet) and (progress if progress is not None else err.is_terminal)
    bar = LearnProgress(err) if show else None
    with _learning_errors("interrupted", bar):
        run = build_profiles(paths, opts, workers=workers, progress=bar)
        if bar:
            bar.stop()
        t0 = time.monotonic()
        outcomes = learn_to_dir(run, output, min_pages=min_pages, hand=hand, params=opts.params)
        induced = time.monotonic() - t0
    if not quiet:
        print_outcomes(outcomes, verbose)
        print_summary(run, outcomes, output, induced)


def _explain(paths, name: str, site, site_field, min_pages: int, input_format, fields, workers) -> None:
    """`learn --explain SITE`: each line of a few sampled pages of SITE as article / chrome / uncertain."""
    from cleaner.io import Fields
    from cleaner.learn.driver import LearnOptions, build_profiles, site_name
    from cleaner.learn.explain import explain_site

    opts = LearnOptions(fields=Fields(*fields), input_format=input_format, site=site, site_field=site_field,
                        min_pages=min_pages)
    with _learning_errors("interrupted", None):
        run = build_profiles(paths, opts, workers=workers)
    profile = run.profiles.get(site_name(name)) or run.profiles.get(name)
    if profile is None:
        known = ", ".join(sorted(run.profiles)[:10]) or "none"
        raise fail(f"no pages of site {name!r} in the input (its sites: {known})")
    for line in explain_site(profile, min_pages=min_pages):
        out.print(line, markup=False, highlight=False, soft_wrap=True)


def print_outcomes(outcomes, verbose: bool = False) -> None:
    """One line per site on stdout (plain text: site names and lines are printed literally); with
    `verbose`, its confidence and each rule left out, with its failing example."""
    for o in outcomes:
        s = o.learned
        where = f" -> {o.file}" if o.file else ""
        out.print(printable(f"{s.site}: {s.reason}{where}"), markup=False, highlight=False, soft_wrap=True)
        if verbose:
            _print_confidence(s.confidence)
        for c in o.conflicts:
            if c.get("error"):
                out.print(f"  conflict check failed: {c['error']}", markup=False, soft_wrap=True)
                continue
            eg = "; ".join(repr(e[:80]) for e in c["examples"])
            out.print(f"  conflict: learned rule {c['rule']} removes {c['lines']} line(s) the hand-written rules "
                      f"keep, on {c['pages']} sample page(s), e.g. {eg}", markup=False, soft_wrap=True)


def _print_confidence(c: dict) -> None:
    if c.get("kept_share"):
        k = c["kept_share"]
        out.print(f"  confidence: {c['sampled']} of {c['pages']} pages sampled, {c['verified']} cleaned with the "
                  f"learned file: it keeps {k['min']:.0%} to {k['max']:.0%} of a page (median {k['median']:.0%}) "
                  f"and removes {c['article_words_lost']} of {c['article_words']} article words "
                  f"({c['loss_share']:.1%}); articles found on {c['articles_found']} pages",
                  markup=False, highlight=False, soft_wrap=True)
    for w in c.get("weak", []):
        out.print(f"  weak: {w}", markup=False, highlight=False, soft_wrap=True)
    for x in c.get("left_out", []):
        out.print(f"  left out: {x['rule']}: {x['why']}", markup=False, highlight=False, soft_wrap=True)
        for key in ("example", "expected", "got"):
            if key in x:
                out.print(f"    {key}: {x[key]!r}", markup=False, highlight=False, soft_wrap=True)


def weak_sites(outcomes) -> list[str]:
    """One line per site whose learning failed or is weak."""
    return [f"{o.learned.site}: {'learned nothing' if o.file is None else 'weak'}: {'; '.join(o.weak)}"
            for o in outcomes if o.weak]


def print_summary(run, outcomes, output: Path, induced: float | None = None) -> None:
    learned = sum(1 for o in outcomes if o.file)
    conflicts = sum(1 for o in outcomes if o.conflicts)
    failed = sum(1 for o in outcomes if o.file is None)
    weak = sum(1 for o in outcomes if o.file and o.weak)
    mb = run.bytes / 1e6
    rate = f", {mb / run.elapsed:.1f} MB/s" if run.elapsed > 0 else ""
    sites = f", {len(outcomes)} sites learned and checked in {induced:.1f}s" if induced is not None else ""
    err.print(f"learned rules for {learned} of {len(outcomes)} sites from {run.docs:,} documents into {output} "
              f"({mb:.1f} MB read in {run.elapsed:.1f}s{rate}, {run.workers or 1} worker(s){sites})"
              + (f"; {failed} site(s) learned nothing" if failed else "")
              + (f"; {weak} site(s) learned weakly" if weak else "")
              + (f"; {conflicts} site(s) with conflicts" if conflicts else ""), markup=False, soft_wrap=True)
    if run.rejected:
        eg = run.rejects[0]
        err.print(printable(f"{run.rejected:,} record(s) could not be read, e.g. {eg['source']}: {eg['reason']}"),
                  markup=False, soft_wrap=True)


class LearnProgress:
    """documents, MB, MB/s and (input size known) % of the input read, on stderr."""

    def __init__(self, console):
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.p = Progress(TextColumn("[bold]learning"), BarColumn(), TaskProgressColumn(),
                          TextColumn("{task.fields[info]}"), TimeElapsedColumn(), console=console)
        self.task = None
        self.t0, self.clock = time.monotonic(), time.monotonic

    def __call__(self, docs: int, nbytes: int, raw: int, total: int | None) -> None:
        if self.task is None:
            self.p.start()
            self.task = self.p.add_task("learn", total=total or None, info="")
        dt = max(self.clock() - self.t0, 1e-6)
        self.p.update(self.task, completed=raw,
                      info=f"{docs:,} docs  {nbytes / 1e6:.1f} MB  {nbytes / dt / 1e6:.1f} MB/s")

    def stop(self) -> None:
        if self.task is not None:
            self.p.stop()
            self.task = None


def hold_output(output: Optional[Path]):
    """`OUT/.cleaner.lock` for `clean --learn` (a one-line usage error while another run holds it)."""
    from cleaner.batch import OutputInUse
    from cleaner.batch.resume import RunLock

    if output is None:
        raise fail("--learn needs an output directory (-o): the learned rules are kept in OUT/.cleaner/learned/")
    try:
        output.mkdir(parents=True, exist_ok=True)
        return RunLock(output, nested=True)  # the learning and cleaning passes take it again
    except OutputInUse as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"{output}: {exc.strerror or exc}", EXIT_RUN_FAILED) from None


def learn_pass(paths: list[str], output: Optional[Path], rules: Optional[list[Path]], *, input_format, site, workers,
               restart: bool, fields: tuple[str, str, str, str], progress, quiet: bool) -> tuple[list[Path], Path]:
    """`clean --learn`'s first pass: learn into OUT/.cleaner/learned/ (or reuse a finished pass there).
    Returns the rules directories to clean with (the rules, then the learned ones) and the learned one."""
    from cleaner.api import default_rules_dir
    from cleaner.io import Fields
    from cleaner.learn.driver import LearnOptions, hand_sites
    from cleaner.learn.store import ensure_learned, is_learned_dir, learned_dir

    if output is None:
        raise fail("--learn needs an output directory (-o): the learned rules are kept in OUT/.cleaner/learned/")
    if "-" in paths:
        raise fail("--learn reads the input twice: stdin (-) cannot be used; pass files")
    hand = load_cleaner(rules)
    # --site, the fallback site of records without URL when cleaning, is their site when learning too
    opts = LearnOptions(fields=Fields(*fields), input_format=input_format, default_site=site,
                        sample_sites=hand_sites(hand))
    reuse = not restart and is_learned_dir(learned_dir(output))
    show = (not quiet) and (progress if progress is not None else err.is_terminal)
    bar = LearnProgress(err) if show and not reuse else None
    with _learning_errors("interrupted; rerun the same command to resume", bar):
        directory, run, outcomes = ensure_learned(paths, output, opts, workers=workers, restart=restart, hand=hand,
                                                  progress=bar)
    if not quiet:
        if run is None:
            err.print(f"reusing the learned rules in {directory} (--restart learns again)", markup=False,
                      soft_wrap=True)
        else:
            for line in weak_sites(outcomes):  # the learned rules run on this dump right away
                err.print(line, markup=False, highlight=False, soft_wrap=True)
            for o in outcomes:  # conflicts matter here too
                for c in o.conflicts:
                    err.print(f"conflict: {o.learned.site}: learned rule {c.get('rule')} removes {c.get('lines', 0)} "
                              f"line(s) the hand-written rules keep; see {directory / 'learned.json'}",
                              markup=False, soft_wrap=True)
            print_summary(run, outcomes, directory)
    return [*(rules or [default_rules_dir()]), directory], directory


def learned_usage(directory: Path, sites) -> dict:
    """How many sites and documents the learned rules of `directory` were used on (`sites`: documents per
    site of the run's summary)."""
    from cleaner.learn.store import learned_sites

    learned = learned_sites(directory)
    used = {s: sites[s] for s in learned if sites.get(s)}
    docs = sum(used.values())
    line = (f"learned rules: {len(learned)} site(s) learned, used on {docs:,} document(s) of {len(used)} site(s) "
            f"({directory})")
    return {"sites_learned": len(learned), "sites_used": len(used), "documents": docs, "directory": str(directory),
            "line": line}


@contextlib.contextmanager
def _learning_errors(interrupted: str, bar):
    """A learning pass's failures as one line and an exit code; the progress bar stopped in any case."""
    from cleaner.batch import PlanError
    from cleaner.io import MissingExtra

    try:
        yield
    except (PlanError, MissingExtra) as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        err.print(interrupted, markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except OSError as exc:
        raise fail(f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", EXIT_RUN_FAILED) from None
    except Exception as exc:  # a worker that died (BrokenProcessPool), or a bug: one line
        raise fail(f"learning failed: {type(exc).__name__}: {exc}".splitlines()[0], EXIT_RUN_FAILED) from None
    finally:
        if bar:
            bar.stop()
