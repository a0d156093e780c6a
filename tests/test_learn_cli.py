"""The learning drivers: `cleaner learn`, `cleaner clean --learn`, layered rule directories, WET input."""

from __future__ import annotations

import gzip
import json
import signal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli.main import app
from cleaner.io import read_records
from cleaner.learn import driver
from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir, site_name
from cleaner.ruleset.layers import load_dirs
from cleaner.ruleset.model import RuleError

ROOT = Path(__file__).resolve().parents[1]
RUN = CliRunner()
CHROME_HEAD = ["Example Site Home", "News | Sport | Weather | Contact"]
CHROME_TAIL = ["Share this article", "Copyright 2024 Example Ltd. All rights reserved."]
TOPICS = ["harbour", "railway", "library", "orchard", "bridge", "market", "museum", "festival"]


def page(i: int, head=CHROME_HEAD, tail=CHROME_TAIL) -> str:
    topic = TOPICS[i % len(TOPICS)]
    body = [f"The {topic} council met on day {i} to discuss a plan nobody had expected.",
            f"Residents said the {topic} project number {i} would change the town for {i + 2} years.",
            f"A spokesperson promised that a decision on the {topic} would follow within {i + 3} weeks."]
    return "\n".join([*head, *body, *tail]) + "\n"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def site_records(host: str, n: int, **kw) -> list[dict]:
    return [{"id": f"{host}-{i}", "url": f"https://www.{host}/story/{i}", "text": page(i, **kw)} for i in range(n)]


def wet_file(path: Path, pages: list[tuple[str, str]]) -> Path:
    """A Common Crawl style WET file: a warcinfo record, then one gzip member per conversion record."""
    def record(headers: dict, body: bytes) -> bytes:
        head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\n\r\n"
        return gzip.compress(head.encode() + body + b"\r\n\r\n")

    out = record({"WARC-Type": "warcinfo", "WARC-Date": "2024-01-01T00:00:00Z",
                  "WARC-Record-ID": "<urn:uuid:00000000-0000-0000-0000-000000000000>",
                  "Content-Type": "application/warc-fields"}, b"software: test\r\n")
    for i, (url, text) in enumerate(pages, 1):
        out += record({"WARC-Type": "conversion", "WARC-Target-URI": url, "WARC-Date": "2024-01-01T00:00:00Z",
                       "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{i:012d}>",
                       "WARC-Refers-To": f"<urn:uuid:10000000-0000-0000-0000-{i:012d}>",
                       "Content-Type": "text/plain"}, text.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out)
    return path


def learn_cli(*args: str):
    return RUN.invoke(app, ["learn", *args])


def test_site_names_are_registrable_domains_or_local_names():
    assert site_name("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert site_name("www.Example.org") == "example.org"
    assert site_name("Blog A") == "blog-a.local"
    assert site_name("blog-a.local") == "blog-a.local"
    assert site_name("http://192.168.0.1/a") == "192-168-0-1.local" and site_name("localhost:8080") == "localhost.local"
    assert site_name("https://co.uk/") == "co-uk.local"  # a public suffix is no site
    assert site_name("http://münchen.de/") == "xn--mnchen-3ya.de"


def test_learn_groups_by_url_site_writes_loadable_files_and_says_why_not(tmp_path):
    dump = write_jsonl(tmp_path / "dump.jsonl", site_records("example.org", 6) + site_records("tiny.net", 2, head=["Tiny"], tail=["Tiny footer"]))
    out = tmp_path / "learned"
    res = learn_cli(str(dump), "-o", str(out), "--html-field", "")
    assert res.exit_code == 0, res.output
    assert "example.org:" in res.stdout and "-> example.org.yaml" in res.stdout
    assert "tiny.net: 2 pages" in res.stdout  # says why nothing was learned
    assert sorted(p.name for p in out.iterdir()) == ["example.org.yaml", "index.json", "index.parsed.jsonl", "learned.json"]
    report = json.loads((out / "learned.json").read_text())
    assert [s["site"] for s in report["sites"]] == ["example.org", "tiny.net"] and report["documents"] == 8
    assert RUN.invoke(app, ["rules", "check", str(out)]).exit_code == 0
    learned = Cleaner.from_rules([ROOT / "rules", out])
    text = learned.clean(page(99), url="https://example.org/x").text
    assert "Example Site Home" not in text and "council met on day 99" in text


def test_a_dump_without_urls_is_grouped_by_directory(tmp_path):
    for i in range(5):
        d = tmp_path / "dump" / "alpha-blog"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{i}.txt").write_text(page(i), encoding="utf-8")
    write_jsonl(tmp_path / "dump" / "Beta Shop" / "pages.jsonl",
                [{"text": page(i, head=["Beta Shop", "Cart | Account"], tail=["Beta Shop Ltd, 1 Main St."])}
                 for i in range(5)])
    out = tmp_path / "learned"
    res = learn_cli(str(tmp_path / "dump"), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.glob("*.yaml")} == {"alpha-blog.local.yaml", "beta-shop.local.yaml"}
    sites, _ = load_dirs([out])
    assert {rs.name for rs in sites} == {"alpha-blog.local", "beta-shop.local"}
    # clean --learn finds a record's learned rules by its directory too
    res = RUN.invoke(app, ["clean", str(tmp_path / "dump"), "-o", str(tmp_path / "clean"), "--learn"])
    assert res.exit_code == 0, res.output
    assert "used on 10 document(s) of 2 site(s)" in res.stderr
    outs = [f for f in sorted((tmp_path / "clean").glob("*/*.jsonl")) if f.parent.name != ".cleaner"]
    docs = [json.loads(line) for f in outs for line in f.open()]
    assert sorted({d["site"] for d in docs}) == ["alpha-blog.local", "beta-shop.local"]
    assert not any("Example Site Home" in d["text"] or "Cart | Account" in d["text"] for d in docs)
    assert all("council met" in d["text"] for d in docs)
    # --site puts every record in one site; --site-field names it per record
    res = learn_cli(str(tmp_path / "dump"), "-o", str(tmp_path / "one"), "--site", "mine.example")
    assert res.exit_code == 0 and "mine.example: 10 pages" in res.stdout
    dump = write_jsonl(tmp_path / "f.jsonl", [{"text": page(i), "site": "www.field.org"} for i in range(4)])
    res = learn_cli(str(dump), "-o", str(tmp_path / "field"), "--site-field", "site")
    assert res.exit_code == 0 and "field.org: 4 pages" in res.stdout


def test_learned_files_are_byte_identical_across_runs_worker_counts_and_chunking(tmp_path, monkeypatch):
    recs = site_records("example.org", 9) + site_records("other.com", 7, head=["Other"], tail=["Other footer"])
    dump = write_jsonl(tmp_path / "dump.jsonl", recs)
    learn_cli(str(dump), "-o", str(tmp_path / "a"))
    learn_cli(str(dump), "-o", str(tmp_path / "b"))
    monkeypatch.setattr(driver, "POOL_BYTES", 0)  # a pool of 2 workers, 3 records a chunk
    run = build_profiles([str(dump)], LearnOptions(chunk_docs=3), workers=2)
    assert run.workers == 2 and run.docs == 16
    learn_to_dir(run, tmp_path / "c")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["example.org.yaml", "index.json", "index.parsed.jsonl", "learned.json", "other.com.yaml"]
    for name in files:
        data = (tmp_path / "a" / name).read_bytes()
        assert data == (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes(), name


def test_one_page_sites_wait_out_of_memory_and_learn_what_they_did(tmp_path, monkeypatch):
    """A crawl's one-page sites cost nothing beyond counting (issue 18): while reading, a site's first
    page is written out of memory until a second comes; what is learned and reported is unchanged."""
    recs = [r for i in range(5) for r in site_records(f"single{i}.org", 1)] + site_records("example.org", 4)
    recs = recs[:3] + recs[5:7] + recs[3:5] + recs[7:]  # example.org's pages in three chunks
    dump = write_jsonl(tmp_path / "dump.jsonl", recs)
    run = build_profiles([str(dump)], LearnOptions(chunk_docs=2), workers=1)
    assert sorted(run.profiles.held) == ["example.org"] and len(run.spill) == 5
    assert run.profiles["single3.org"].pages == 1 and sorted(run.profiles)[1:] == [f"single{i}.org" for i in range(5)]
    learn_to_dir(run, tmp_path / "a")
    monkeypatch.setattr(driver, "SpilledSites", lambda: None)  # as before: every site held in memory
    plain = build_profiles([str(dump)], LearnOptions(chunk_docs=2), workers=1)
    assert isinstance(plain.profiles, dict) and len(plain.profiles) == 6
    learn_to_dir(plain, tmp_path / "b")
    for name in ("example.org.yaml", "learned.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    report = json.loads((tmp_path / "a" / "learned.json").read_text(encoding="utf-8"))
    assert [s["reason"] for s in report["sites"] if s["site"] == "single0.org"] == ["1 pages, fewer than 3: nothing learned"]
    monkeypatch.undo()  # a TMPDIR that cannot be written: the sites stay in memory, nothing else changes
    from cleaner.learn import spill

    def unwritable(**_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spill.tempfile, "TemporaryFile", unwritable)
    held = build_profiles([str(dump)], LearnOptions(chunk_docs=2), workers=1)
    assert len(held.profiles.held) == 6 and not held.spill
    learn_to_dir(held, tmp_path / "c")
    assert (tmp_path / "c" / "learned.json").read_bytes() == (tmp_path / "a" / "learned.json").read_bytes()


def test_a_worker_that_dies_costs_only_the_record_it_died_on(tmp_path, monkeypatch):
    recs = site_records("example.org", 7) + site_records("other.com", 5, head=["Other"], tail=["Other footer"])
    poisoned = recs[:4] + [{"url": "https://example.org/x", "text": "POISON\n"}] + recs[4:]
    dump, clean = write_jsonl(tmp_path / "p.jsonl", poisoned), write_jsonl(tmp_path / "c.jsonl", recs)
    monkeypatch.setattr(driver, "POOL_BYTES", 0)
    monkeypatch.setenv("CLEANER_FAULT", "learn-crash:POISON")  # read by the parent, sent to its workers
    run = build_profiles([str(dump)], LearnOptions(chunk_docs=3), workers=2)
    assert run.docs == 13 and run.rejected == 1
    assert run.rejects == [{"source": str(dump), "line": 5, "kind": "worker_crash",
                            "reason": "worker process killed by signal 9"}]
    learn_to_dir(run, tmp_path / "a")
    learn_to_dir(build_profiles([str(clean)], LearnOptions(chunk_docs=3), workers=1), tmp_path / "b")
    for f in sorted((tmp_path / "b").glob("*.yaml")):
        assert f.read_bytes() == (tmp_path / "a" / f.name).read_bytes()


def test_html_records_are_learned_from_their_block_lines(tmp_path):
    def html(i):
        body = "".join(f"<p>{line}</p>" for line in page(i).splitlines()[2:-2])
        return (f"<html><head><title>t</title><script>var x = {i};</script></head><body><nav><a href='/'>Home</a> "
                f"<a href='/n'>News</a></nav><div id='main'>{body}</div><footer><p>Copyright Example Ltd.</p>"
                f"</footer></body></html>")

    dump = write_jsonl(tmp_path / "d.jsonl", [{"url": f"http://example.org/{i}", "html": html(i)} for i in range(5)])
    out = tmp_path / "learned"
    assert learn_cli(str(dump), "-o", str(out)).exit_code == 0
    doc = yaml.safe_load((out / "example.org.yaml").read_text(encoding="utf-8"))
    # the pages share a template: its body is learned, and the text rules on the lines it yields
    assert doc["html"]["body"] == ["#main"] and "var x" not in str(doc)
    res = Cleaner.from_rules([str(ROOT / "rules"), str(out)]).clean(html(9), url="http://example.org/9")
    assert "Copyright" not in res.text and "Home" not in res.text and res.site_reason == "url; template #main"


def test_a_learned_rule_that_removes_a_line_the_hand_rules_keep_is_reported(tmp_path):
    hand = tmp_path / "hand"
    hand.mkdir()
    (hand / "example.org.yaml").write_text(yaml.safe_dump({
        "site": "example.org", "description": "Hand-written.", "domains": ["example.org"],
        "rules": [{"id": "share-line", "description": "Drops the share line.", "action": "drop",
                   "match": {"literal": ["Share this article"]},
                   "example": {"input": "Text.\nShare this article\n", "output": "Text.\n"}}]}), encoding="utf-8")
    dump = write_jsonl(tmp_path / "dump.jsonl", site_records("example.org", 6))
    out = tmp_path / "learned"
    res = learn_cli(str(dump), "-o", str(out), "--rules", str(hand))
    assert res.exit_code == 0, res.output
    assert "conflict: learned rule" in res.stdout and "Example Site Home" in res.stdout
    site = json.loads((out / "learned.json").read_text())["sites"][0]
    assert site["conflicts"] and site["conflicts"][0]["lines"] >= 6
    assert not any("Share this article" in e for c in site["conflicts"] for e in c["examples"])  # hand drops it


def test_rule_directories_layer_hand_rules_first(tmp_path):
    learned = tmp_path / "learned"
    learned.mkdir()
    doc = {"site": "vietnam.vn", "description": "Learned.", "domains": ["vietnam.vn"],
           "rules": [{"id": "learned-x", "description": "Drops x.", "action": "drop", "match": {"literal": ["x y z"]},
                      "example": {"input": "x y z\nText.\n", "output": "Text.\n"}}]}
    (learned / "vietnam.vn.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    sites, generic = load_dirs([ROOT / "rules", learned])
    vn = next(rs for rs in sites if rs.name == "vietnam.vn")
    assert vn.rules[-1].id == "learned-x" and vn.rules[0].id != "learned-x" and generic is not None
    assert vn.source.startswith(str(ROOT / "rules"))  # the hand file owns the site
    doc["rules"][0]["id"] = vn.rules[0].id
    (learned / "vietnam.vn.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(RuleError, match="duplicate"):
        load_dirs([ROOT / "rules", learned])


def test_clean_learn_two_passes_summary_explain_and_reuse(tmp_path):
    dump = write_jsonl(tmp_path / "dump.jsonl", site_records("example.org", 6) + site_records("tiny.net", 2, head=["Tiny"], tail=["Tiny footer"]))
    out = tmp_path / "out"
    res = RUN.invoke(app, ["clean", str(dump), "-o", str(out), "--learn", "--stats", str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    assert "learned rules: 1 site(s) learned, used on 6 document(s) of 1 site(s)" in res.stderr
    stats = json.loads((tmp_path / "s.json").read_text())["learned"]
    assert stats["sites_used"] == 1 and stats["documents"] == 6
    docs = [json.loads(line) for line in (out / "dump.jsonl").read_text().splitlines()]
    assert all("council met" in d["text"] for d in docs)
    chrome = [("Example Site Home" in d["text"] or "Tiny footer" in d["text"], d["site"]) for d in docs]
    assert chrome == [(False, "example.org")] * 6 + [(True, None)] * 2
    learned = out / ".cleaner" / "learned"
    assert (learned / "example.org.yaml").is_file()
    f = tmp_path / "page.txt"
    f.write_text(page(42) + "Share on Facebook\n", encoding="utf-8")  # a line for the shipped generic rules
    for rules in ([str(learned)], [str(ROOT / "rules"), str(learned)]):  # alone: on the shipped rules
        args = [a for r in rules for a in ("--rules", r)]
        res = RUN.invoke(app, ["explain", str(f), "--url", "https://example.org/42", *args])
        assert res.exit_code == 0 and "learned-" in res.stdout and "share-bar" in res.stdout
    res = RUN.invoke(app, ["clean", str(dump), "-o", str(tmp_path / "again"), "--rules", str(learned)])
    assert res.exit_code == 0 and "learned rules: 1 site(s) learned, used on 6 document(s)" in res.stderr
    assert (tmp_path / "again" / "dump.jsonl").read_bytes() == (out / "dump.jsonl").read_bytes()
    res = RUN.invoke(app, ["clean", str(dump), "-o", str(out), "--learn"])
    assert res.exit_code == 0 and "reusing the learned rules" in res.stderr
    # an OUT cleaned with learned rules is not resumed without them
    assert RUN.invoke(app, ["clean", str(dump), "-o", str(out)]).exit_code == 2


def test_clean_learn_resumes_after_a_kill_during_the_learning_pass(tmp_path):
    dump = write_jsonl(tmp_path / "dump.jsonl", [r for i in range(4) for r in site_records(f"site{i}.org", 5)])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CLEANER_FAULT": "learn-write:2"}
    cmd = [sys.executable, "-m", "cleaner.cli.main", "clean", str(dump), "-o", str(tmp_path / "out"), "--learn", "-q"]
    killed = subprocess.run(cmd, env=env, capture_output=True)
    assert killed.returncode == -9
    state = tmp_path / "out" / ".cleaner"
    assert not (state / "learned").exists() and len(list(state.glob("learned.tmp-*"))) == 1
    del env["CLEANER_FAULT"]
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    assert not list(state.glob("learned.tmp-*"))
    fresh = [*cmd[:6], str(tmp_path / "fresh"), "--learn", "-q"]
    assert subprocess.run(fresh, env=env, capture_output=True).returncode == 0
    for f in sorted((tmp_path / "fresh" / ".cleaner" / "learned").iterdir()):
        assert f.read_bytes() == (state / "learned" / f.name).read_bytes()
    assert (tmp_path / "out" / "dump.jsonl").read_bytes() == (tmp_path / "fresh" / "dump.jsonl").read_bytes()


def test_wet_files_are_read_as_text_in_clean_and_learn(tmp_path):
    pytest.importorskip("fastwarc")
    wet = wet_file(tmp_path / "crawl" / "CC-MAIN-1.warc.wet.gz",
                   [(f"https://www.example.org/story/{i}", page(i)) for i in range(5)])
    recs = list(read_records(wet))
    assert [r.url for r in recs] == [f"https://www.example.org/story/{i}" for i in range(5)]
    assert recs[0].format == "text" and recs[0].data.decode() == page(0)
    assert recs[0].id.endswith("000000000001>") and recs[0].extra["warc_refers_to"]
    res = RUN.invoke(app, ["clean", str(wet), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    docs = [json.loads(line) for line in (tmp_path / "out" / "CC-MAIN-1.wet.jsonl").read_text().splitlines()]
    assert len(docs) == 5 and docs[0]["url"] == recs[0].url and "council met" in docs[0]["text"]
    res = learn_cli(str(tmp_path / "crawl"), "-o", str(tmp_path / "learned"))
    assert res.exit_code == 0 and "example.org: 5 pages" in res.stdout


def test_learn_edge_cases_stdin_reruns_and_usage(tmp_path):
    data = "".join(json.dumps(r) + "\n" for r in site_records("example.org", 4))
    res = RUN.invoke(app, ["learn", "-", "-o", str(tmp_path / "a")], input=data)
    assert res.exit_code == 0 and "example.org: 4 pages" in res.stdout
    # a rerun into the same directory with fewer pages removes the file it learned before, and only that
    (tmp_path / "a" / "mine.org.yaml").write_text("hand-made", encoding="utf-8")
    data = "".join(json.dumps(r) + "\n" for r in site_records("example.org", 2))
    assert RUN.invoke(app, ["learn", "-", "-o", str(tmp_path / "a")], input=data).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["index.json", "index.parsed.jsonl", "learned.json", "mine.org.yaml"]
    # a file it did not learn (a hand-written one) is never overwritten
    data = "".join(json.dumps(r) + "\n" for r in site_records("mine.org", 4))
    res = RUN.invoke(app, ["learn", "-", "-o", str(tmp_path / "a")], input=data)
    assert res.exit_code == 0 and "mine.org.yaml exists and was not learned here" in res.stdout
    assert (tmp_path / "a" / "mine.org.yaml").read_text(encoding="utf-8") == "hand-made"
    dump = write_jsonl(tmp_path / "d.jsonl", site_records("example.org", 2))
    for args, message in [([str(dump), "--learn"], "--learn needs an output directory"),
                          (["-", "-o", str(tmp_path / "o"), "--learn"], "stdin (-) cannot be used")]:
        res = RUN.invoke(app, ["clean", *args])
        assert res.exit_code == 2 and message in res.stderr
    res = learn_cli(str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "b"))
    assert res.exit_code == 2 and "no such file" in res.stderr


SITES_DEV = ROOT.parent / "shared" / "sites-dev" / "pages.jsonl.gz"


@pytest.mark.skipif(not SITES_DEV.exists(), reason="../shared/sites-dev not available")
def test_learning_sites_dev_gives_checked_identical_files(tmp_path):
    runs = []
    for name in ("a", "b"):
        res = learn_cli(str(SITES_DEV), "-o", str(tmp_path / name), "--html-field", "", "-q")
        assert res.exit_code == 0, res.output
        runs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert runs[0] == runs[1] and len(runs[0]) > 1
    report = json.loads(runs[0]["learned.json"])
    assert report["documents"] == 368 and len(report["sites"]) == 57  # registrable domains
    res = RUN.invoke(app, ["rules", "check", str(tmp_path / "a")])
    assert res.exit_code == 0 and " 0 failed" in res.stderr


def _session(sid: int) -> list[int]:
    """The live processes of session `sid` (a child started in a new session, and all it started)."""
    pids = []
    for d in Path("/proc").iterdir():
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(d.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("command", ["learn", "clean"])
def test_learning_workers_exit_when_their_parent_is_killed(tmp_path, command):
    """Issue 18.5: learning workers outlived a SIGKILLed `learn` or `clean --learn` (first pass) for minutes
    (failed before the fix); they are now `clean`'s workers, which read the end of their pipe and exit."""
    dump = write_jsonl(tmp_path / "d.jsonl", [r for i in range(200) for r in site_records(f"site{i}.org", 30)])
    assert dump.stat().st_size > driver.POOL_BYTES  # learned by a pool
    cmd = [sys.executable, "-m", "cleaner.cli.main", command, str(dump), "-o", str(tmp_path / "out"), "--workers",
           "2", *(["--learn", "-q"] if command == "clean" else [])]
    proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_session(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the parent and its workers
    assert proc.poll() is None, "learning ended before its workers were seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session(proc.pid)
    for pid in left:  # do not leave them behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_clean_learn_holds_the_output_lock_while_it_learns(tmp_path):
    """Issue 18.6: a second `clean --learn` into the OUT of a live one was not refused and deleted the
    first one's live learned.tmp-* directory (failed before the fix). Another process holds the lock here."""
    dump = write_jsonl(tmp_path / "dump.jsonl", [r for i in range(2) for r in site_records(f"site{i}.org", 5)])
    out = tmp_path / "out"
    live = out / ".cleaner" / "learned.tmp-1"
    live.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from pathlib import Path; from cleaner.batch.resume "
                               "import RunLock; RunLock(Path(sys.argv[1])); print('held', flush=True); sys.stdin.read()",
                               str(out)], env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        res = RUN.invoke(app, ["clean", str(dump), "-o", str(out), "--learn", "-q"])
        assert res.exit_code == 2 and "in use by another cleaner run" in res.stderr, res.output
        assert len(res.stderr.strip().splitlines()) == 1 and live.is_dir()
    finally:
        holder.stdin.close()
        holder.wait()
    res = RUN.invoke(app, ["clean", str(dump), "-o", str(out), "--learn", "-q"])
    assert res.exit_code == 0 and not live.exists() and (out / ".cleaner" / "learned").is_dir()


def test_learn_into_a_directory_recovers_from_a_killed_pass(tmp_path):
    """Issue 18.4: `learn -o DIR` killed midway (a file size limit, SIGKILL) left files it then refused to
    replace on every rerun ("exists and was not learned here") and a temporary file never removed (failed
    before the fix). Each file is now named in DIR/.learned-writing before it is written."""
    import resource

    dump = write_jsonl(tmp_path / "dump.jsonl", [r for i in range(4) for r in site_records(f"site{i}.org", 5)])
    out = tmp_path / "learned"
    cmd = [sys.executable, "-m", "cleaner.cli.main", "learn", str(dump), "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def small_files():  # a file size limit: writing the first learned file fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))

    res = subprocess.run(cmd, env=env, capture_output=True, text=True, preexec_fn=small_files)
    assert res.returncode == 3 and res.stderr == "error: File too large\n"
    assert not any(p.name.endswith(".cleaner-tmp") for p in out.iterdir())
    (out / ".site0.org.yaml.999999999.cleaner-tmp").write_text("cut by a kill")  # of a process that is gone
    (out / ".index.parsed.jsonl.999999999.cleaner-tmp").write_text("cut by a kill")  # (the index's too)
    killed = subprocess.run(cmd, env={**env, "CLEANER_FAULT": "learn-write:2"}, capture_output=True)
    assert killed.returncode == -9 and len(list(out.glob("*.yaml"))) == 2
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert res.returncode == 0 and "not learned here" not in res.stdout, res.stdout
    assert sorted(p.name for p in out.iterdir()) == ["index.json", "index.parsed.jsonl", "learned.json", *(f"site{i}.org.yaml" for i in range(4))]
