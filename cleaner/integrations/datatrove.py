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

    The URL is read from `doc.metadata[url_key]`; the step stores `site`, `title` and the page
    metadata (`cleaner_metadata`: author, publisher, date, ...) in `doc.metadata`. Rule hits are counted
    as `rule:<id>` stats. Documents left empty (and those a rule's regex timed out on) are dropped and,
    with `exclusion_writer`, written there with `metadata["filter_reason"]`.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: str | Path | None = None, *, url_key: str = "url", format: str = "auto",
                 site: str | None = None, exclusion_writer=None):
        super().__init__()
        self.rules = str(rules) if rules is not None else None
        self.url_key, self.format, self.site = url_key, format, site
        self.exclusion_writer = exclusion_writer
        self._cleaner = None

    @property
    def cleaner(self):
        if self._cleaner is None:
            from cleaner import Cleaner

            self._cleaner = Cleaner.from_rules(self.rules)
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
                        res = cleaner.clean(doc.text, url=doc.metadata.get(self.url_key), site=self.site,
                                            format=self.format)
                    except RuleTimeout as exc:
                        res, reason = None, f"rule_timeout: {exc.rule_id}"
                if res is not None:
                    for t in res.trace:
                        self.stat_update(f"rule:{t.rule}")
                    doc.text = res.text
                    doc.metadata["site"] = res.site
                    doc.metadata["title"] = res.title
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


__all__ = ["CleanerStep", "TextFilesReader", "Document"]
