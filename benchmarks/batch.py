"""Batch cleaning benchmark: throughput, parallel efficiency and memory of `cleaner clean`.

Builds a dump from the fixture inputs (tests/fixtures/*/*/input.*), perturbed so documents differ
(paragraphs shuffled and duplicated, some mojibake), as JSONL.gz shards and as a text directory; then
cleans it with 1, 2 and all workers, each run in a fresh process, and reports documents/s, MB/s (document
bytes), MB/s per worker, parallel efficiency, and peak RSS of the parent and of the largest worker.
Memory is compared between a small and the full dump (streaming: it must not grow with the dump).
As a reference point, the datatrove pipeline JsonlReader -> FTFYFormatter -> C4QualityFilter ->
JsonlWriter runs on the same JSONL.gz dump with the same number of workers.

    python benchmarks/batch.py                        # 100,000 documents, workers 1, 2, all
    python benchmarks/batch.py --docs 10000 --small 2000 --workers 1,2    # quick, on a small machine

Targets: >= 25 MB/s per worker on text; efficiency >= 0.8 at all cores; peak RSS within 10% between
the small and the full dump.
"""

from __future__ import annotations

import sys
from pathlib import Path

# this script's folder holds modules named like stdlib ones (benchmarks/html.py): keep it off sys.path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import gzip
import json
import random
import resource
import shutil
import subprocess
import time

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARD_DOCS = 10_000
DIR_FILES = 1_000


def perturb(text: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n\n") if p.strip()]
    if len(paras) > 2:
        head, body = paras[:1], paras[1:]
        rng.shuffle(body)
        if rng.random() < 0.3:
            body.append(rng.choice(body))
        paras = head + body
    out = "\n\n".join(paras)
    if rng.random() < 0.1:  # mojibake: UTF-8 read as cp1252
        out = out.encode("utf-8").decode("cp1252", errors="replace")
    return out + "\n"


def build(work: Path, n: int, seed: int = 1) -> tuple[Path, Path, int]:
    """JSONL.gz shards and a text directory of `n` documents; returns (jsonl dir, text dir, bytes)."""
    jdir, tdir = work / f"jsonl-{n}", work / f"text-{n}"
    stamp = work / f"built-{n}.json"
    if stamp.exists():
        return jdir, tdir, json.loads(stamp.read_text())["bytes"]
    shutil.rmtree(jdir, ignore_errors=True)
    shutil.rmtree(tdir, ignore_errors=True)
    jdir.mkdir(parents=True)
    sources = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.glob("*/*/input.*"))]
    sources = [s for s in sources if s.strip()]
    rng = random.Random(seed)
    total = 0
    f = None
    for i in range(n):
        if i % SHARD_DOCS == 0:
            if f:
                f.close()
            f = gzip.open(jdir / f"part-{i // SHARD_DOCS:05d}.jsonl.gz", "wt", encoding="utf-8", compresslevel=1)
        doc = perturb(sources[i % len(sources)], rng)
        total += len(doc.encode("utf-8"))
        f.write(json.dumps({"id": f"doc-{i}", "text": doc}, ensure_ascii=False) + "\n")
        d = tdir / f"{i // DIR_FILES:04d}"
        if i % DIR_FILES == 0:
            d.mkdir(parents=True)
        (d / f"{i}.txt").write_text(doc, encoding="utf-8")
    f.close()
    stamp.write_text(json.dumps({"bytes": total}))
    return jdir, tdir, total


def run_one(kind: str, src: str, out: str, workers: int) -> dict:
    """One measured run (in this fresh process)."""
    from cleaner import Cleaner
    from cleaner.batch import BatchConfig, run_batch

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    if kind == "datatrove":
        from datatrove.executor import LocalPipelineExecutor
        from datatrove.pipeline.filters import C4QualityFilter
        from datatrove.pipeline.formatters import FTFYFormatter
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import JsonlWriter

        try:
            import spacy  # noqa: F401 - C4's sentence count needs the English tokenizer (spaCy)

            c4 = C4QualityFilter()
            note = ""
        except ImportError:
            c4 = C4QualityFilter(min_num_sentences=-1)
            note = "C4 without sentence count (spaCy missing)"
        LocalPipelineExecutor(
            pipeline=[JsonlReader(src), FTFYFormatter(), c4, JsonlWriter(out + "/data")],
            tasks=workers, workers=workers, logging_dir=out + "/logs", skip_completed=False,
        ).run()
        wall = time.perf_counter() - t0
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        return {"wall": wall, "worker_rss": children, "parent_rss": _self_rss(), "note": note}
    rep = run_batch(BatchConfig([src], out=Path(out), workers=workers, out_format="jsonl", timeout=30),
                    Cleaner.from_rules())
    wall = time.perf_counter() - t0
    return {
        "wall": wall, "docs": rep.this_run.docs_in, "bytes": rep.this_run.bytes_in,
        "rejected": rep.this_run.rejected, "worker_rss": max(rep.worker_peak_rss or [0]),
        "parent_rss": _self_rss(), "workers": rep.workers,
    }


def _self_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(kind: str, src: Path, out: Path, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--_run", kind, str(src), str(out), str(workers)]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="documents in the full dump (default 100,000)")
    ap.add_argument("--small", type=int, default=10_000, help="documents in the small dump for the memory check")
    ap.add_argument("--workers", default="1,2,all", help="worker counts, comma-separated; 'all' = all cores")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work", help="where dumps and outputs go")
    ap.add_argument("--no-datatrove", action="store_true", help="skip the datatrove reference run")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--_run", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._run:
        kind, src, out, w = a._run
        print(json.dumps(run_one(kind, src, out, int(w))))
        return

    from cleaner.batch import default_workers

    cores = default_workers()
    counts = sorted({cores if w == "all" else int(w) for w in a.workers.split(",")})
    a.work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    jdir, tdir, nbytes = build(a.work, a.docs)
    sj, st, _ = build(a.work, a.small)
    print(f"dump: {a.docs:,} docs, {nbytes / 1e6:.1f} MB of text (built in {time.perf_counter() - t:.0f}s); "
          f"{cores} cores", flush=True)

    rows, figures = [], {"cores": cores, "docs": a.docs, "text_mb": nbytes / 1e6, "runs": []}
    base = {}
    for kind, src in (("text", tdir), ("jsonl.gz", jdir)):
        for w in counts:
            m = measure("cleaner", src, a.work / "out", w)
            mbps = m["bytes"] / m["wall"] / 1e6
            base.setdefault(kind, mbps if w == 1 else None)
            eff = mbps / (w * base[kind]) if base.get(kind) else float("nan")
            rows.append((f"cleaner {kind}", w, m["docs"] / m["wall"], mbps, mbps / w, eff, m["parent_rss"], m["worker_rss"]))
            figures["runs"].append({"run": f"cleaner {kind}", "workers": w, **m})
            print(_fmt(rows[-1]), flush=True)
    dt = None
    if not a.no_datatrove:
        try:
            import datatrove  # noqa: F401
        except ImportError:
            print("datatrove not installed: pip install 'cleaner[datatrove]' (reference run skipped)")
        else:
            w = max(counts)
            m = measure("datatrove", jdir, a.work / "out-dt", w)
            shards = len(list(jdir.glob("*.jsonl.gz")))
            if shards < w:  # datatrove's tasks are files: the others idle
                m["note"] = "; ".join(filter(None, [m.get("note"), f"{shards} file{'s' * (shards != 1)} for {w} workers: datatrove runs a task a file"]))
            dt = m
            rows.append(("datatrove ref.", w, a.docs / m["wall"], nbytes / m["wall"] / 1e6, nbytes / m["wall"] / 1e6 / w,
                         float("nan"), m["parent_rss"], m["worker_rss"]))
            figures["runs"].append({"run": "datatrove", "workers": w, **m})
            print(_fmt(rows[-1]) + (f"  ({m['note']})" if m.get("note") else ""), flush=True)
    w = max(counts)
    # memory, small vs full dump, for both inputs: a JSONL stream and a directory of files to walk
    pairs = []
    for kind, src in (("jsonl.gz", sj), ("text", st)):
        small = measure("cleaner", src, a.work / "out", w)
        full = next(r for r in figures["runs"] if r["run"] == f"cleaner {kind}" and r["workers"] == w)
        pairs.append((kind, small, full))

    print()
    print(f"{'run':<18}{'workers':>8}{'docs/s':>10}{'MB/s':>8}{'MB/s/wkr':>10}{'effic.':>8}{'parent RSS':>12}{'worker RSS':>12}")
    for r in rows:
        print(_fmt(r))
    print()
    growth = 0.0
    for kind, small, full in pairs:
        for label, m in ((f"{a.small:,} docs", small), (f"{a.docs:,} docs", full)):
            print(f"{kind:>8} peak RSS at {label:>14}: parent {m['parent_rss'] / 2**20:6.1f} MiB, "
                  f"worker {m['worker_rss'] / 2**20:6.1f} MiB")
        g = max(full["parent_rss"] / small["parent_rss"], full["worker_rss"] / max(small["worker_rss"], 1)) - 1
        print(f"{kind:>8} RSS growth small -> full: {g:+.1%}")
        growth = max(growth, g)
    print(f"largest RSS growth small -> full: {growth:+.1%} (target within 10%)")
    if dt is not None:
        ours = next(r for r in rows if r[0] == "cleaner jsonl.gz" and r[1] == w)
        print(f"cleaner / datatrove (FTFY + C4) throughput at {w} workers: {ours[2] / (a.docs / dt['wall']):.2f}x")
    figures.update(small_runs={kind: small for kind, small, _ in pairs}, rss_growth=growth)
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2))


def _fmt(r) -> str:
    name, w, dps, mbps, per, eff, prss, wrss = r
    e = f"{eff:8.2f}" if eff == eff else f"{'-':>8}"
    return (f"{name:<18}{w:>8}{dps:>10,.0f}{mbps:>8.1f}{per:>10.1f}{e}"
            f"{prss / 2**20:>9.1f} MiB{wrss / 2**20:>9.1f} MiB")


if __name__ == "__main__":
    main()
