"""Input format detection from file names, and recursive discovery of input files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

INPUT_FORMATS = ("text", "html", "jsonl", "warc", "parquet")
#: formats where one file is one document; the others are containers of many records
DOC_FORMATS = ("text", "html")

_COMPRESSED = (".gz", ".zst", ".zstd")
_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".arc": "warc",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def split_name(name: str) -> tuple[str, str | None, str | None]:
    """`"a.jsonl.gz"` -> `("a", "jsonl", "gzip")`: stem, detected format and compression."""
    compression = None
    lower = name.lower()
    for ext, comp in ((".gz", "gzip"), (".zst", "zstd"), (".zstd", "zstd")):
        if lower.endswith(ext):
            compression, name, lower = comp, name[: -len(ext)], lower[: -len(ext)]
            break
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, None, compression
    return stem, _BY_SUFFIX.get("." + ext.lower()), compression


def detect_format(path: str | os.PathLike) -> str | None:
    """Input format named by a file name (`a.html.gz` is html), or None when it says nothing we read."""
    return split_name(Path(path).name)[1]


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path  # as found on disk
    rel: str  # posix path relative to its root, used to mirror it into OUT
    format: str
    size: int
    mtime_ns: int


def discover(
    root: Path, *, input_format: str | None = None, exclude: Path | None = None
) -> tuple[list[InputFile], list[Path]]:
    """Input files under `root` (a file or a directory, walked recursively in sorted order).

    Returns (files, skipped): files whose format is unknown and not forced by `input_format` are skipped.
    Hidden files and directories, and `exclude` (the output directory), are never read.
    """
    files: list[InputFile] = []
    skipped: list[Path] = []

    def add(p: Path, rel: str) -> None:
        fmt = input_format or detect_format(p)
        if fmt is None:
            skipped.append(p)
            return
        st = p.stat()
        files.append(InputFile(p, rel, fmt, st.st_size, st.st_mtime_ns))

    if root.is_file() or not root.exists():
        add(root, root.name)
        return files, skipped
    excl = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in _walk(root):
        d = Path(dirpath)
        if excl is not None:
            dirnames[:] = [n for n in dirnames if (d / n).resolve() != excl]
        for name in filenames:
            p = d / name
            if p.is_file():
                add(p, p.relative_to(root).as_posix())
    return files, skipped


def _walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(n for n in dirnames if not n.startswith("."))
        yield dirpath, dirnames, sorted(n for n in filenames if not n.startswith("."))
