"""Input format detection from file names, and recursive discovery of input files."""

from __future__ import annotations

import os
import stat
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
    ".wet": "warc",  # Common Crawl WET (`*.warc.wet.gz`): WARC conversion records
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
    return split_name(os.path.basename(os.fspath(path)))[1]


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
    Hidden files and directories, and `exclude` (the output directory), are never read. Holds every
    file in memory; `walk_inputs` yields one directory at a time.
    """
    if root.is_file() or not root.exists():
        fmt = input_format or detect_format(root)
        if fmt is None:
            return [], [root]
        st = root.stat()
        return [InputFile(root, root.name, fmt, st.st_size, st.st_mtime_ns)], []
    files: list[InputFile] = []
    skipped: list[Path] = []
    for d, rel, found, skip in walk_inputs(root, input_format=input_format, exclude=exclude):
        files += [InputFile(d / name, f"{rel}/{name}" if rel else name, fmt, st.st_size, st.st_mtime_ns)
                  for name, fmt, st in found]
        skipped += skip
    return files, skipped


def not_a_file(path: str | os.PathLike) -> str | None:
    """Why `path` cannot be read as an input file (a FIFO, a device, a dangling link), or None."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"dangling symbolic link (to {os.readlink(path)})"
        return "no such file"
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "a device, not a regular file"


def walk_inputs(
    root: Path, *, input_format: str | None = None, exclude: Path | None = None,
    unreadable: list[tuple[Path, str]] | None = None,
) -> Iterator[tuple[Path, str, list[tuple[str, str, os.stat_result]], list[Path]]]:
    """The directories under `root`, depth first in sorted order, one at a time:
    (directory, its posix path relative to root, its input files as (name, format, stat), skipped files).

    Memory holds one directory's listing, whatever the size of the tree. Symbolic links are followed,
    each real directory once. Entries that cannot be read (FIFOs, devices, dangling links, directories
    we may not list) are appended to `unreadable` as (path, reason), never skipped silently.
    """
    excl = exclude.resolve() if exclude is not None else None
    seen: set[tuple[int, int]] = set()
    stack = [(root, "")]
    while stack:
        d, rel = stack.pop()
        st = d.stat()
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        found, skipped, subdirs = [], [], []
        try:
            entries = _entries(d)
        except OSError as exc:
            if d == root:
                raise
            if unreadable is not None:
                unreadable.append((d, f"cannot list directory: {exc.strerror or exc}"))
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if excl is None or Path(entry.path).resolve() != excl:
                    subdirs.append((Path(entry.path), f"{rel}/{entry.name}" if rel else entry.name))
            elif entry.is_file():
                fmt = input_format or detect_format(entry.name)
                if fmt is None:
                    skipped.append(Path(entry.path))
                else:
                    found.append((entry.name, fmt, entry.stat()))
            elif unreadable is not None:
                unreadable.append((Path(entry.path), not_a_file(entry.path) or "not a regular file"))
        yield d, rel, found, skipped
        stack.extend(reversed(subdirs))


def doc_files(directory: Path, input_format: str | None = None) -> list[tuple[str, str]]:
    """(name, format) of the one-document files (text, HTML) directly in `directory`, in sorted order:
    the same files `walk_inputs` found there, listed again when they are read."""
    names = []
    for entry in sorted(_entries(directory), key=lambda e: e.name):
        if not entry.name.startswith(".") and entry.is_file():
            fmt = input_format or detect_format(entry.name)
            if fmt in DOC_FORMATS:
                names.append((entry.name, fmt))
    return names


def _entries(d: Path) -> list[os.DirEntry]:
    with os.scandir(d) as it:
        return list(it)
