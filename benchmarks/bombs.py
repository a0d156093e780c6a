"""Peak memory and time of `cleaner clean` on decompression bombs (issue 18.7).

    python benchmarks/bombs.py [GiB]

Builds three inputs in a temporary directory: a gzip and a zstd file that each hold one line of GiB
GiB (default 1), and a gzip of GiB GiB of newlines; runs `cleaner clean FILE -o OUT --workers 1` on
each and prints its wall time and peak RSS (the child's ru_maxrss). Target: < 300 MB for the bombs.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path


def _compressed(kind: str, byte: bytes, size: int) -> bytes:
    block = byte * (16 << 20)
    if kind == "gzip":
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        return b"".join(z.compress(block) for _ in range(size // len(block))) + z.flush()
    import zstandard

    z = zstandard.ZstdCompressor(level=19).compressobj()
    return b"".join(z.compress(block) for _ in range(size // len(block))) + z.flush()


def main() -> None:
    size = int(float(sys.argv[1]) * (1 << 30)) if len(sys.argv) > 1 else 1 << 30
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {"line.jsonl.gz": ("gzip", b"a"), "line.jsonl.zst": ("zstd", b"a"),
                  "newlines.jsonl.gz": ("gzip", b"\n")}
        for name, (kind, byte) in inputs.items():
            path = Path(tmp, name)
            path.write_bytes(_compressed(kind, byte, size))
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cleaner.cli.main", "clean", str(path), "-o", str(path) + ".out",
                            "--workers", "1"], capture_output=True)
            wall = time.perf_counter() - t
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest child so far
            print(f"{name:20} {path.stat().st_size / 1e6:6.2f} MB -> {size / (1 << 30):.1f} GiB: "
                  f"{wall:6.1f} s, peak RSS <= {peak:.0f} MB")


if __name__ == "__main__":
    main()
