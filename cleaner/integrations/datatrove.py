"""datatrove integration: a `PipelineStep` that cleans Documents, and a reader for text-file directories.

Needs `pip install 'cleaner[datatrove]'`. Example (a script: datatrove starts its workers with
forkserver, so the entry point needs the `__main__` guard)::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerStep

    if __name__ == "__main__":
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader("dump/"),                      # url in doc.metadata["url"]
                CleanerStep(exclusion_writer=JsonlWriter("out/empty/")),
                JsonlWriter("out/clean/"),
            ],
            tasks=64, workers=16, logging_dir="logs/clean",
        ).run()

The same pipeline list runs unchanged on a cluster:

* Slurm: ``SlurmPipelineExecutor(pipeline=..., tasks=1000, time="10:00:00", partition="cpu",
  cpus_per_task=1, mem_per_cpu_gb=2, logging_dir="s3://bucket/logs/clean", job_name="clean")`` - every
  task is one Slurm array job; paths may be any fsspec URL (s3://, hf://) that all nodes can reach.
  Rerunning the same script skips completed tasks (skip_completed=True is the default).
* Ray: ``RayPipelineExecutor(pipeline=..., tasks=1000, workers=-1, logging_dir="s3://bucket/logs/clean",
  cpus_per_task=1)`` after ``ray.init()`` (or on a running cluster with ``ray.init(address="auto")``).

In both cases the step is pickled and sent to the workers; the Cleaner (rules) is built lazily in each
worker, from `rules` (a directory every node can read; None: the rules shipped in the wheel).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..decode import decode_bytes
from ..io._extras import require

require("datatrove", "the datatrove integration")

from datatrove.data import Document, DocumentsPipeline  # noqa: E402
from datatrove.pipeline.base import PipelineStep  # noqa: E402
from datatrove.pipeline.readers.base import BaseDiskReader  # noqa: E402
from datatrove.utils.typeshelper import StatHints  # noqa: E402


class CleanerStep(PipelineStep):
    """Clean each Document's text with `cleaner` (text or HTML).

    The URL is read from `doc.metadata[url_key]`, the document's date (which picks a site's layout) from
    `doc.metadata[date_key]`; the step stores `site`, `title`, `site_reason` (as in `cleaner clean`'s
    records: how the site's rules were chosen and, for HTML, the learned template that took the page or
    why it fell back) and the page
    metadata (`cleaner_metadata`: author, publisher, date, ...) in `doc.metadata`. Rule hits are counted
    as `rule:<id>` stats. Documents left empty (and those a rule's regex timed out on) are dropped and,
    with `exclusion_writer`, written there with `metadata["filter_reason"]`. `find_article=False` turns
    off the article finder (on text of sites without rules).
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: str | Path | list | None = None, *, url_key: str = "url", format: str = "auto",
                 site: str | None = None, exclusion_writer=None, date_key: str = "date", find_article: bool = True):
        super().__init__()
        # a list layers several directories (hand-written, then learned: see cleaner.ruleset.layers)
        self.rules = [str(r) for r in rules] if isinstance(rules, (list, tuple)) else (
            str(rules) if rules is not None else None)
        self.url_key, self.date_key, self.format, self.site = url_key, date_key, format, site
        self.exclusion_writer = exclusion_writer
        self.find_article = find_article
        self._cleaner = None

    @property
    def cleaner(self):
        if self._cleaner is None:
            from cleaner import Cleaner

            # the one loader of every command: learned directories go on the shipped rules, and their
            # sites load on demand (a task over 100k learned sites starts in seconds)
            self._cleaner = Cleaner.from_rules(self.rules, find_article=self.find_article)
        return self._cleaner

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cleaner"] = None  # built again in the worker
        return state

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from cleaner import RuleTimeout

        cleaner = self.cleaner
        writer_cm = self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext()
        with writer_cm as writer:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    try:
                        date = doc.metadata.get(self.date_key)
                        res = cleaner.clean(doc.text, url=doc.metadata.get(self.url_key), site=self.site,
                                            format=self.format, date=date if isinstance(date, str) else None)
                    except RuleTimeout as exc:
                        res, reason = None, f"rule_timeout: {exc.rule_id}"
                if res is not None:
                    for t in res.trace:
                        self.stat_update(f"rule:{t.rule}")
                    doc.text = res.text
                    doc.metadata["site"] = res.site
                    doc.metadata["title"] = res.title
                    doc.metadata["site_reason"] = res.site_reason  # how the site was chosen; the template
                    doc.metadata["cleaner_metadata"] = dict(res.metadata)
                    reason = None if res.text else "empty"
                if reason is None:
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.stat_update(StatHints.dropped, f"dropped_{reason.split(':')[0]}")
                    if writer is not None:
                        doc.metadata["filter_reason"] = reason
                        writer.write(doc, rank)


class TextFilesReader(BaseDiskReader):
    """One Document per file of a directory tree (default: `*.txt`, `*.html`, `*.htm`).

    The id is the path relative to `data_folder`; the text is the file decoded by `cleaner.decode` (BOM,
    an HTML page's meta charset, UTF-8, then a detector). Files are split between tasks as datatrove does
    for any reader.
    """

    name = "📄 text files"

    def __init__(self, data_folder, *, glob_pattern: str | None = None, extensions=(".txt", ".html", ".htm"),
                 **kwargs):
        super().__init__(data_folder, glob_pattern=glob_pattern, **kwargs)
        self.extensions = tuple(extensions)

    def read_files_shard(self, shard: list[str]):
        return super().read_files_shard([p for p in shard if p.lower().endswith(self.extensions)])

    def read_file(self, filepath: str):
        with self.data_folder.open(filepath, "rb") as f:
            raw = f.read()
        with self.track_time():
            text = decode_bytes(raw, html=filepath.lower().endswith((".html", ".htm"))).text
            document = self.get_document_from_dict({"text": text, "id": filepath}, filepath, 0)
        if document is not None:
            yield document


PROFILES = ".profiles"


class LearnSignature(PipelineStep):
    """Learning, stage 1 of 3 (in the style of datatrove's sentence dedup): each task builds per-site
    profiles of its documents and writes them to `output_folder/<bucket:04d>/<rank:05d>.profiles`
    (pickled; a site's bucket is fixed by its name, one bucket per task of `LearnMerge`).

    A document's site: `site` (one for all), else `metadata[site_key]`, else the URL's registrable domain
    (`metadata[url_key]`), else the directory of `metadata["file_path"]` (as `<directory>.local`).
    Documents are consumed, not passed on: run `CleanerStep` in a later pipeline (stage 3).
    """

    name = "🧠 learn: site profiles"
    type = "🧹 - LEARN"

    def __init__(self, output_folder, *, merge_tasks: int = 1, url_key: str = "url", site_key: str | None = None,
                 site: str | None = None, rules=None):
        from datatrove.io import get_datafolder

        super().__init__()
        if merge_tasks < 1:
            raise ValueError("merge_tasks must be >= 1 (and LearnMerge must run with as many tasks)")
        self.output_folder = get_datafolder(output_folder)
        self.merge_tasks, self.url_key, self.site_key, self.site = merge_tasks, url_key, site_key, site
        self.rules = rules  # hand-written rules (default: shipped): their sites' first pages are kept

    def _site(self, doc: Document) -> str:
        from cleaner.learn.driver import directory_site, site_name

        meta = doc.metadata
        for value in (self.site, meta.get(self.site_key) if self.site_key else None, meta.get(self.url_key)):
            if value is not None and str(value).strip():
                return site_name(str(value))
        return directory_site(str(meta["file_path"])) if meta.get("file_path") else "unknown.local"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        import pickle

        from cleaner.io.records import Record
        from cleaner.learn.driver import SAMPLE_PAGES, hand_sites, record_lines, site_bucket
        from cleaner.learn.profile import SiteProfile
        from cleaner.learn.template import HtmlSample

        sample_sites = hand_sites(_load(self.rules))
        profiles: dict[str, SiteProfile] = {}
        html: dict[str, HtmlSample] = {}  # site -> sampled HTML pages (its template)
        samples: dict[str, list] = {}
        docs = 0
        for doc in data or ():
            self.stat_update(StatHints.total)
            with self.track_time():
                site = self._site(doc)
                lines = record_lines(Record(str(doc.id), 0, doc.text), html.setdefault(site, HtmlSample()))
                if not lines:  # an empty page says nothing about the site's chrome (as in `cleaner learn`)
                    continue
                prof = profiles.get(site)
                if prof is None:
                    prof = profiles[site] = SiteProfile(site)
                prof.add_page(lines)
                docs += 1
                if site in sample_sites and len(samples.setdefault(site, [])) < SAMPLE_PAGES:
                    samples[site].append(("\n".join(lines), doc.metadata.get(self.url_key)))
        for bucket in range(self.merge_tasks):
            mine = sorted(s for s in profiles if site_bucket(s, self.merge_tasks) == bucket)
            payload = {"docs": docs if bucket == 0 else 0, "profiles": {s: profiles[s] for s in mine},
                       "samples": {s: samples[s] for s in mine if s in samples},
                       "html": {s: html[s] for s in mine if s in html and html[s].pages}}
            with self.output_folder.open(f"{bucket:04d}/{rank:05d}{PROFILES}", mode="wb") as f:
                pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
        return
        yield  # a generator, as datatrove steps are


class LearnMerge(PipelineStep):
    """Learning, stage 2 of 3: merges the profiles of its bucket (run with `tasks=merge_tasks`) per site,
    in rank order, learns each site and writes `<site>.yaml` and `learned-<rank:04d>.json` (what was
    learned, why not, conflicts with the hand-written rules) to `output_folder` - a rules directory for
    `CleanerStep(rules=...)`, which layers it on the shipped rules. Same documents, same bytes.
    """

    name = "🧠 learn: merge and induce"
    type = "🧹 - LEARN"

    def __init__(self, data_folder, output_folder, *, min_pages: int = 3, rules=None, params=None):
        from datatrove.io import get_datafolder

        super().__init__()
        self.data_folder, self.output_folder = get_datafolder(data_folder), get_datafolder(output_folder)
        self.min_pages, self.rules, self.params = min_pages, rules, params  # params: a LearnParams, or defaults

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        import pickle

        from cleaner.learn.driver import ChunkResult, LearnRun, _merge, learn_outcomes, report_bytes

        run = LearnRun({}, {})
        with self.track_time():
            files = sorted(self.data_folder.list_files(subdirectory=f"{rank:04d}", glob_pattern="*" + PROFILES))
            for i, path in enumerate(files):
                with self.data_folder.open(path, "rb") as f:
                    payload = pickle.load(f)
                _merge(run, ChunkResult(i, payload["profiles"], payload["docs"], samples=payload["samples"],
                                        html=payload.get("html", {})))

            def write(name: str, data: bytes) -> None:  # the merge stage owns its output folder
                with self.output_folder.open(name, "wb") as f:
                    f.write(data)

            extra = {"params": self.params} if self.params is not None else {}
            outcomes = learn_outcomes(run, write, min_pages=self.min_pages, hand=_load(self.rules), **extra)
            write(f"learned-{rank:04d}.json", report_bytes(outcomes, run))
            local = _local_path(self.output_folder)
            if local is not None:  # the index CleanerStep loads sites on demand by (elsewhere: read from the files)
                from cleaner.ruleset.catalog import write_index

                write_index(local, [o.file[:-5] for o in outcomes if o.file], name=f"index-{rank:04d}.json",
                            checked={o.file[:-5] for o in outcomes if o.checked})  # (loaded as written)
        for o in outcomes:
            self.stat_update("sites")
            if o.file:
                self.stat_update("sites_learned")
            if o.conflicts:
                self.stat_update("sites_with_conflicts")
        return
        yield


def _local_path(folder) -> Path | None:
    """The local directory of a datatrove DataFolder, or None for a remote one."""
    protocol = getattr(folder.fs, "protocol", None)
    local = protocol == "file" or (isinstance(protocol, tuple) and "file" in protocol)
    return Path(folder.path) if local else None


def _load(rules):
    from cleaner import Cleaner

    return Cleaner.from_rules(rules)


__all__ = ["CleanerStep", "LearnMerge", "LearnSignature", "TextFilesReader", "Document"]
