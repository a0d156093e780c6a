"""The learning pass: records -> per-site profiles (streaming, on all cores) -> one rule file per site.

The parent reads the inputs with the batch feed (decompression and splitting only) into chunks of
records; workers turn each chunk into per-site `SiteProfile`s (JSON parsing, HTML block lines,
repair, counting), and the parent merges the chunks' profiles in input order. Chunk boundaries do not
depend on the number of workers, so the learned files are the same with 1 or 16 workers.

Sites: `--site` (one site for everything), else a record field naming it, else the URL's registrable
domain (public-suffix aware: `news.bbc.co.uk` -> `bbc.co.uk`), else the directory the input file lies
in, as `<directory>.local` (a rule file's site must look like a domain; `.local` is never a public site).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from cleaner.core.sites import site_name, url_host  # noqa: F401  (site_name: re-exported)
from cleaner.io.records import Fields, Record, Reject, directory_site  # noqa: F401
from cleaner.learn.induce import MIN_PAGES, LearnedSite, learn_site  # noqa: F401  (learn_site: re-exported)
from cleaner.learn.profile import SiteProfile, page_lines
from cleaner.learn.template import HtmlSample, learn_site_html, page_lines_sampled

CHUNK_DOCS = 1000  # records per chunk (a worker's unit of work)
CHUNK_BYTES = 4 << 20
POOL_BYTES = 2 << 20  # smaller inputs are learned inline, without starting a pool
SAMPLE_PAGES = 20  # pages kept per site that has a hand-written file, to check learned rules against it
REPORT = "learned.json"  # written last into a rules directory: what was learned, and the conflicts

@dataclass(frozen=True)
class LearnOptions:
    fields: Fields = Fields()
    input_format: str | None = None
    site: str | None = None  # one site for every record
    site_field: str | None = None  # a record field naming the site
    default_site: str | None = None  # the site of records without URL (instead of their directory)
    min_pages: int = MIN_PAGES
    max_doc_bytes: int = 64 << 20
    sample_sites: frozenset[str] = frozenset()  # sites whose first pages are kept (hand-written files)
    chunk_docs: int = CHUNK_DOCS
    chunk_bytes: int = CHUNK_BYTES


def hand_sites(hand) -> frozenset[str]:
    """The site names of a Cleaner's (hand-written) rule sets, as learning names sites: their pages are
    sampled to check learned rules against the hand rules."""
    names = set()
    for rs in hand.index.rulesets:
        names.add(rs.name)
        names.update(site_name(d) for d in rs.domains)
    return frozenset(names)


def site_bucket(site: str, buckets: int) -> int:
    """A site's bucket among `buckets` (stable across processes and machines)."""
    import zlib

    return zlib.crc32(site.encode("utf-8")) % buckets


def record_site(rec: Record, opts: LearnOptions) -> str:
    if opts.site:
        return site_name(opts.site)
    if opts.site_field:
        value = {opts.fields.url: rec.url, opts.fields.id: rec.id}.get(opts.site_field, rec.extra.get(opts.site_field))
        if value is not None and str(value).strip():
            return site_name(str(value))
    if rec.url:
        host = url_host(rec.url)
        if host:
            return site_name(host)
    if opts.default_site:
        return site_name(opts.default_site)
    return directory_site(rec.source)


def record_text(rec: Record) -> tuple[str, bool]:
    """(text, is_html) of a record, decoded as the cleaner decodes it (binary input: no text)."""
    from cleaner.api import decode

    text, is_html = decode(rec.data, rec.format, rec.extra.get("content_type"), [])
    return text or "", is_html


def html_lines(html: str) -> list[str]:
    """An HTML page's block lines: the selector path's extraction applied to the whole <body>."""
    return page_lines_sampled(html, None)


def record_lines(rec: Record, html_sample: HtmlSample | None = None) -> list[str]:
    """The lines a record is learned from: its text, or the block lines of its HTML (an HTML page is
    offered to `html_sample`, the site's sample for learning its template)."""
    text, is_html = record_text(rec)
    if is_html:
        text = "\n".join(page_lines_sampled(text, html_sample))
    return page_lines(text)


@dataclass
class ChunkResult:
    seq: int
    profiles: dict[str, SiteProfile]
    docs: int = 0
    bytes: int = 0
    rejects: list[dict] = field(default_factory=list)
    samples: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # site -> [(text, url)]
    peak_rss: int = 0  # of the worker that made it (bytes)
    html: dict[str, HtmlSample] = field(default_factory=dict)  # site -> sampled HTML pages (its template)


def profile_chunk(seq: int, items: list, opts: LearnOptions) -> ChunkResult:
    """One chunk of feed items (Record or Reject) -> per-site profiles (runs in a worker, or inline)."""
    from cleaner.io.readers import load_record

    res = ChunkResult(seq, {})
    for item in items:
        rec = item if isinstance(item, Reject) else load_record(item, opts.fields, opts.max_doc_bytes)
        res.docs += 1
        if isinstance(rec, Reject):
            res.rejects.append(rec.to_dict())
            continue
        res.bytes += len(rec.data)
        try:
            site = record_site(rec, opts)
            lines = record_lines(rec, res.html.setdefault(site, HtmlSample()))
        except Exception as exc:  # one bad record must not stop the pass
            res.rejects.append(Reject.of(rec, "error", f"{type(exc).__name__}: {exc}".splitlines()[0][:300]).to_dict())
            continue
        if not lines:  # an empty page says nothing about the site's chrome
            continue
        prof = res.profiles.get(site)
        if prof is None:
            prof = res.profiles[site] = SiteProfile(site)
        prof.add_page(lines)
        if site in opts.sample_sites:
            kept = res.samples.setdefault(site, [])
            if len(kept) < SAMPLE_PAGES:
                kept.append(("\n".join(lines), rec.url))
    return res


@dataclass
class LearnRun:
    """The merged outcome of reading a dump: per-site profiles and counts."""

    profiles: dict[str, SiteProfile]
    samples: dict[str, list[tuple[str, str | None]]]
    docs: int = 0
    bytes: int = 0
    rejects: list[dict] = field(default_factory=list)  # the first 100
    rejected: int = 0
    elapsed: float = 0.0
    workers: int = 0
    peak_rss: int = 0  # bytes: the largest of the parent's and the workers'
    html: dict[str, HtmlSample] = field(default_factory=dict)  # site -> sampled HTML pages


def _worker_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def build_profiles(
    paths: list[str], opts: LearnOptions, *, workers: int = 0,
    progress: Callable[[int, int, int, int | None], None] | None = None,
) -> LearnRun:
    """Read `paths` (as `cleaner clean` does) and build every site's merged profile.

    `progress(docs, bytes, raw_bytes_read, total_raw_bytes)` is called after each merged chunk. Raises
    PlanError for unusable inputs and MissingExtra for a missing optional reader.
    """
    from cleaner.batch.feed import End, Task, feed
    from cleaner.batch.options import BatchConfig
    from cleaner.batch.plan import make_plan
    from cleaner.batch.pool import default_workers
    from cleaner.batch.runner import _check_extras

    t0 = time.monotonic()
    # sorted: the order the inputs are named in does not change what is learned
    plan = make_plan(sorted(paths), out_dir=None, out_format="jsonl", input_format=opts.input_format)
    _check_extras(plan, _Cfg())
    total = None if any(s.kind == "stdin" for s in plan.shards) else sum(s.size for s in plan.shards)
    n = workers or default_workers()
    fopts = BatchConfig(fields=opts.fields, max_doc_bytes=opts.max_doc_bytes,
                        task_docs=opts.chunk_docs, task_bytes=opts.chunk_bytes)
    run = LearnRun({}, {})
    raw: dict[int, int] = {}  # chunk seq -> raw input bytes read up to its end (progress)

    def tasks():
        base = 0
        for el in feed(list(enumerate(plan.shards)), fopts):
            if isinstance(el, Task):
                raw[el.seq] = base + el.raw_end
                yield el
            elif isinstance(el, End):
                base += plan.shards[el.shard].size

    parallel = n > 1 and (total is None or total >= POOL_BYTES)
    for res in (_parallel(tasks(), opts, n) if parallel else _inline(tasks(), opts)):
        _merge(run, res)
        if progress is not None:
            progress(run.docs, run.bytes, raw.pop(res.seq, 0), total)
    run.workers = n if parallel else 0
    run.elapsed = time.monotonic() - t0
    run.peak_rss = max(run.peak_rss, _worker_rss())
    return run


class _Cfg:  # what _check_extras reads of a batch config
    compression = None


def _inline(tasks: Iterable, opts: LearnOptions):
    for t in tasks:
        yield profile_chunk(t.seq, t.items, opts)


def _init_worker() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C


def _chunk_in_worker(seq, items, opts):
    poison = _fault_marker()
    if poison is not None and any(poison in _item_bytes(i) for i in items):
        os.kill(os.getpid(), 9)  # a test's simulated worker crash on a record
    res = profile_chunk(seq, items, opts)
    res.peak_rss = _worker_rss()
    return res


def _item_bytes(item) -> bytes:
    data = item.data if isinstance(item, Record) else (item[1] if isinstance(item, tuple) else b"")
    return data if isinstance(data, bytes) else str(data).encode("utf-8", "replace")


def _context():
    import threading

    if threading.active_count() == 1 and "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")  # starts at once; safe with no other thread in this process
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["cleaner.learn.driver"])
    return ctx


def _parallel(tasks: Iterable, opts: LearnOptions, n: int):
    """Chunks profiled by `n` processes; yielded in input order, at most 2 x n in flight.

    A worker that dies (killed, out of memory, a crash in a C extension) takes the pool down: the chunks in
    flight run again in a new pool, and a chunk that was in flight twice runs record by record, each in
    its own process, so that only the record that kills its process is lost (a `worker_crash` reject).
    """
    from concurrent.futures.process import BrokenProcessPool

    ctx = _context()
    window = 2 * n
    done: dict[int, ChunkResult] = {}
    inflight: dict[Future, object] = {}
    order: list[int] = []
    tries: dict[int, int] = {}
    pool = ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker)

    def submit(t) -> None:
        inflight[pool.submit(_chunk_in_worker, t.seq, t.items, opts)] = t

    try:
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(inflight) < window:
                t = next(it, None)
                if t is None:
                    exhausted = True
                    break
                order.append(t.seq)
                submit(t)
            if not inflight and not done:
                break
            if inflight:
                finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                broken = False
                for f in finished:
                    t = inflight.pop(f)
                    try:
                        done[t.seq] = f.result()
                    except BrokenProcessPool:
                        broken = True
                        inflight[f] = t  # retried below with the others the dead pool took down
                if broken:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker)
                    again = sorted(inflight.values(), key=lambda t: t.seq)
                    inflight.clear()
                    for t in again:
                        tries[t.seq] = tries.get(t.seq, 0) + 1
                        if tries[t.seq] >= 2:
                            done[t.seq] = _isolated(t, opts, ctx)
                        else:
                            submit(t)
            while order and order[0] in done:
                yield done.pop(order.pop(0))
    except BaseException:  # Ctrl-C, the consumer stopping: do not wait for the window
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _isolated(task, opts: LearnOptions, ctx) -> ChunkResult:
    """A chunk whose worker died twice, profiled one record per process; a record that kills its process
    is a `worker_crash` reject."""
    from concurrent.futures.process import BrokenProcessPool

    run = LearnRun({}, {})
    for i, item in enumerate(task.items):
        with ProcessPoolExecutor(1, mp_context=ctx, initializer=_init_worker) as pool:
            try:
                res = pool.submit(_chunk_in_worker, task.seq, [item], opts).result()
            except BrokenProcessPool:
                res = ChunkResult(task.seq, {}, 1, rejects=[Reject(
                    item.source, item.offset, "worker_crash", "the learning worker died on this record",
                    item.unit).to_dict()])
        _merge(run, res)
    return ChunkResult(task.seq, run.profiles, run.docs, run.bytes, run.rejects, run.samples, run.peak_rss, run.html)


def _merge(run: LearnRun, res: ChunkResult) -> None:
    run.docs += res.docs
    run.bytes += res.bytes
    run.rejected += len(res.rejects)
    run.rejects += res.rejects[: max(0, 100 - len(run.rejects))]
    run.peak_rss = max(run.peak_rss, res.peak_rss)
    for site in sorted(res.profiles):
        prof = res.profiles[site]
        if site in run.profiles:
            run.profiles[site].merge(prof)
        else:
            run.profiles[site] = prof
    for site in sorted(res.html):
        if res.html[site].pages:
            run.html.setdefault(site, HtmlSample()).merge(res.html[site])
    for site, pages in sorted(res.samples.items()):
        kept = run.samples.setdefault(site, [])
        kept += pages[: max(0, SAMPLE_PAGES - len(kept))]


@dataclass
class SiteOutcome:
    """What was learned for one site, where it was written, and its conflicts with a hand-written file."""

    learned: LearnedSite
    file: str | None
    conflicts: list[dict] = field(default_factory=list)
    template: dict | None = None  # the learned HTML template: body selectors, how the sampled pages fit

    def to_dict(self) -> dict:
        s = self.learned
        out = {"site": s.site, "pages": s.pages, "rules": s.rules, "file": self.file, "reason": s.reason,
               "conflicts": self.conflicts}
        if self.template is not None:
            out["template"] = self.template
        return out


def learn_all(profiles: dict[str, SiteProfile], *, min_pages: int = MIN_PAGES, workers: int = 1,
              html: dict[str, HtmlSample] | None = None) -> list[tuple[LearnedSite, str | None, dict | None]]:
    """(`learn_site_html`: the learned site and its template, `check_learned`) for every site, in sorted
    order; sites in parallel with `workers` (compiling and checking a learned file costs more than
    learning it). `html`: the sites' sampled HTML pages, for their templates."""
    sites = sorted(profiles)
    html = html or {}
    if workers <= 1 or len(sites) < 2:
        return [_induce(profiles[s], min_pages, html.get(s)) for s in sites]
    pool = ProcessPoolExecutor(min(workers, len(sites)), mp_context=_context(), initializer=_init_worker)
    try:
        return list(pool.map(_induce, (profiles[s] for s in sites), [min_pages] * len(sites),
                             [html.get(s) for s in sites]))
    finally:
        pool.shutdown(cancel_futures=True)


def _induce(profile: SiteProfile, min_pages: int,
            html: HtmlSample | None = None) -> tuple[LearnedSite, str | None, dict | None]:
    learned, template = learn_site_html(profile, html, min_pages=min_pages)
    return learned, check_learned(learned), template


def check_learned(learned: LearnedSite) -> str | None:
    """Why a learned file cannot be used (it does not load), or None. (`learn_site` already left out
    the rules whose examples fail.)"""
    if learned.yaml_text is None:
        return None
    from cleaner.learn.conflicts import load_learned
    from cleaner.ruleset.model import RuleError

    try:
        load_learned(learned.site, learned.yaml_text)
    except RuleError as exc:
        return str(exc).split(": ", 1)[-1]
    return None


def _unwritten(learned: LearnedSite, why: str) -> LearnedSite:
    return replace(learned, rules=0, yaml_text=None, reason=f"{learned.reason}; not written: {why}")


def _write_atomic(path: Path, data: bytes) -> None:
    from cleaner.io.writers import AtomicFile

    f = AtomicFile(path)
    f.write(data)
    f.commit()


def report_bytes(outcomes: list[SiteOutcome], run: LearnRun | None = None) -> bytes:
    """`learned.json`: per site what was learned or why not, and the conflicts (deterministic)."""
    doc: dict = {"sites": [o.to_dict() for o in outcomes]}
    if run is not None:
        doc["documents"] = run.docs
        doc["rejected"] = run.rejected
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def learn_outcomes(run: LearnRun, write: Callable[[str, bytes], str | None], *, min_pages: int = MIN_PAGES,
                   hand=None, workers: int = 1) -> list[SiteOutcome]:
    """Learn every site of `run` in sorted order and `write(name, data)` each `<site>.yaml` (it returns
    why it did not write the file, or None).

    A learned file that would not load or whose examples fail is not written (the reason says why).
    `hand`: a Cleaner with the hand-written rules; for its sites, learned rules that would remove a line
    the hand rules keep on the site's sample pages are reported as conflicts.
    """
    from cleaner.learn.conflicts import conflicts_with_hand

    outcomes = []
    kill_after = _fault("learn-write")
    for learned, problem, template in learn_all(run.profiles, min_pages=min_pages, workers=workers, html=run.html):
        if problem:  # never write a file that `rules check` (or loading it for cleaning) would reject
            learned = _unwritten(learned, problem)
        file = None
        if learned.yaml_text is not None:
            file = f"{learned.site}.yaml"
            refused = write(file, learned.yaml_text.encode("utf-8"))
            if refused:
                learned = _unwritten(learned, refused)
                file = None
            elif kill_after is not None:
                kill_after -= 1
                if kill_after <= 0:
                    os.kill(os.getpid(), 9)  # a test's simulated crash in the middle of the pass
        conflicts = []
        if file and hand is not None and hand.index.by_name(learned.site) is not None:
            conflicts = conflicts_with_hand(hand, learned, run.samples.get(learned.site, []))
        outcomes.append(SiteOutcome(learned, file, conflicts, template if file else None))
    return outcomes


def learn_to_dir(run: LearnRun, out_dir: Path, *, min_pages: int = MIN_PAGES, hand=None,
                 workers: int | None = None) -> list[SiteOutcome]:
    """Learn every site of `run` into `out_dir`: the rule files, then `learned.json` (see `learn_outcomes`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    earlier = _files_of_report(out_dir / REPORT)

    def write(name: str, data: bytes) -> str | None:
        if name not in earlier and (out_dir / name).exists():
            return (f"{out_dir / name} exists and was not learned here (a hand-written file?); "
                    f"learn into another directory")
        _write_atomic(out_dir / name, data)
        return None

    workers = run.workers if workers is None else workers  # a run too small for a pool learns inline too
    outcomes = learn_outcomes(run, write, min_pages=min_pages, hand=hand, workers=workers)
    _write_atomic(out_dir / REPORT, report_bytes(outcomes, run))
    for name in earlier - {o.file for o in outcomes}:  # learned before, not now: remove (never other files)
        (out_dir / name).unlink(missing_ok=True)
    return outcomes


def _files_of_report(path: Path) -> set[str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {s["file"] for s in doc["sites"] if s.get("file") and "/" not in s["file"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _fault_marker() -> bytes | None:
    """Fault injection for tests: CLEANER_FAULT=learn-crash:TEXT kills a worker on a record holding TEXT."""
    spec = os.environ.get("CLEANER_FAULT", "")
    return spec.split(":", 1)[1].encode("utf-8") if spec.startswith("learn-crash:") else None


def _fault(name: str) -> int | None:
    """Fault injection for tests: CLEANER_FAULT=learn-write:N kills the process (SIGKILL) after it wrote
    N learned files."""
    spec = os.environ.get("CLEANER_FAULT", "")
    if spec.startswith(name + ":"):
        return int(spec.split(":", 1)[1])
    return None
