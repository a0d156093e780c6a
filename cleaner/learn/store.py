"""`cleaner clean --learn`'s first pass: learned rules kept in `OUT/.cleaner/learned/`, reused once complete.

The pass writes into `OUT/.cleaner/learned.tmp-<pid>/` and renames it to `learned/` after its last file,
`learned.json`: a `learned/` directory is always complete. A pass killed midway leaves only a temporary
directory, removed by the next run, which learns again; a finished pass is reused by every later run
(`--restart` learns again). The pass holds `OUT/.cleaner.lock`, as cleaning does: a second run into the
same OUT is refused and never removes the first one's live temporary directory.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from cleaner.ruleset.layers import is_learned_dir  # noqa: F401  (re-exported)

from cleaner.learn.driver import LearnOptions, LearnRun, SiteOutcome, build_profiles, learn_to_dir

_TMP = "learned.tmp-"


def learned_dir(out: Path) -> Path:
    return out / ".cleaner" / "learned"


def ensure_learned(paths: list[str], out: Path, opts: LearnOptions, *, workers: int = 0, restart: bool = False,
                   hand=None, progress=None) -> tuple[Path, LearnRun | None, list[SiteOutcome] | None]:
    """The learned rules for `paths` under OUT: (directory, run, outcomes); run and outcomes are None
    when a finished earlier pass is reused."""
    from cleaner.batch.resume import RunLock

    final = learned_dir(out)
    if is_learned_dir(final) and not restart:
        return final, None, None
    final.parent.mkdir(parents=True, exist_ok=True)
    lock = RunLock(out)  # OutputInUse while another run holds OUT: its temporary directory is live
    try:
        for stale in final.parent.glob(_TMP + "*"):  # a killed pass
            shutil.rmtree(stale, ignore_errors=True)
        tmp = final.parent / f"{_TMP}{os.getpid()}"
        run = build_profiles(paths, opts, workers=workers, progress=progress)
        outcomes = learn_to_dir(run, tmp, min_pages=opts.min_pages, hand=hand, params=opts.params)  # learned.json last
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    finally:
        lock.release()
    return final, run, outcomes


def learned_sites(directory: Path) -> list[str]:
    """The sites that have a learned file in `directory`."""
    import json

    sites = []
    for report in sorted(Path(directory).glob("learned*.json")):  # LearnMerge writes one per bucket
        doc = json.loads(report.read_text(encoding="utf-8"))
        sites += [s["site"] for s in doc["sites"] if s.get("file")]
    return sorted(sites)
