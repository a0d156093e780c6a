"""The plan of a run: input paths -> shards, each with its output name(s) and a fingerprint.

A shard is the unit of output and of resume: one container file (JSONL, WARC, Parquet), or a group of
up to FILES_PER_SHARD document files (text/HTML) from one directory. Output mirrors the input tree.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..io.writers import OUTPUTS
from ..io.formats import DOC_FORMATS, InputFile, discover, doc_files, not_a_file, split_name, walk_inputs

FILES_PER_SHARD = 2000
MAX_SKIPPED_SHOWN = 20  # unknown-format files kept by name for the message; all are counted
OUT_FORMATS = tuple(OUTPUTS)  # "jsonl", "parquet", "text"


class PlanError(ValueError):
    """The inputs or the output layout are unusable (a usage error, one line)."""


@dataclass(frozen=True)
class FileGroup:
    """Up to FILES_PER_SHARD document files of one directory: the [start, stop) slice of its sorted
    listing. The files are listed again when read, so a plan holds no per-file data."""

    directory: Path
    rel: str  # the directory's posix path under OUT (with the input's prefix)
    start: int
    stop: int
    listed: int  # document files in the directory when planned: a changed directory is detected
    input_format: str | None
    only: tuple[str, str] | None = None  # (name, format) of a file given by itself: no listing
    planned: int = 0  # when the plan was made: listings are cached per plan, never across plans

    def files(self) -> list[tuple[Path, str]]:
        """(path, format) of the group's files."""
        if self.only is not None:
            return [(self.directory / self.only[0], self.only[1])]
        listing = _listing(self.directory, self.input_format, self.planned)
        if len(listing) != self.listed:
            raise OSError(f"{self.directory} changed during the run ({self.listed} files planned, "
                          f"{len(listing)} now)")
        return [(self.directory / name, fmt) for name, fmt in listing[self.start : self.stop]]

    def text_names(self) -> list[str]:
        """Mirrored .txt names (relative to OUT) of the group's files."""
        if self.only is not None:
            return [f"{self.rel}/{n}" if self.rel else n for n in _text_names([self.only[0]])]
        names = _text_names([name for name, _ in _listing(self.directory, self.input_format, self.planned)])
        prefix = f"{self.rel}/" if self.rel else ""
        return [prefix + n for n in names[self.start : self.stop]]


@functools.lru_cache(maxsize=4)  # shards of one directory come one after another (feed and sink each)
def _listing(directory: Path, input_format: str | None, planned: int) -> list[tuple[str, str]]:
    return doc_files(directory, input_format)


def _hash_files(files) -> str:
    """What resume compares: the (name, size, mtime) of a shard's input files, hashed."""
    h = hashlib.sha1()
    for name, size, mtime_ns in files:
        h.update(f"{name}\0{size}\0{mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:16]


@dataclass
class Shard:
    key: str  # stable, unique within a run: the output path relative to OUT
    kind: str  # "files" | "jsonl" | "warc" | "parquet" | "stdin"
    source: str  # the input as shown to the user (and written to `source` fields)
    files: list[InputFile] = field(default_factory=list)  # containers: the one file
    out: str = ""  # output relative to OUT: a file (jsonl/parquet) or a directory (text from a container)
    group: FileGroup | None = None  # kind "files": the documents
    digest: str = ""  # kind "files": fingerprint of the group's names, sizes and mtimes, taken when planned
    size: int = 0  # raw input bytes, for progress
    stdin_format: str | None = None  # kind "stdin": "jsonl" | "warc" | "text" | "html" | "auto" (one document)

    @property
    def fingerprint(self) -> str:
        if self.group is not None:
            return self.digest
        return _hash_files((f.rel, f.size, f.mtime_ns) for f in self.files)

    @property
    def path(self) -> Path | None:
        return self.files[0].path if self.files and self.kind != "files" else None


@dataclass
class Plan:
    shards: list[Shard]
    skipped: list[Path]  # the first files of unknown format found while walking directories
    out_format: str
    skipped_count: int = 0  # all of them
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # FIFOs, dangling links, ... in directories


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
    found = _Found()
    planned = time.monotonic_ns()
    many = len(paths) > 1
    singles: list[tuple[Shard, Path]] = []  # shards of files given by themselves, named for the file
    for arg in paths:
        if arg == "-":
            if input_format == "parquet":
                raise PlanError("Parquet cannot be read from stdin: pass the file path")
            shards.append(Shard("stdin", "stdin", "-", stdin_format=input_format or sniff_stdin()))
            continue
        root = Path(arg)
        _check_input(arg, root)
        if root.is_file():
            files, _ = discover(root, input_format=input_format)
            if not files:
                raise PlanError(f"cannot tell the format of {arg} from its name: pass --input-format")
            for shard in _container_or_group(root, files[0], input_format):
                shards.append(shard)
                singles.append((shard, root))
            continue
        prefix = root.resolve().name if many else ""
        shards += found.walk(root, prefix, input_format, out_dir, planned)
    _disambiguate(singles)
    one_doc = {"files", "text", "html", "auto"}
    fmt = resolve_out_format(out_format, {s.stdin_format if s.kind == "stdin" else s.kind for s in shards}, one_doc)
    if fmt == "text" and compression:
        raise PlanError("--compression applies to jsonl output only")
    _name_outputs(shards, fmt, compression)
    if out_dir is not None:
        _check_outputs_apart(shards)
    return Plan(shards, found.skipped, fmt, found.skipped_count, found.unreadable)


def _check_input(arg: str, root: Path) -> None:
    """A one-line PlanError for an input path that is missing, not a regular file or directory, or unreadable."""
    if not root.exists():
        if root.is_symlink():
            raise PlanError(f"{arg}: dangling symbolic link (to {os.readlink(root)})")
        raise PlanError(f"no such file or directory: {arg}")
    why = not_a_file(root)
    if why is not None:
        hint = f"; to read a pipe: cleaner clean - < {arg}" if "FIFO" in why else ""
        raise PlanError(f"{arg}: {why}{hint}")
    if not os.access(root, os.R_OK | (os.X_OK if root.is_dir() else 0)):
        raise PlanError(f"{arg}: permission denied")


class _Found:
    """What walking the input directories found besides shards: the files of unknown format skipped (the
    first few, and how many) and the entries that cannot be read."""

    def __init__(self):
        self.skipped: list[Path] = []
        self.skipped_count = 0
        self.unreadable: list[tuple[Path, str]] = []

    def walk(self, root: Path, prefix: str, input_format: str | None, out_dir: Path | None,
             planned: int) -> list[Shard]:
        """The shards of a directory's files (sorted by key), under `prefix`."""
        found = []
        for d, rel, files, skip in walk_inputs(root, input_format=input_format, exclude=out_dir,
                                               unreadable=self.unreadable):
            if len(self.skipped) < MAX_SKIPPED_SHOWN:
                self.skipped += skip[: MAX_SKIPPED_SHOWN - len(self.skipped)]
            self.skipped_count += len(skip)
            found += _shards_for(d, "/".join(p for p in (prefix, rel) if p), files, input_format, planned)
        return sorted(found, key=lambda sh: sh.key)


def _check_outputs_apart(shards: list[Shard]) -> None:
    """A PlanError where two shards would be written to one output (or an input is given twice)."""
    seen: dict[str, str] = {}
    for s in shards:
        if s.out in seen:
            if s.source == seen[s.out]:
                raise PlanError(f"{s.source} is given twice")
            raise PlanError(f"{s.source} and {seen[s.out]} would both be written to {s.out}")
        seen[s.out] = s.source


def sniff_stdin() -> str:
    """stdin's format from its first bytes (not consumed): WARC (plain or gzip'd), JSONL (starting with
    "{", or any other compressed stream), else one document."""
    from ..io.compression import peek_decompressed, sniff
    from ..io.readers import stdin_stream

    head = stdin_stream().peek(_STDIN_SNIFF)[:_STDIN_SNIFF]
    compression = sniff(head)
    if compression:
        head = peek_decompressed(head, compression)
    if head.startswith(b"WARC/"):
        return "warc"
    if compression or head.lstrip().startswith(b"{"):
        return "jsonl"
    return "auto"


_STDIN_SNIFF = 4096  # bytes of stdin looked at (decompressed, a WARC header shows in the first few dozen)


def _shards_for(d: Path, rel: str, files: list[tuple[str, str, os.stat_result]], input_format: str | None,
                planned: int) -> list[Shard]:
    """One directory's shards: a shard per container file, and groups of its document files."""
    shards: list[Shard] = []
    docs = []
    for name, fmt, st in files:
        key = f"{rel}/{name}" if rel else name
        if fmt in DOC_FORMATS:
            docs.append((key, st))
        else:
            shards.append(Shard(key, fmt, str(d / name), [InputFile(d / name, key, fmt, st.st_size, st.st_mtime_ns)],
                                size=st.st_size))
    for k in range(0, len(docs), FILES_PER_SHARD):
        part = docs[k : k + FILES_PER_SHARD]
        group = FileGroup(d, rel, k, k + len(part), len(docs), input_format, planned=planned)
        shards.append(Shard(str(PurePosixPath(rel) / f"texts-{k // FILES_PER_SHARD:05d}"), "files", str(d),
                            group=group, digest=_hash_files((key, st.st_size, st.st_mtime_ns) for key, st in part),
                            size=sum(st.st_size for _, st in part)))
    return shards


def _container_or_group(path: Path, f: InputFile, input_format: str | None) -> list[Shard]:
    """The shard of an input given as a file: a container, or a group of one document."""
    if f.format not in DOC_FORMATS:
        return [Shard(f.rel, f.format, str(path), [f], size=f.size)]
    group = FileGroup(path.parent, "", 0, 1, 1, input_format, only=(path.name, f.format))
    # named for the file, so that several files given by themselves do not share an output
    return [Shard(split_name(path.name)[0], "files", str(path), group=group,
                  digest=_hash_files([(f.rel, f.size, f.mtime_ns)]),
                  size=f.size)]


def _disambiguate(singles: list[tuple[Shard, Path]]) -> None:
    """Files given by themselves that share a name (`d/a.txt e/a.txt`) are named under as many of their
    parent directories as tell them apart (`d/a`, `e/a`)."""
    counts = Counter(s.key for s, _ in singles)
    clashing = [(s, p.resolve().parent.parts[1:]) for s, p in singles if counts[s.key] > 1]
    if not clashing:
        return
    for depth in range(1, max(len(parts) for _, parts in clashing) + 1):
        keys = ["/".join((*parts[len(parts) - depth:], s.key)) for s, parts in clashing]
        if len(set(keys)) == len(keys):
            break  # the same file given twice stays a clash, reported by make_plan
    for (s, _), key in zip(clashing, keys):
        s.key = key
        if s.group is not None:
            s.group = replace(s.group, rel=str(PurePosixPath(key).parent))


def _name_outputs(shards: list[Shard], fmt: str, compression: str | None) -> None:
    ext = OUTPUTS[fmt](compression).suffix()
    for s in shards:
        if s.kind == "stdin":
            s.out = "stdin" + ext
        elif s.kind == "files":
            s.out = s.key + ext  # text: the documents are mirrored one by one, see `text_names`
        else:
            s.out = str(PurePosixPath(s.key).parent / _output_stem(PurePosixPath(s.key).name)) + ext


def _output_stem(name: str) -> str:
    """The output name of a container, without suffix: `a.jsonl.gz` -> `a`; a Common Crawl WET file
    `a.warc.wet.gz` -> `a.wet` (not `a.warc`: it holds no WARC; beside `a.warc.gz`'s `a`)."""
    stem = split_name(name)[0]
    if name[len(stem) + 1:].lower().split(".")[0] == "wet":  # the suffix after the stem: "wet.gz"
        return (stem[:-5] if stem.lower().endswith(".warc") else stem) + ".wet"
    return stem


def _text_names(names: list[str]) -> list[str]:
    """Mirrored .txt names for document file names (`a.html.gz` -> `a.txt`); `a.html` next to `a.txt`
    becomes `a.html.txt`."""
    txt = [split_name(n)[0] + ".txt" for n in names]
    counts = Counter(txt)
    return [n + ".txt" if counts[t] > 1 and not n.endswith(".txt") else t for t, n in zip(txt, names)]
