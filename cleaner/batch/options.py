"""The options of a batch run: one object, given to the plan, the feed, the workers and the sink."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..io.readers import DEFAULT_MAX_DOC_BYTES
from ..io.records import Fields
from ..io.writers import OUTPUTS, Output


@dataclass
class BatchConfig:
    """What `cleaner clean` was asked to do. A new option is one field here (and, when it changes the
    output, one key in `output_config`)."""

    paths: list[str] = field(default_factory=list)
    out: Path | None = None
    out_format: str | None = "auto"  # "auto" | "text" | "jsonl" | "parquet" (resolved by the plan)
    compression: str | None = None
    input_format: str | None = None
    fields: Fields = Fields()
    site: str | None = None
    date: str | None = None  # every document's date (yyyy-mm-dd): picks a site's layout (else the date field)
    url: str | None = None  # the URL of documents that have none (--url)
    site_from_directory: bool = False  # --learn: a record without URL falls back to its directory's site
    trace: bool = False
    workers: int = 0  # 0: all cores
    timeout: float | None = 5.0
    drop_empty: bool = False
    restart: bool = False
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES
    light: bool = True  # clean small inputs inline, without a pool
    rules: str | None = None  # recorded in OUT/.cleaner/config.json only
    find_article: bool = True  # the article finder on text of sites without rules (recorded when off)
    task_docs: int = 64  # documents per task handed to a worker
    task_bytes: int = 512 << 10  # ... or fewer, when they reach this many bytes

    def output(self) -> Output:
        """The output format (`out_format` must be resolved)."""
        return OUTPUTS[self.out_format](self.compression, self.trace)

    def output_config(self) -> dict:
        """The options that shape the output: a rerun into the same OUT must use the same."""
        f = self.fields
        return {
            "out_format": self.out_format, "compression": self.compression, "input_format": self.input_format,
            "fields": [f.text, f.html, f.url, f.id, f.date], "site": self.site, "date": self.date, "trace": self.trace,
            "drop_empty": self.drop_empty, "rules": self.rules,
            **({"url": self.url} if self.url else {}),  # absent unless given: earlier runs' OUT still resume
            **({} if self.find_article else {"find_article": False}),  # OUTs made before the option still match
        }
