"""Learning and cleaning at crawl scale: a synthetic crawl of N sites x P pages (issue 18's targets).

    python benchmarks/scale.py learn [--sites 2000] [--pages 4]     # learn, load, clean with the learned dir
    python benchmarks/scale.py many [--sites 100000]                # a worker over 100k learned files
    python benchmarks/scale.py throughput [--sites 5000 --pages 20] [--workers 2]   # learning a crawl

Every site has its own chrome (a header line naming it, a menu, a footer with a counter, a copyright line
that serves as its signature) around an article of seeded random prose, so each learns its own rules.

`learn`: 2,000 sites x 4 pages (default), learned in this process with one worker (wall time a site);
then in a fresh process: loading `[shipped, learned]` (seconds, peak RSS), the pickled Cleaner's size, and
cleaning every page (with its URL, and a quarter without, found by signature) against the shipped rules
alone. Targets: learning < 30 ms a site, loading < 5 s and < 400 MB, cleaning < 2x the shipped rules.

`many`: 100,000 learned sites. Learning that many here would take the disk and the time of a shared
machine, so the files are *generated* in the shape `cleaner learn` writes (one learned site's file with
its name, domain, signature and lines substituted; `learned.json` and the index beside them). Then in a
fresh process: a worker's start (`Cleaner.from_rules`, unpickling it as a pool worker does) in seconds
and peak RSS, and cleaning 2,000 pages of 500 of the sites against the shipped rules alone. Targets:
start < 10 s and < 500 MB, cleaning within 1.5x of the shipped rules.

`throughput`: `cleaner learn`'s two parts (reading into profiles, learning each site) over N sites x P
pages, with `--workers`; `--pages 1` is a crawl of one-page sites, where nothing can be learned.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)  # benchmarks/html.py must not shadow the standard library's html

_WORDS = ("the council said on monday that a new plan for the river district would bring housing and "
          "parks to residents who have waited years while prices rose faster than wages across the region "
          "officials expect work to begin next spring after a final vote and a public hearing in march "
          "critics argue the budget leaves schools short of teachers and buses late for families").split()


def code(k: int) -> str:
    """Letters for k (learned rules fold digits, so names that differ only in digits would look alike)."""
    s = ""
    for _ in range(5):
        k, r = divmod(k, 26)
        s += chr(97 + r)
    return s


def site_of(k: int) -> str:
    return f"{code(k)}-news.example"


def page(k: int, j: int, url: bool = True) -> dict:
    """Page j of site k: the site's chrome around an article of seeded prose."""
    rnd = random.Random(k * 1000 + j)
    name = f"{code(k).capitalize()} News"
    head = [f"{name} | Home | World | Business | Sport {k % 97}", f"Subscribe to {name} for daily updates",
            f"Menu Local {code(k)} Politics Culture"]
    art = [" ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(25, 45))).capitalize() + "."
           for _ in range(rnd.randint(5, 9))]
    foot = [f"Share this story with friends of {name}", f"Comments ({rnd.randint(0, 300)})",
            f"Copyright 2026 {name} Media Group, all rights reserved worldwide"]
    rec = {"id": f"{k}-{j}", "text": "\n".join([*head, f"Story {j} of {name}", *art, *foot]) + "\n"}
    if url:
        rec["url"] = f"https://www.{site_of(k)}/story/{j}"
    return rec


def write_crawl(path: Path, sites: int, pages: int) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for k in range(sites):
            for j in range(pages):
                f.write(json.dumps(page(k, j)) + "\n")
                n += 1
    return n


# --- measured in a fresh process (peak RSS is per process) -----------------------------------------------

_CHILD = r"""
import json, pickle, sys, time
sys.path.insert(0, {root!r})
from cleaner import Cleaner
from cleaner.api import default_rules_dir
rules = json.loads(sys.argv[1]); docs = json.loads(open(sys.argv[2]).read()); reps = int(sys.argv[3])
t = time.perf_counter()
c = Cleaner.from_rules(rules)
blob = pickle.dumps(c)
c = pickle.loads(blob)  # as a pool worker receives it
load = time.perf_counter() - t
def hwm():  # this process's peak RSS (ru_maxrss would carry the parent's across exec)
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) * 1024
rss = hwm()
t = time.process_time()
found = sum(1 for d in docs if c.clean(d["text"], url=d.get("url")).site)  # the first pass compiles sites
cold = time.process_time() - t
best = None
for _ in range(reps):
    t = time.process_time()
    for d in docs:
        c.clean(d["text"], url=d.get("url"))
    el = time.process_time() - t
    best = el if best is None else min(best, el)
print(json.dumps(dict(load=load, rss=rss, pickle=len(blob), clean=best, cold=cold, found=found,
                      rss_after=hwm())))
"""


CODE = ROOT  # the checkout measured (--code: an older one, for "before" figures)


def measure(rules, docs_file: Path, reps: int = 3) -> dict:
    res = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(CODE)), json.dumps(rules), str(docs_file),
                          str(reps)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(CODE)})
    if res.returncode:
        sys.exit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def clean_docs(path: Path, sites: list[int], pages: int) -> None:
    """Pages to clean: each with its URL, and every fourth without one (found by signature)."""
    docs = [page(k, j, url=(j % 4 != 3)) for k in sites for j in range(pages)]
    path.write_text(json.dumps(docs), encoding="utf-8")


def report(name: str, shipped: dict, learned: dict, docs: int) -> None:
    print(f"{name}: load {learned['load']:.2f} s, peak RSS {learned['rss'] / 1e6:.0f} MB "
          f"(shipped alone: {shipped['load']:.2f} s, {shipped['rss'] / 1e6:.0f} MB), pickled Cleaner "
          f"{learned['pickle'] / 1e3:.0f} kB; RSS after cleaning {learned['rss_after'] / 1e6:.0f} MB")
    print(f"  cleaning {docs} pages: {learned['clean']:.2f} s CPU vs {shipped['clean']:.2f} s with the shipped "
          f"rules alone: {learned['clean'] / shipped['clean']:.2f}x; the first pass (compiling each site seen): "
          f"{learned['cold']:.2f} s vs {shipped['cold']:.2f} s: {learned['cold'] / shipped['cold']:.2f}x; "
          f"{learned['found']} of {docs} found their site")


def bench_learn(sites: int, pages: int, tmp: Path, keep: Path | None) -> None:
    from cleaner.api import default_rules_dir
    from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir

    learned = keep or tmp / "learned"
    if not (learned / "learned.json").exists():
        crawl = tmp / "crawl.jsonl"
        n = write_crawl(crawl, sites, pages)
        t = time.perf_counter()
        run = build_profiles([str(crawl)], LearnOptions(), workers=1)
        t1 = time.perf_counter()
        outcomes = learn_to_dir(run, learned, workers=1)
        t2 = time.perf_counter()
        print(f"learning {sites} sites x {pages} pages ({n} records): reading {t1 - t:.1f} s, learning "
              f"{t2 - t1:.1f} s: {(t2 - t) / sites * 1e3:.1f} ms a site wall ({(t2 - t1) / sites * 1e3:.1f} ms "
              f"learning); {sum(1 for o in outcomes if o.file)} sites learned; peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
    docs = tmp / "docs.json"
    chosen = list(range(0, sites, max(1, sites // 500)))
    clean_docs(docs, chosen, pages)
    shipped = measure(None, docs)
    with_learned = measure([str(default_rules_dir()), str(learned)], docs)
    report(f"[shipped, learned {sites} sites]", shipped, with_learned, len(chosen) * pages)


def generate_learned(directory: Path, sites: int, tmp: Path) -> None:
    """`sites` learned files in the shape `cleaner learn` writes, from one learned template site."""
    from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir

    crawl = tmp / "one.jsonl"
    write_crawl(crawl, 1, 6)
    one = tmp / "one"
    learn_to_dir(build_profiles([str(crawl)], LearnOptions(), workers=1), one, workers=1)
    template = (one / f"{site_of(0)}.yaml").read_text(encoding="utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for k in range(sites):
        text = template.replace(site_of(0), site_of(k)).replace("Aaaaa", code(k).capitalize())
        text = text.replace("aaaaa", code(k))
        (directory / f"{site_of(k)}.yaml").write_text(text, encoding="utf-8")
        entries.append({"site": site_of(k), "pages": 6, "rules": 0, "file": f"{site_of(k)}.yaml",
                        "reason": "generated", "conflicts": []})
    (directory / "learned.json").write_text(json.dumps({"sites": entries}, indent=1) + "\n", encoding="utf-8")
    _write_index(directory)


def _write_index(directory: Path) -> None:
    try:
        from cleaner.ruleset.catalog import write_index
    except ImportError:  # before the on-demand loader
        return
    write_index(directory)


def bench_many(sites: int, tmp: Path, keep: Path | None) -> None:
    from cleaner.api import default_rules_dir

    directory = keep or tmp / "many"
    t = time.perf_counter()
    if not (directory / "learned.json").exists():
        generate_learned(directory, sites, tmp)
    print(f"{sites} learned files in {directory} ({time.perf_counter() - t:.0f} s to generate)")
    docs = tmp / "docs.json"
    clean_docs(docs, list(range(0, sites, max(1, sites // 500))), 4)
    shipped = measure(None, docs)
    with_learned = measure([str(default_rules_dir()), str(directory)], docs)
    report(f"[shipped, {sites} learned sites]", shipped, with_learned, len(json.loads(docs.read_text())))


def bench_throughput(sites: int, pages: int, workers: int, tmp: Path) -> None:
    from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir

    crawl = tmp / "crawl.jsonl"
    n = write_crawl(crawl, sites, pages)
    t = time.perf_counter()
    run = build_profiles([str(crawl)], LearnOptions(), workers=workers)
    t1 = time.perf_counter()
    outcomes = learn_to_dir(run, tmp / "learned", workers=workers)
    t2 = time.perf_counter()
    print(f"{n:,} records of {sites:,} sites ({crawl.stat().st_size / 1e6:.0f} MB), {workers} worker(s): reading "
          f"{t1 - t:.1f} s ({n / (t1 - t):,.0f} records/s), learning {t2 - t1:.1f} s "
          f"({(t2 - t1) / sites * 1e3:.1f} ms a site), {sum(1 for o in outcomes if o.file):,} sites learned; "
          f"peak RSS {run.peak_rss / 1e6:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("learn", "many", "throughput"))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--sites", type=int)
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--keep", type=Path, help="learn or generate the learned files here once, and reuse them")
    ap.add_argument("--code", type=Path, help="measure loading and cleaning with this checkout (before figures)")
    args = ap.parse_args()
    global CODE
    CODE = args.code or ROOT
    tmp = Path(tempfile.mkdtemp(prefix="cleaner-scale-"))
    try:
        if args.what == "throughput":
            bench_throughput(args.sites or 5000, args.pages, args.workers, tmp)
        elif args.what == "learn":
            bench_learn(args.sites or 2000, args.pages, tmp, args.keep)
        else:
            bench_many(args.sites or 100_000, tmp, args.keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
