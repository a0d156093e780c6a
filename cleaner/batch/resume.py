"""Resume bookkeeping under OUT/.cleaner/.

A shard's outputs are written under temporary names and renamed; only then is the shard appended to
`manifest.jsonl` (flushed and fsynced) with its stats. A rerun skips shards listed there whose input is
unchanged and redoes any other shard from scratch, overwriting what a killed run may have renamed into
place - so a run killed at any moment resumes with no duplicates and no gaps.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from .plan import Shard
from .stats import Stats

STATE_DIR = ".cleaner"


class OptionsChanged(ValueError):
    """OUT holds a run made with different options (a usage error, one line)."""


class OutputInUse(ValueError):
    """Another run is writing to the same OUT (a usage error, one line)."""


LOCK_NAME = ".cleaner.lock"
_HELD: set[str] = set()  # the lock files this process holds for nested runs (their real paths)


class RunLock:
    """An exclusive lock on OUT for the length of a run: `OUT/.cleaner.lock`, holding the PID.

    flock, not the file's existence, is the lock, so a killed run never leaves a stale one. (Beside
    `.cleaner/`, which --restart deletes.) A lock taken with `nested=True` is taken again at no cost by
    this process: `clean --learn` holds it from its learning pass to the end of its cleaning pass."""

    def __init__(self, out: Path, *, nested: bool = False):
        import fcntl

        self.path = out / LOCK_NAME
        self.key, self.fd = os.path.realpath(self.path), -1
        if self.key in _HELD:
            return
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.read(self.fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(self.fd)
            raise OutputInUse(f"{out} is in use by another cleaner run (PID {pid}); wait for it to finish "
                              "or use another output directory") from None
        except OSError:  # a file system without locks (some network mounts): run unguarded, as before
            pass
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        if nested:
            _HELD.add(self.key)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
            _HELD.discard(self.key)


class Manifest:
    def __init__(self, out: Path, config: dict, *, restart: bool = False):
        self.dir = out / STATE_DIR
        if restart and self.dir.exists():
            shutil.rmtree(self.dir)
        (self.dir / "rejects").mkdir(parents=True, exist_ok=True)
        cfg_path = self.dir / "config.json"
        if cfg_path.exists():
            old = json.loads(cfg_path.read_text())
            changed = sorted(k for k in config.keys() | old.keys() if old.get(k) != config.get(k))
            if changed:
                raise OptionsChanged(
                    f"{out} holds output made with other options ({', '.join(changed)}): "
                    "use another output directory, or --restart to start over"
                )
        else:
            cfg_path.write_text(json.dumps(config, sort_keys=True, indent=1))
        self.path = self.dir / "manifest.jsonl"
        self.done: dict[str, dict] = {}
        if self.path.exists():
            with open(self.path, encoding="utf-8") as f:
                for line in f:
                    try:
                        entry = json.loads(line)
                    except ValueError:  # torn last line of a killed run
                        continue
                    self.done[entry["key"]] = entry

    def finished(self, shard: Shard) -> dict | None:
        entry = self.done.get(shard.key)
        return entry if entry is not None and entry.get("fingerprint") == shard.fingerprint else None

    def rejects_path(self, shard: Shard) -> Path:
        return self.dir / "rejects" / (hashlib.sha1(shard.key.encode("utf-8", "surrogateescape")).hexdigest()[:20] + ".jsonl")

    def mark_done(self, shard: Shard, stats: Stats) -> None:
        entry = {"key": shard.key, "fingerprint": shard.fingerprint, "out": shard.out, "stats": stats.to_dict()}
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")  # ASCII: a key may hold surrogate-escaped file names
            f.flush()
            os.fsync(f.fileno())
        self.done[shard.key] = entry

    def stats_of(self, shard: Shard) -> Stats:
        return Stats.from_dict(self.done[shard.key]["stats"])
