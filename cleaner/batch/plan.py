"""The plan of a run: input paths -> shards, each with its output name(s) and a fingerprint.

A shard is the unit of output and of resume: one container file (JSONL, WARC, Parquet), or a group of
up to FILES_PER_SHARD document files (text/HTML) from one directory. Output mirrors the input tree.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..io.compression import suffix
from ..io.formats import DOC_FORMATS, InputFile, discover, split_name

FILES_PER_SHARD = 2000
OUT_FORMATS = ("text", "jsonl", "parquet")


class PlanError(ValueError):
    """The inputs or the output layout are unusable (a usage error, one line)."""


@dataclass
class Shard:
    key: str  # stable, unique within a run: the output path relative to OUT
    kind: str  # "files" | "jsonl" | "warc" | "parquet" | "stdin"
    source: str  # the input as shown to the user (and written to `source` fields)
    files: list[InputFile] = field(default_factory=list)  # kind "files": the documents; else the one file
    out: str = ""  # output relative to OUT: a file (jsonl/parquet) or a directory (text from a container)
    text_names: list[str] = field(default_factory=list)  # kind "files": mirrored .txt name of each file
    size: int = 0  # raw input bytes, for progress
    forced_text: bool = False  # --input-format text: no HTML sniffing
    stdin_format: str | None = None  # kind "stdin": "jsonl" | "warc" | "text" | "html" | "auto" (one document)

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha1()
        for f in self.files:
            h.update(f"{f.rel}\0{f.size}\0{f.mtime_ns}\n".encode("utf-8", "surrogateescape"))
        return h.hexdigest()[:16]

    @property
    def path(self) -> Path | None:
        return self.files[0].path if self.files and self.kind != "files" else None


@dataclass
class Plan:
    shards: list[Shard]
    skipped: list[Path]  # files of unknown format found while walking directories
    out_format: str

    @property
    def total_bytes(self) -> int:
        return sum(s.size for s in self.shards)


def resolve_out_format(out_format: str | None, kinds: set[str], one_doc=frozenset({"files"})) -> str:
    """`auto`: text when every input is a document file, else jsonl."""
    if out_format in (None, "auto"):
        return "text" if kinds <= one_doc else "jsonl"
    if out_format not in OUT_FORMATS:
        raise PlanError(f"unknown output format {out_format!r}; allowed: {', '.join(OUT_FORMATS)}")
    return out_format


def make_plan(
    paths: list[str],
    *,
    out_dir: Path | None,
    out_format: str | None = "auto",
    compression: str | None = None,
    input_format: str | None = None,
) -> Plan:
    """Shards for `paths` (files, directories walked recursively, or "-" for stdin)."""
    shards: list[Shard] = []
    skipped: list[Path] = []
    many = len(paths) > 1
    for arg in paths:
        if arg == "-":
            if input_format == "parquet":
                raise PlanError("Parquet cannot be read from stdin: pass the file path")
            shards.append(Shard("stdin", "stdin", "-", stdin_format=input_format or sniff_stdin()))
            continue
        root = Path(arg)
        if not root.exists():
            raise PlanError(f"no such file or directory: {arg}")
        files, skip = discover(root, input_format=input_format, exclude=out_dir)
        skipped += skip
        if root.is_file() and not files:
            raise PlanError(f"cannot tell the format of {arg} from its name: pass --input-format")
        prefix = PurePosixPath(root.resolve().name) if many and root.is_dir() else PurePosixPath()
        shards += _shards_for(root, files, prefix, input_format == "text")
    one_doc = {"files", "text", "html", "auto"}
    fmt = resolve_out_format(out_format, {s.stdin_format if s.kind == "stdin" else s.kind for s in shards}, one_doc)
    if fmt == "text" and compression:
        raise PlanError("--compression applies to jsonl output only")
    _name_outputs(shards, fmt, compression)
    if out_dir is not None:
        seen: dict[str, str] = {}
        for s in shards:
            if s.out in seen:
                raise PlanError(f"{s.source} and {seen[s.out]} would both be written to {s.out}")
            seen[s.out] = s.source
    return Plan(shards, skipped, fmt)


def sniff_stdin() -> str:
    """stdin's format from its first bytes (not consumed): WARC, JSONL (compressed, or starting with
    "{"), else one document."""
    from ..io.compression import sniff
    from ..io.readers import stdin_stream

    head = stdin_stream().peek(64)[:64]
    if head.startswith(b"WARC/"):
        return "warc"
    if sniff(head) or head.lstrip().startswith(b"{"):
        return "jsonl"
    return "auto"


def _shards_for(root: Path, files: list[InputFile], prefix: PurePosixPath, forced_text: bool) -> list[Shard]:
    shards: list[Shard] = []
    groups: dict[str, list[InputFile]] = {}
    for f in files:
        rel = str(prefix / f.rel)
        f = InputFile(f.path, rel, f.format, f.size, f.mtime_ns)
        if f.format in DOC_FORMATS:
            groups.setdefault(str(PurePosixPath(rel).parent), []).append(f)
        else:
            shards.append(Shard(rel, f.format, str(f.path), [f], size=f.size))
    for d, group in groups.items():
        names = _text_names(group)
        for k in range(0, len(group), FILES_PER_SHARD):
            part = group[k : k + FILES_PER_SHARD]
            key = str(PurePosixPath(d) / f"texts-{k // FILES_PER_SHARD:05d}")
            shards.append(Shard(key, "files", str(root), part, size=sum(f.size for f in part),
                                forced_text=forced_text, text_names=names[k : k + FILES_PER_SHARD]))
    shards.sort(key=lambda s: s.key)
    return shards


def _name_outputs(shards: list[Shard], fmt: str, compression: str | None) -> None:
    ext = {"jsonl": ".jsonl" + suffix(compression), "parquet": ".parquet", "text": ""}[fmt]
    for s in shards:
        if s.kind == "stdin":
            s.out = "stdin" + ext
        elif s.kind == "files":
            s.out = s.key + ext  # text: the documents are mirrored one by one, see `text_names`
        else:
            stem = split_name(PurePosixPath(s.key).name)[0]
            s.out = str(PurePosixPath(s.key).parent / stem) + ext


def _text_names(files: list[InputFile]) -> list[str]:
    """Mirrored .txt names for document files (`a.html.gz` -> `a.txt`); `a.html` next to `a.txt`
    becomes `a.html.txt`."""
    names = [str(PurePosixPath(f.rel).with_name(split_name(PurePosixPath(f.rel).name)[0] + ".txt"))
             for f in files]
    counts = Counter(names)
    return [f.rel + ".txt" if counts[n] > 1 and not f.rel.endswith(".txt") else n for n, f in zip(names, files)]
