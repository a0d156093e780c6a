"""cleaner.batch: formats in and out, ordering, rejects, timeouts, crashes, resume after a kill."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleTimeout
from cleaner.batch import BatchConfig, OptionsChanged, PlanError, run_batch

FIXTURES = Path(__file__).parent / "fixtures"
INPUTS = sorted(p for p in FIXTURES.glob("*/*/input.*"))


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner.from_rules()


class TrickyCleaner:
    """The real cleaner, except for documents containing a marker that makes it misbehave."""

    def __init__(self):
        self.inner = Cleaner.from_rules()

    def clean(self, data, url=None, site=None, *, format="auto", content_type=None):
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        if "HANG_SOFT" in text:  # a Python-level loop: the worker's alarm stops it
            time.sleep(60)
        if "HANG_HARD" in text:  # like a C loop that never checks signals: the parent must kill
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)
        if "CRASH" in text:
            os._exit(3)
        if "RULE_TIMEOUT" in text:
            raise RuleTimeout("slow-rule", "x.yaml", 1, 0.1)
        if "BOOM" in text:
            raise ValueError("boom")
        if "SLOW" in text:
            time.sleep(0.01)
        return self.inner.clean(data, url=url, site=site, format=format)


def run(paths, out=None, cl=None, **kw):
    kw.setdefault("workers", 2)
    return run_batch(BatchConfig([str(p) for p in paths], out=out, **kw), cl or Cleaner.from_rules())


def read_jsonl(path: Path) -> list[dict]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    elif path.suffix == ".zst":
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True).read()
    return [json.loads(line) for line in raw.splitlines()]


def write_jsonl_gz(path: Path, objs) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for o in objs:
            f.write((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n")


def fixture_docs(n: int | None = None):
    docs = [p.read_text(encoding="utf-8", errors="replace") for p in INPUTS]
    return docs if n is None else [docs[i % len(docs)] for i in range(n)]


def test_text_dir_is_mirrored(tmp_path, cleaner):
    src = tmp_path / "in"
    for p in INPUTS[:12]:
        dest = src / p.parent.parent.name / (p.parent.name + p.suffix)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(p.read_bytes())
    (src / "page.html").write_text("<html><body><article><p>An HTML page with a paragraph.</p></article></body></html>")
    rep = run([src], tmp_path / "out", light=False)
    assert rep.plan.out_format == "text" and rep.workers == 2
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = f.relative_to(src).with_suffix(".txt")
        expected = cleaner.clean(f.read_bytes(), format="html" if f.suffix == ".html" else "auto").text
        assert (tmp_path / "out" / rel).read_text() == (expected + "\n" if expected else "")
    assert rep.stats.docs_in == 13 == rep.stats.written
    assert (tmp_path / "out/rejects.jsonl").read_text() == ""


def test_a_text_file_that_cannot_be_written_stops_the_run_naming_it(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(100):
        (src / f"{i:03d}.txt").write_text(f"Paragraph {i} of an article that the cleaner keeps.\n")
    (tmp_path / "out/042.txt").mkdir(parents=True)  # where a worker must write a file
    with pytest.raises(IsADirectoryError, match=r"out/042\.txt"):
        run([src], tmp_path / "out", light=False)
    assert not list((tmp_path / "out").glob(".*.cleaner-tmp"))


def test_a_cleaner_that_cannot_be_pickled_is_a_one_line_pool_error(tmp_path):
    import threading

    from cleaner.batch import PoolError

    cl = Cleaner.from_rules()
    cl.lock = threading.Lock()  # a user's subclass holding something that cannot go to a worker
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "A paragraph of article text."}) + "\n")
    with pytest.raises(PoolError, match="cannot be sent to worker processes: cannot pickle"):
        run([src], tmp_path / "out", cl=cl, light=False)


def test_files_given_by_themselves_each_get_an_output(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/one.txt").write_text("The first article sentence.\n")
    (tmp_path / "b/two.html").write_text("<html><body><article><p>The second article.</p></article></body></html>")
    rep = run([tmp_path / "a/one.txt", tmp_path / "b/two.html"], tmp_path / "out")
    assert rep.stats.written == 2
    assert (tmp_path / "out/one.txt").read_text() == "The first article sentence.\n"
    assert (tmp_path / "out/two.txt").read_text() == "The second article.\n"


def test_files_given_by_themselves_with_one_name_are_told_apart_by_their_directories(tmp_path):
    for d in ("x/a", "y/a"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "one.txt").write_text(f"The article from {d}.\n")
        (tmp_path / d / "dump.jsonl").write_text(json.dumps({"id": "1", "text": f"Dump from {d}."}) + "\n")
    rep = run([tmp_path / "x/a/one.txt", tmp_path / "y/a/one.txt"], tmp_path / "out")
    assert rep.stats.written == 2
    assert (tmp_path / "out/x/a/one.txt").read_text() == "The article from x/a.\n"
    assert (tmp_path / "out/y/a/one.txt").read_text() == "The article from y/a.\n"
    rep = run([tmp_path / "x/a/dump.jsonl", tmp_path / "y/a/dump.jsonl"], tmp_path / "out2")
    assert [json.loads((tmp_path / f"out2/{d}/a/dump.jsonl").read_text())["text"] for d in "xy"] == \
        ["Dump from x/a.", "Dump from y/a."]
    with pytest.raises(PlanError, match="given twice"):
        run([tmp_path / "x/a/one.txt", tmp_path / "x/a/one.txt"], tmp_path / "out3")


def test_a_directory_changed_during_the_run_is_a_reject_not_a_wrong_file(tmp_path):
    from cleaner.batch.plan import make_plan

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(f"Article number {i}.\n")
    plan = make_plan([str(src)], out_dir=tmp_path / "out")
    (src / "00.txt").write_text("A file added after planning.\n")  # shifts the sorted listing
    with pytest.raises(OSError, match="changed during the run"):
        plan.shards[0].group.files()


def test_jsonl_in_out_carries_fields_and_is_deterministic(tmp_path):
    docs = fixture_docs(150)
    src = tmp_path / "in" / "d.jsonl.gz"
    src.parent.mkdir()
    write_jsonl_gz(src, ({"body": d, "link": f"http://ex.com/{i}", "key": f"k{i}", "lang": "xx", "title": "t"}
                         for i, d in enumerate(docs)))
    common = dict(out_format="jsonl", fields=__import__("cleaner.io").io.Fields(text="body", url="link", id="key"))
    run([src.parent], tmp_path / "a", workers=2, compression="zstd", **common)
    run([src.parent], tmp_path / "b", workers=1, compression="zstd", light=False, **common)
    a, b = (tmp_path / "a" / "d.jsonl.zst").read_bytes(), (tmp_path / "b" / "d.jsonl.zst").read_bytes()
    assert a == b
    recs = read_jsonl(tmp_path / "a" / "d.jsonl.zst")
    assert [r["id"] for r in recs] == [f"k{i}" for i in range(150)]
    r0 = recs[0]
    assert r0["url"] == "http://ex.com/0" and r0["lang"] == "xx" and r0["input_title"] == "t"
    assert "body" not in r0 and "link" not in r0 and "key" not in r0
    assert list(r0)[:9] == ["id", "source", "url", "site", "title", "text", "metadata", "stats", "warnings"]


def test_parquet_in_parquet_out_keeps_column_types(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    docs = fixture_docs(40)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": docs, "id": [f"d{i}" for i in range(40)], "score": [float(i) for i in range(40)]}),
                   src, row_group_size=16)
    rep = run([src], tmp_path / "out", out_format="parquet")
    t = pq.read_table(tmp_path / "out" / "in.parquet")
    assert t.num_rows == 40 == rep.stats.written
    assert t.schema.field("score").type == pa.float64()
    assert t.column("id").to_pylist() == [f"d{i}" for i in range(40)]
    assert t.column("stats").to_pylist()[0]  # a map of ints


def test_warc_and_jsonl_to_parquet_with_json_extra(tmp_path):
    pytest.importorskip("fastwarc")
    pq = pytest.importorskip("pyarrow.parquet")
    from test_io import http_response

    html = b"<html><body><article><h1>Title</h1><p>First paragraph of the article body.</p></article></body></html>"
    (tmp_path / "in").mkdir()
    (tmp_path / "in/c.warc.gz").write_bytes(b"".join(gzip.compress(http_response(f"http://w/{i}", html, str(i)))
                                                     for i in range(5)))
    rep = run([tmp_path / "in"], tmp_path / "out", out_format="parquet")
    t = pq.read_table(tmp_path / "out" / "c.parquet")
    assert t.column("url").to_pylist() == [f"http://w/{i}" for i in range(5)]
    assert json.loads(t.column("extra")[0].as_py())["http_status"] == 200
    assert "First paragraph" in t.column("text")[0].as_py() and rep.stats.rejected == 0


def test_every_record_is_accounted_for(tmp_path):
    docs = fixture_docs(30)
    src = tmp_path / "in"
    src.mkdir()
    write_jsonl_gz(src / "a.jsonl.gz", [{"text": d} for d in docs[:10]] + ["{broken", '["list"]', {"no": "text"}])
    (src / "b.jsonl").write_bytes(b"".join(json.dumps({"text": d}).encode() + b"\n" for d in docs[10:]) + b"\xff\xfe\n")
    rep = run([src], tmp_path / "out", out_format="jsonl")
    out_lines = sum(len(read_jsonl(p)) for p in (tmp_path / "out").glob("*.jsonl*") if p.name != "rejects.jsonl")
    rejects = read_jsonl(tmp_path / "out" / "rejects.jsonl")
    assert out_lines + len(rejects) == rep.stats.docs_in == 34
    assert sorted((r["source"].rsplit("/", 1)[1], r["line"], r["kind"]) for r in rejects) == [
        ("a.jsonl.gz", 11, "malformed_json"), ("a.jsonl.gz", 12, "malformed_json"),
        ("a.jsonl.gz", 13, "missing_field"), ("b.jsonl", 21, "malformed_json"),
    ]


def test_drop_empty_sends_empties_to_rejects(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "A sentence that stays in the body."}) + "\n" + json.dumps({"text": "   "}) + "\n")
    rep = run([src], tmp_path / "out", drop_empty=True)
    assert rep.stats.written == 1 and rep.stats.rejects == {"empty": 1}
    rep = run([src], tmp_path / "out2")
    assert rep.stats.written == 2 and rep.stats.empty == 1


def test_timeouts_crashes_and_errors_are_rejects(tmp_path):
    ok = "A normal paragraph of article text that the cleaner keeps."
    bad = ["HANG_SOFT", "HANG_HARD", "CRASH", "RULE_TIMEOUT", "BOOM"]
    lines = []
    for b in bad:
        lines += [ok + " one.", b, ok + " two."]
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": t, "id": f"d{i}"}) + "\n" for i, t in enumerate(lines)))
    t0 = time.monotonic()
    rep = run([src], tmp_path / "out", cl=TrickyCleaner(), timeout=0.5, light=False)
    assert time.monotonic() - t0 < 20
    rejects = {r["id"]: r["kind"] for r in read_jsonl(tmp_path / "out/rejects.jsonl")}
    assert rejects == {"d1": "timeout", "d4": "timeout", "d7": "worker_crash", "d10": "rule_timeout", "d13": "error"}
    out = read_jsonl(tmp_path / "out/a.jsonl")
    assert [r["id"] for r in out] == [f"d{i}" for i in range(15) if i % 3 != 1]
    assert rep.workers_replaced == 2


def test_tasks_waiting_behind_a_killed_worker_are_sent_again(tmp_path):
    """A worker holds the next task while it cleans one: when it dies or is killed, the task waiting in its
    pipe is cleaned by its replacement, whole and in order."""
    ok = "A normal paragraph of article text that the cleaner keeps."
    lines = [ok + " a.", "CRASH", ok + " b.", ok + " c.", "HANG_HARD", ok + " d.", ok + " e."]
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": t, "id": f"d{i}"}) + "\n" for i, t in enumerate(lines)))
    rep = run([src], tmp_path / "out", cl=TrickyCleaner(), timeout=0.5, light=False, workers=1, task_docs=1)
    rejects = {r["id"]: r["kind"] for r in read_jsonl(tmp_path / "out/rejects.jsonl")}
    assert rejects == {"d1": "worker_crash", "d4": "timeout"}
    assert [r["id"] for r in read_jsonl(tmp_path / "out/a.jsonl")] == ["d0", "d2", "d3", "d5", "d6"]
    assert rep.workers_replaced == 2


def test_a_task_sent_to_a_worker_that_just_died_goes_back_to_be_cleaned():
    """A worker is sent its next task while it cleans one: it may die in between (a crash, a kill). The send
    fails; the task is the dead worker's like those it held, and comes back with the failure."""
    from cleaner.batch.feed import Task
    from cleaner.batch.pool import Failure, WorkerPool

    pool = WorkerPool(1, None, BatchConfig([]), hard_timeout=None)
    try:
        w = pool.workers[0]
        deadline = time.monotonic() + 20
        while not w.ready and time.monotonic() < deadline:
            pool.poll(0.2)
        w.proc.kill()
        w.proc.join()
        task = Task(0, 0, ["a document"], 0, 0)
        pool.submit(w, task)  # the pipe is broken: no error here
        events = []
        while not events and time.monotonic() < deadline:
            events = pool.poll(0.2)
        assert [(type(e), e.kind, e.task) for e in events] == [(Failure, "worker_crash", task)]
    finally:
        pool.terminate()


class _FailsToUnpickle:
    def __reduce__(self):
        return int, ("not a number",)  # ValueError when the worker unpickles its task


def test_a_task_a_worker_cannot_unpickle_ends_that_worker_not_the_run():
    """The worker reads its pipe in a thread (the task ahead): a message that fails there must end the
    worker as it did when its main thread read it, so the pool replaces it, never a worker waiting forever."""
    from cleaner.batch.feed import Task
    from cleaner.batch.pool import Failure, WorkerPool

    pool = WorkerPool(1, None, BatchConfig([]), hard_timeout=None)
    try:
        pool.submit(pool.workers[0], Task(0, 0, [_FailsToUnpickle()], 0, 0))
        deadline, events = time.monotonic() + 20, []
        while not events and time.monotonic() < deadline:
            events = pool.poll(0.5)
        assert [(type(e), e.kind) for e in events] == [(Failure, "worker_crash")] and pool.replaced == 1
    finally:
        pool.terminate()


def test_inline_soft_timeout(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "HANG_SOFT"}) + "\n" + json.dumps({"text": "Fine text stays here."}) + "\n")
    rep = run([src], tmp_path / "out", cl=TrickyCleaner(), timeout=0.3)
    assert rep.workers == 0 and rep.stats.rejects == {"timeout": 1} and rep.stats.written == 1


def test_stream_output_and_options_guard(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "One line of text."}) + "\n")
    buf = io.BytesIO()
    rep = run_batch(BatchConfig([str(src)]), Cleaner.from_rules(), stream=buf)
    assert json.loads(buf.getvalue())["text"] == "One line of text." and rep.rejects_file is None
    run([src], tmp_path / "out")
    with pytest.raises(OptionsChanged, match="--restart"):
        run([src], tmp_path / "out", out_format="text")
    rep = run([src], tmp_path / "out", out_format="text", restart=True)
    assert rep.shards_skipped == 0 and (tmp_path / "out/a/00000001.txt").read_text() == "One line of text.\n"
    with pytest.raises(PlanError, match="no such file"):
        run([tmp_path / "missing.jsonl"])


DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from cleaner.batch import BatchConfig, run_batch
    from test_batch import TrickyCleaner

    if __name__ == "__main__":
        rep = run_batch(BatchConfig([sys.argv[1]], out=Path(sys.argv[2]), workers=2, out_format="jsonl",
                                    compression="gzip"), TrickyCleaner())
        print(rep.shards_skipped, rep.stats.docs_in)
    """
)


def test_resume_after_kill_has_no_duplicates_and_no_gaps(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    docs = fixture_docs(40)
    n_shards, per_shard = 12, 40
    for s in range(n_shards):
        write_jsonl_gz(src / f"s{s:02d}.jsonl.gz",
                       [{"text": "SLOW " + docs[i], "id": f"{s}-{i}"} for i in range(per_shard)] + ["{bad"])
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(tests=str(Path(__file__).parent)))
    cmd = [sys.executable, str(driver), str(src), str(out)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    manifest = out / ".cleaner" / "manifest.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not manifest.exists() or manifest.read_text().count("\n") < 2):
        time.sleep(0.02)
    p.kill()  # SIGKILL: no cleanup at all; workers die with their pipes
    p.wait()
    # issue 10.9: the orphaned workers exit quietly (they hold the stderr pipe: EOF when all are gone)
    stderr = p.stderr.read().decode()
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    done_before = manifest.read_text().count("\n")
    assert 2 <= done_before < n_shards, "the run should be killed mid-way"
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    skipped, docs_in = map(int, r.stdout.split())
    assert skipped >= done_before and docs_in == n_shards * (per_shard + 1)
    ids = [rec["id"] for f in sorted(out.glob("*.jsonl.gz")) for rec in read_jsonl(f)]
    assert sorted(ids) == sorted(f"{s}-{i}" for s in range(n_shards) for i in range(per_shard))
    assert len(read_jsonl(out / "rejects.jsonl")) == n_shards
    assert not [p for p in out.rglob("*") if p.name.endswith(".cleaner-tmp")]



SURROGATE_LINES = (
    '{"id": "ok-1", "text": "A first paragraph of the article body, long enough to stay."}\n'
    '{"id": "bad\\ud800", "text": "caf\\ud800 au lait is what the article body says here.", "note": "x\\udfff"}\n'
    '{"id": "ok-2", "text": "A second good paragraph of another article body."}\n'
)


def _valid_utf8_files(root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file() and ".cleaner" not in p.parts]
    for p in files:
        raw = p.read_bytes()
        if p.suffix == ".gz":
            raw = gzip.decompress(raw)
        if p.suffix != ".parquet":
            raw.decode("utf-8")  # raises on ED A0 80 and friends
    return files


@pytest.mark.parametrize("out_format", ["jsonl", "text", "parquet"])
def test_lone_surrogates_never_reach_the_output_nor_cost_the_shard(tmp_path, out_format):
    """Issue 10.2/10.3: "caf\\ud800" in a JSON string gave invalid UTF-8 in JSONL and text output and lost
    the whole shard as Parquet (exit 3). Now: U+FFFD with a warning on that record, the others intact."""
    if out_format == "parquet":
        pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "a.jsonl"
    src.write_text(SURROGATE_LINES, encoding="utf-8")
    rep = run([src], tmp_path / "out", out_format=out_format, workers=1)
    assert rep.stats.written == 3 and rep.stats.rejected == 0 and rep.stats.with_warnings >= 1
    _valid_utf8_files(tmp_path / "out")
    if out_format == "jsonl":
        recs = read_jsonl(tmp_path / "out" / "a.jsonl")
        assert recs[1]["id"] == "bad\ufffd" and recs[1]["note"] == "x\ufffd"
        assert any("U+FFFD" in w for w in recs[1]["warnings"]) and not recs[0]["warnings"]
    elif out_format == "parquet":
        t = pq.read_table(tmp_path / "out" / "a.parquet")
        assert t.column("id").to_pylist() == ["ok-1", "bad\ufffd", "ok-2"]
        assert any("U+FFFD" in w for w in t.column("warnings")[1].as_py())
    else:
        names = sorted(p.name for p in (tmp_path / "out" / "a").iterdir())
        assert names == ["00000001_ok-1.txt", "00000002_bad.txt", "00000003_ok-2.txt"]
    buf = io.BytesIO()
    run_batch(BatchConfig([str(src)], out_format="text" if out_format == "parquet" else out_format), Cleaner.from_rules(),
              stream=buf)
    buf.getvalue().decode("utf-8")


def test_values_json_cannot_hold_are_repaired_on_that_record_only(tmp_path):
    """Issue 10.3: a NaN carried through from Parquet input was written as `NaN`, which is no JSON."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["Body one of the article.", "Body two of the article."],
                             "score": [1.5, float("nan")]}), src)
    rep = run([src], tmp_path / "out", out_format="jsonl", workers=1)
    recs = [json.loads(line) for line in (tmp_path / "out" / "in.jsonl").read_text().splitlines()]  # strict JSON
    assert [r["score"] for r in recs] == [1.5, None] and rep.stats.written == 2
    assert any("NaN" in w for w in recs[1]["warnings"])


def test_parquet_row_arrow_refuses_is_one_reject(tmp_path):
    """Issue 10.3: a value Arrow cannot hold costs its record only (an encode_error reject)."""
    pytest.importorskip("pyarrow")
    from cleaner.io.writers import ParquetOutput, parquet_schema
    from cleaner.io.records import Record

    schema = parquet_schema(__import__("pyarrow").schema([("n", __import__("pyarrow").int64())]))
    enc = ParquetOutput().encoder(schema=schema)
    for i, n in enumerate([1, 2**70, 3]):
        enc.add(i, Record("s", i, "t", extra={"n": n}), {"id": str(i), "text": "t", "warnings": []})
    batch, late = enc.finish()
    assert batch.column("n").to_pylist() == [1, 3] and list(late) == [1] and "Parquet" in str(late[1])


def test_fork_server_children_orphaned_while_starting_exit_quietly():
    """Issue 10.9: SIGKILLed while starting a worker, the parent left the fork server's child a truncated
    pickle, printed as a traceback; the preload module silences exactly that class of error."""
    code = ("import sys, pickle, cleaner.batch._forkserver\n"
            "sys.excepthook(pickle.UnpicklingError, pickle.UnpicklingError('pickle data was truncated'), None)\n"
            "sys.excepthook(EOFError, EOFError(), None)\n"
            "sys.excepthook(ValueError, ValueError('a real bug'), None)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "truncated" not in r.stderr and "EOFError" not in r.stderr and "a real bug" in r.stderr
