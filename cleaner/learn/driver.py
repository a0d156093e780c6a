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
import os
import re
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from cleaner.core.cleaner import replace_surrogates
from cleaner.core.sites import site_name, url_host  # noqa: F401  (site_name: re-exported)
from cleaner.io.records import Fields, Record, Reject, directory_site  # noqa: F401
from cleaner.learn.induce import LearnedSite, learn_site, too_few  # noqa: F401  (learn_site: re-exported)
from cleaner.learn.params import DEFAULT_PARAMS, MIN_PAGES, LearnParams
from cleaner.learn.profile import SiteProfile, page_lines
from cleaner.learn.spill import SiteProfiles, SiteSamples, SpilledSites
from cleaner.learn.template import HtmlSample, learn_site_html, page_lines_sampled
from cleaner.ruleset.catalog import index_record, write_index
from cleaner.ruleset.loader import FAST_SAFE_LOADER

CHUNK_DOCS = 1000  # records per chunk (a worker's unit of work)
CHUNK_BYTES = 4 << 20
POOL_BYTES = 2 << 20  # smaller inputs are learned inline, without starting a pool
SAMPLE_PAGES = 20  # pages kept per site that has a hand-written file, to check learned rules against it
# A learned file's top-level `signatures:` block (block style: its lines go on indented or as "- " items).
_SIGNATURES_BLOCK = re.compile(r"^signatures:[^\n]*\n(?:[ -][^\n]*(?:\n|$))*", re.M)
REPORT = "learned.json"  # written last into a rules directory: what was learned, and the conflicts
JOURNAL = ".learned-writing"  # the files a pass is writing, each named before it is written

@dataclass(frozen=True)
class LearnOptions:
    fields: Fields = Fields()
    input_format: str | None = None
    site: str | None = None  # one site for every record
    site_field: str | None = None  # a record field naming the site
    default_site: str | None = None  # the site of records without URL (instead of their directory)
    min_pages: int = MIN_PAGES
    params: LearnParams = DEFAULT_PARAMS  # the learner's tunables
    max_doc_bytes: int = 64 << 20
    sample_sites: frozenset[str] = frozenset()  # sites whose first pages are kept (hand-written files)
    chunk_docs: int = CHUNK_DOCS
    chunk_bytes: int = CHUNK_BYTES


def hand_sites(hand) -> frozenset[str]:
    """The site names of a Cleaner's (hand-written) rule sets, as learning names sites: their pages are
    sampled to check learned rules against the hand rules."""
    names = set(hand.index.names)
    for rs in hand.index.rulesets:
        names.update(site_name(d) for d in rs.domains)
    if hand.index.catalog is not None:  # sites loaded on demand: their domains are in the index
        names.update(site_name(d) for d in hand.index.catalog.domains)
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


def profile_chunk(seq: int, items: list, opts: LearnOptions, on_item: Callable[[int], None] | None = None
                  ) -> ChunkResult:
    """One chunk of feed items (Record or Reject) -> per-site profiles (runs in a worker, or inline);
    `on_item(i)` is called before item i."""
    from cleaner.io.readers import load_record

    res = ChunkResult(seq, {})
    for i, item in enumerate(items):
        if on_item is not None:
            on_item(i)
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

    profiles: Mapping[str, SiteProfile]  # (after reading, one-page sites may be spilled: `cleaner.learn.spill`)
    samples: dict[str, list[tuple[str, str | None]]]
    docs: int = 0
    bytes: int = 0
    rejects: list[dict] = field(default_factory=list)  # the first 100
    rejected: int = 0
    elapsed: float = 0.0
    workers: int = 0
    peak_rss: int = 0  # bytes: the largest of the parent's and the workers'
    html: Mapping[str, HtmlSample] = field(default_factory=dict)  # site -> sampled HTML pages
    spill: SpilledSites | None = None  # one-page sites, out of memory while reading


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
    run = LearnRun({}, {}, spill=SpilledSites() if opts.min_pages > 1 else None)
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
    if run.spill is not None:
        run.profiles, run.html = SiteProfiles(run.profiles, run.spill), SiteSamples(run.html, run.spill)
    run.workers = n if parallel else 0
    run.elapsed = time.monotonic() - t0
    run.peak_rss = max(run.peak_rss, _worker_rss())
    return run


class _Cfg:  # what _check_extras reads of a batch config
    compression = None


def _inline(tasks: Iterable, opts: LearnOptions):
    for t in tasks:
        yield profile_chunk(t.seq, t.items, opts)


def _chunk_in_worker(_cleaner, task, job: tuple[LearnOptions, bytes | None], state, _schema) -> ChunkResult:
    """A learning worker's task (`work` of cleaner.batch.pool's WorkerPool): items that killed a worker
    before are rejects; `state` says which item is being read, so that a crash costs only that item.
    `job`: the options and the parent's fault marker (a fork server does not see the parent's environment)."""
    opts, poison = job

    def on_item(i: int) -> None:
        state[0], state[1], state[2] = task.seq, i, time.monotonic()
        if poison is not None and i not in task.skip and poison in _item_bytes(task.items[i]):
            os.kill(os.getpid(), 9)  # a test's simulated worker crash on a record

    items = [Reject.of(it, *task.skip[i]) if i in task.skip and isinstance(it, Record) else it
             for i, it in enumerate(task.items)]
    res = profile_chunk(task.seq, items, opts, on_item)
    res.peak_rss = _worker_rss()
    return res


def _item_bytes(item) -> bytes:
    data = item.data if isinstance(item, Record) else (item[1] if isinstance(item, tuple) else b"")
    return data if isinstance(data, bytes) else str(data).encode("utf-8", "replace")


def _parallel(tasks: Iterable, opts: LearnOptions, n: int):
    """Chunks profiled by `n` processes; yielded in input order, at most 2 x n in flight."""
    return _ordered(_chunk_in_worker, tasks, (opts, _fault_marker()), n)


def _ordered(work, tasks: Iterable, job, n: int):
    """`work(None, task, job, state, None)` of each task in `n` of `clean`'s worker processes
    (`cleaner.batch.pool.in_order`: a dead worker is replaced and costs only its item), in input order."""
    from cleaner.batch.pool import in_order

    return in_order(work, tasks, n, opts=job, preload=("cleaner.learn.driver",))


def _merge(run: LearnRun, res: ChunkResult) -> None:
    run.docs += res.docs
    run.bytes += res.bytes
    run.rejected += len(res.rejects)
    run.rejects += res.rejects[: max(0, 100 - len(run.rejects))]
    run.peak_rss = max(run.peak_rss, res.peak_rss)
    spill = run.spill
    for site in sorted(res.profiles):
        prof = res.profiles[site]
        if spill is not None and site in spill:  # its second page: back into memory
            run.profiles[site], html = spill.take(site)
            if html is not None:
                run.html[site] = html
        if site in run.profiles:
            run.profiles[site].merge(prof)
        else:
            run.profiles[site] = prof
    for site in sorted(res.html):
        if res.html[site].pages:
            run.html.setdefault(site, HtmlSample()).merge(res.html[site])
    if spill is not None:  # a site's first page: out of memory until a second comes (most never do)
        for site in sorted(res.profiles):
            if run.profiles[site].pages == 1 and spill.put(site, run.profiles[site], run.html.get(site)):
                del run.profiles[site]
                run.html.pop(site, None)
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
    checked: bool = field(default=False, compare=False)  # the file written is the text `check_learned` loaded

    def to_dict(self) -> dict:
        s = self.learned
        out = {"site": s.site, "pages": s.pages, "rules": s.rules, "file": self.file, "reason": s.reason,
               "conflicts": self.conflicts, "confidence": s.confidence}
        if self.template is not None:
            out["template"] = self.template
        return out

    @property
    def weak(self) -> list[str]:
        """Why this site's learning failed or is weak (empty: neither)."""
        if self.file is None:
            return [self.learned.reason]
        return list(self.learned.confidence.get("weak", []))


def learn_all(profiles: dict[str, SiteProfile], *, min_pages: int = MIN_PAGES, workers: int = 1,
              params: LearnParams = DEFAULT_PARAMS,
              html: dict[str, HtmlSample] | None = None) -> list[tuple[LearnedSite, str | None, dict | None]]:
    """(`learn_site_html`: the learned site, `check_learned`, its template) for every site, in sorted
    order; sites in parallel with `workers` (compiling and checking a learned file costs more than
    learning it). `html`: the sites' sampled HTML pages, for their templates."""
    from cleaner.batch.feed import Task

    sites = sorted(profiles)
    html = html or {}
    # one-page sites written out of memory while reading: below the page minimum, never read back here
    few = getattr(profiles, "spilled", ()) if min_pages > 1 else ()

    def induce(s: str) -> tuple[LearnedSite, str | None, dict | None]:
        if s in few:
            return too_few(s, 1, min_pages), None, None
        return _induce(profiles[s], min_pages, params, html.get(s))

    # a site below the page minimum is told so at once, here: it is never sent to a worker
    big = [s for s in sites if s not in few and profiles[s].pages >= min_pages and len(profiles[s].sample) >= min_pages]
    if workers <= 1 or len(big) < 2:
        return [induce(s) for s in sites]
    tasks = (Task(i, 0, [(profiles[s], html.get(s))], 0, 0) for i, s in enumerate(big))
    learned = {}
    for seq, induced in _ordered(_induce_in_worker, tasks, (min_pages, params), min(workers, len(big))):
        learned[big[seq]] = induced if induced is not None else _failed(profiles[big[seq]], "its worker died")
    return [learned[s] if s in learned else induce(s) for s in sites]


def _induce(profile: SiteProfile, min_pages: int, params: LearnParams = DEFAULT_PARAMS,
            html: HtmlSample | None = None) -> tuple[LearnedSite, str | None, dict | None]:
    """One site's learning; a failure is that site's outcome (one line), never every site's."""
    try:
        learned, template = learn_site_html(profile, html, min_pages=min_pages, params=params)
        problem = check_learned(learned)
        if problem is None and learned.yaml_text is not None:
            learned = replace(learned, index=index_record(learned.site, learned.yaml_text.encode("utf-8")))
        return learned, problem, template
    except Exception as exc:  # noqa: BLE001  (a bug or a line nothing can hold: this site learns nothing)
        return _failed(profile, f"{type(exc).__name__}: {exc}")


def _failed(profile: SiteProfile, what: str) -> tuple[LearnedSite, None, None]:
    """The outcome of a site whose learning failed (a bug, a killed worker): one line, that site alone."""
    why = f"learning failed: {what}".splitlines()[0]
    return LearnedSite(profile.site, profile.pages, 0, None, why, {"weak": [why]}), None, None


class _Induced(tuple):
    """(seq, (learned, why, template) or None when the site killed its worker): a result `_ordered` can place."""

    @property
    def seq(self) -> int:
        return self[0]


def _induce_in_worker(_cleaner, task, how: tuple[int, LearnParams], state, _schema) -> _Induced:
    state[0], state[1], state[2] = task.seq, 0, time.monotonic()
    if task.skip:
        return _Induced((task.seq, None))
    profile, html = task.items[0]
    return _Induced((task.seq, _induce(profile, *how, html)))


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


def shared_signatures(profiles: dict[str, SiteProfile], learned: list[LearnedSite]) -> dict[str, str]:
    """{site: another site}: the learned sites whose signature line occurs on a page of another site of
    the run (known by URL, directory or name). Such a signature would hand that site's documents without
    URL to this one (a page copying a victim's header line after its article), so it is not learned.

    A signature is one whole line; it is looked up by its line's template in every profile's exact
    counts (the frequent lines; a copied header is on every page that copies it)."""
    from cleaner.learn.profile import KEY_CHARS, template
    from cleaner.ruleset.catalog import signature_key

    owners: dict[str, set[str]] = {}
    for ls in learned:
        for source in _signature_sources(ls.yaml_text):
            key = signature_key(source)
            if key is not None:
                owners.setdefault(template(key)[:KEY_CHARS], set()).add(ls.site)
    shared: dict[str, str] = {}
    if not owners:
        return shared
    for site in sorted(profiles):
        for tmpl in owners.keys() & profiles[site].template_keys():
            for owner in sorted(owners[tmpl] - {site}):
                shared.setdefault(owner, site)
    return shared


def _signature_sources(yaml_text: str | None) -> list[str]:
    """The `regex` of each signature of a learned file's text (its `signatures:` block)."""
    m = _SIGNATURES_BLOCK.search(yaml_text or "")
    if m is None:
        return []
    import yaml

    try:
        doc = yaml.load(m.group(), Loader=FAST_SAFE_LOADER) or {}
    except yaml.YAMLError:  # a file that does not read back is not written anyway (check_learned)
        return []
    return [s["regex"] for s in doc.get("signatures", ()) if isinstance(s, dict) and isinstance(s.get("regex"), str)]


def _without_signature(learned: LearnedSite, other: str) -> LearnedSite:
    """The learned file without its `signatures` block (the rest byte for byte), the reason saying why."""
    text = _SIGNATURES_BLOCK.sub("", learned.yaml_text, count=1)
    return replace(learned, yaml_text=text,
                   reason=f"{learned.reason}; signature left out: its line is on pages of {other}")


def _unwritten(learned: LearnedSite, why: str) -> LearnedSite:
    return replace(learned, rules=0, yaml_text=None, reason=f"{learned.reason}; not written: {why}")


def _write_atomic(path: Path, data: bytes) -> None:
    from cleaner.io.writers import AtomicFile

    f = AtomicFile(path)
    try:
        f.write(data)
        f.commit()
    except BaseException:  # a full disk, a file size limit: no temporary file left behind
        f.discard()
        raise


def report_bytes(outcomes: list[SiteOutcome], run: LearnRun | None = None) -> bytes:
    """`learned.json`: per site what was learned or why not, and the conflicts (deterministic)."""
    doc: dict = {"sites": [o.to_dict() for o in outcomes]}
    if run is not None:
        doc["documents"] = run.docs
        doc["rejected"] = run.rejected
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return replace_surrogates(text)[0].encode("utf-8")  # (a reason may quote a page's broken text)


def learn_outcomes(run: LearnRun, write: Callable[[str, bytes], str | None], *, min_pages: int = MIN_PAGES,
                   hand=None, workers: int = 1, params: LearnParams = DEFAULT_PARAMS) -> list[SiteOutcome]:
    """Learn every site of `run` in sorted order and `write(name, data)` each `<site>.yaml` (it returns
    why it did not write the file, or None).

    A learned file that would not load or whose examples fail is not written (the reason says why).
    `hand`: a Cleaner with the hand-written rules; for its sites, learned rules that would remove a line
    the hand rules keep on the site's sample pages are reported as conflicts.
    """
    from cleaner.learn.conflicts import conflicts_with_hand

    outcomes = []
    kill_after = _fault("learn-write")
    results = learn_all(run.profiles, min_pages=min_pages, workers=workers, params=params, html=run.html)
    shared = shared_signatures(run.profiles, [learned for learned, _, _ in results])
    for learned, problem, template in results:
        checked = problem is None and learned.site not in shared
        if learned.site in shared:
            learned = _without_signature(learned, shared[learned.site])
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
        outcomes.append(SiteOutcome(learned, file, conflicts, template if file else None, checked and file is not None))
    return outcomes


def learn_to_dir(run: LearnRun, out_dir: Path, *, min_pages: int = MIN_PAGES, hand=None,
                 workers: int | None = None, params: LearnParams = DEFAULT_PARAMS) -> list[SiteOutcome]:
    """Learn every site of `run` into `out_dir`: the rule files, then `learned.json` (see `learn_outcomes`).

    Each file is named in `JOURNAL` before it is written, so that the files of a pass killed midway are
    known as learned ones (replaced or removed by the next pass, never refused as hand-written), and the
    temporary files of a killed pass are removed."""
    from cleaner.io.writers import sweep_orphaned_temporaries

    out_dir.mkdir(parents=True, exist_ok=True)
    journal = out_dir / JOURNAL
    earlier = _files_of_report(out_dir / REPORT) | _files_of_journal(journal)
    sweep_orphaned_temporaries(out_dir)

    with open(journal, "a", encoding="utf-8") as names:
        def write(name: str, data: bytes) -> str | None:
            if name not in earlier and (out_dir / name).exists():
                return (f"{out_dir / name} exists and was not learned here (a hand-written file?); "
                        f"learn into another directory")
            names.write(name + "\n")
            names.flush()  # in the file system before the file is: a kill loses neither
            _write_atomic(out_dir / name, data)
            return None

        workers = run.workers if workers is None else workers  # a run too small for a pool learns inline too
        outcomes = learn_outcomes(run, write, min_pages=min_pages, hand=hand, workers=workers, params=params)
        _write_atomic(out_dir / REPORT, report_bytes(outcomes, run))
    for name in earlier - {o.file for o in outcomes}:  # learned before, not now: remove (never other files)
        (out_dir / name).unlink(missing_ok=True)
    journal.unlink(missing_ok=True)
    # what loading on demand reads (checked against each file's size and mtime); check_learned loaded
    # (schema-checked) the files written as they are
    checked = {o.file[:-5]: o.learned.index for o in outcomes if o.checked}
    write_index(out_dir, checked=checked, write=_write_atomic,
                known={stem: rec for stem, rec in checked.items() if rec is not None})
    return outcomes


def _files_of_journal(path: Path) -> set[str]:
    try:
        names = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return set()
    return {n for n in names if n.endswith(".yaml") and "/" not in n and not n.startswith(".")}


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
