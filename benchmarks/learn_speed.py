"""Learning pass vs cleaning pass: MB/s per core and peak RSS, on sites-dev's `text` field.

    python benchmarks/learn_speed.py [--copies 10] [--workers 1 2]

Builds a JSONL.gz dump of `copies` copies of ../shared/sites-dev/pages.jsonl.gz (id, url, text; the
`html` field is left out, so both passes read the text), then runs `cleaner learn` and `cleaner clean`
on it with each worker count, each in its own process. MB/s are document bytes (uncompressed text) per
second of the pass as each command reports it (pool start included). The per-core comparison runs both
passes inline in this process and divides by its CPU time, which a busy shared machine does not distort.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)  # benchmarks/html.py must not shadow the standard library's html
SRC = ROOT.parent / "shared" / "sites-dev" / "pages.jsonl.gz"


def make_dump(path: Path, copies: int) -> int:
    with gzip.open(SRC, "rt", encoding="utf-8") as f:
        pages = [json.loads(line) for line in f]
    n = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as out:
        for k in range(copies):
            for p in pages:
                out.write(json.dumps({"id": f"{p['id']}-{k}", "url": f"{p['url']}?copy={k}", "text": p["text"]}) + "\n")
                n += len(p["text"].encode("utf-8"))
    return n


_WRAP = """import json, resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "cpu": u.ru_utime + u.ru_stime, "rss": u.ru_maxrss * 1024}), file=sys.stderr)
"""


def run(args: list[str]) -> tuple[str, float, int]:
    """(stderr, CPU seconds and peak RSS of the command's waited-for process tree: with `clean`, whose
    workers are children of a fork server, only the parent's)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", _WRAP, sys.executable, "-m", "cleaner.cli.main", *args], env=env,
                         capture_output=True, text=True)
    usage = json.loads(res.stderr.strip().splitlines()[-1])
    if usage["rc"] != 0:
        sys.exit(f"{' '.join(args)}: exit {usage['rc']}\n{res.stderr[-2000:]}")
    return res.stderr, usage["cpu"], usage["rss"]


def per_core(dump: Path, tmp: str) -> tuple[float, float]:
    """MB of text per CPU-second of one process, learning and cleaning everything inline (no pool)."""
    import time

    from cleaner import Cleaner
    from cleaner.api import default_rules_dir
    from cleaner.batch import BatchConfig, run_batch
    from cleaner.batch import runner
    from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir

    t = time.process_time()
    run_ = build_profiles([str(dump)], LearnOptions(), workers=1)
    t1 = time.process_time()
    learn_to_dir(run_, Path(tmp) / "learned-inline")
    t2 = time.process_time()
    learn = (run_.bytes / 1e6 / (t1 - t), run_.bytes / 1e6 / (t2 - t), t2 - t1, len(run_.profiles))
    runner.LIGHT_DOCS, runner.LIGHT_BYTES = 10**12, 10**15  # clean every document inline, in this process
    rates = []
    for rules in (None, [default_rules_dir(), Path(tmp) / "learned-inline"]):
        cleaner = Cleaner.from_rules(rules)
        t = time.process_time()
        report = run_batch(BatchConfig([str(dump)], out=Path(tmp) / f"out-inline-{len(rates)}", workers=1), cleaner)
        rates.append(report.this_run.bytes_in / 1e6 / (time.process_time() - t))
    return learn, *rates


def learn_parts(dump: Path) -> dict[str, float]:
    """CPU seconds of the learning pass's parts, one core: reading and decoding records, `page_lines`,
    `SiteProfile.add_page`, `learn_site`."""
    import time

    from cleaner.io import read_records
    from cleaner.learn import SiteProfile, learn_site, page_lines
    from cleaner.learn.driver import LearnOptions, record_site, record_text

    clock, parts, profiles = time.process_time, dict.fromkeys(("read", "page_lines", "add_page", "learn_site"), 0.0), {}
    t = clock()
    for rec in read_records(dump):
        site, (text, _) = record_site(rec, LearnOptions()), record_text(rec)
        t1 = clock()
        lines = page_lines(text)
        t2 = clock()
        profiles.setdefault(site, SiteProfile(site)).add_page(lines)
        t3 = clock()
        parts["read"] += t1 - t
        parts["page_lines"] += t2 - t1
        parts["add_page"] += t3 - t2
        t = clock()
    for p in profiles.values():
        learn_site(p)
    parts["learn_site"] = clock() - t
    return parts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    if not SRC.exists():
        sys.exit(f"{SRC} not found")
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.jsonl.gz"
        size = make_dump(dump, a.copies)
        print(f"dump: {a.copies} copies of sites-dev, {size / 1e6:.1f} MB of text")
        (stream, learn, induce, sites), clean, clean_learned = per_core(dump, tmp)
        print(f"one core, CPU time: learning reads at {stream:.1f} MB/s, then learns and checks {sites} sites in "
              f"{induce:.2f}s: {learn:.1f} MB/s in all; cleaning {clean:.1f} MB/s with the shipped rules, "
              f"{clean_learned:.1f} MB/s with the learned ones too (pass two of --learn); learn/clean "
              f"{stream / clean:.2f}x reading, {learn / clean:.2f}x in all")
        parts = learn_parts(dump)
        print("learning, CPU seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))
        for w in a.workers:
            err, _, rss = run(["learn", str(dump), "-o", f"{tmp}/learned-{w}", "-w", str(w), "--no-progress"])
            m = re.search(r"\(([\d.]+) MB read in ([\d.]+)s", err)
            learn = float(m.group(1)) / float(m.group(2))
            stats = Path(tmp) / f"stats-{w}.json"
            _, _, rss_c = run(["clean", str(dump), "-o", f"{tmp}/out-{w}", "-w", str(w), "--no-progress",
                               "--no-summary", "--stats", str(stats)])
            r = json.loads(stats.read_text())["this_run"]
            clean = r["bytes_in"] / r["seconds"] / 1e6
            rss_w = max(r["worker_peak_rss_bytes"] or [0])
            print(f"{w} worker(s), wall: learn {learn:.1f} MB/s, peak RSS {rss / 2**20:.0f} MiB (largest process) | "
                  f"clean {clean:.1f} MB/s, peak RSS parent {rss_c / 2**20:.0f} MiB, worker {rss_w / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
