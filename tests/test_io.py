"""Readers and writers of cleaner.io: every format in and out, and every kind of damage as a reject."""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest

from cleaner.io import (
    Fields,
    JsonlLines,
    JsonlWriter,
    MissingExtra,
    Record,
    Reject,
    TextDirWriter,
    detect_format,
    discover,
    read_records,
    require,
    split_name,
)
from cleaner.io.compression import Compressor, iter_chunks


def jl(*objs) -> bytes:
    return b"".join((o if isinstance(o, bytes) else json.dumps(o).encode()) + b"\n" for o in objs)


def http_response(uri: str, body: bytes, rid: str, ctype: str = "text/html; charset=utf-8", http: bool = True) -> bytes:
    payload = body
    if http:
        payload = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
        f"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return head + payload + b"\r\n\r\n"


def test_split_name_and_detect():
    assert split_name("a.jsonl.gz") == ("a", "jsonl", "gzip")
    assert split_name("b.JSONL.zst") == ("b", "jsonl", "zstd")
    assert split_name("c.warc.gz") == ("c", "warc", "gzip")
    assert detect_format("x/y.html") == "html" and detect_format("y.htm") == "html"
    assert detect_format("y.txt") == "text" and detect_format("y.parquet") == "parquet"
    assert detect_format("README") is None and detect_format("a.txt.gz") == "text"
    assert detect_format("p.html.zst") == "html"


def test_discover_walks_sorted_skips_hidden_unknown_and_output(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "out").mkdir()
    for p in ("a.txt", "b/c.html", "b/d.bin", ".hidden.txt", ".git/x.txt", "out/o.txt"):
        (tmp_path / p).write_text("x")
    files, skipped = discover(tmp_path, exclude=tmp_path / "out")
    assert [f.rel for f in files] == ["a.txt", "b/c.html"]
    assert [f.format for f in files] == ["text", "html"]
    assert [p.name for p in skipped] == ["d.bin"]


@pytest.mark.parametrize("compress", ["none", "gzip", "zstd"])
def test_jsonl_fields_carry_through_and_rejects(tmp_path, compress):
    data = jl(
        {"text": "one", "url": "http://x/1", "id": 7, "lang": "en"},
        b"",
        b"{not json",
        [1, 2],
        {"title": "no text"},
        {"text": 5},
        b'{"text": "bad \xff utf8"}',
        {"html": "<p>h</p>", "text": "ignored"},
    )
    name = "a.jsonl"
    if compress == "gzip":
        data, name = gzip.compress(data), name + ".gz"
    elif compress == "zstd":
        zstandard = pytest.importorskip("zstandard")
        data, name = zstandard.ZstdCompressor().compress(data), name + ".zst"
    p = tmp_path / name
    p.write_bytes(data)
    out = list(read_records(p))
    assert [type(r).__name__ for r in out] == ["Record", "Reject", "Reject", "Reject", "Reject", "Reject", "Record"]
    first = out[0]
    assert (first.data, first.url, first.id, first.extra, first.offset) == ("one", "http://x/1", "7", {"lang": "en"}, 1)
    assert [(r.offset, r.kind) for r in out[1:6]] == [
        (3, "malformed_json"), (4, "malformed_json"), (5, "missing_field"), (6, "missing_field"), (7, "decode_error"),
    ]
    assert out[6].format == "html" and out[6].data == "<p>h</p>" and out[6].offset == 8
    assert out[1].to_dict() == {"source": str(p), "line": 3, "kind": "malformed_json", "reason": out[1].reason}


def test_jsonl_custom_field_names(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_bytes(jl({"body": "b", "link": "http://l", "doc": "d1", "keep": 1}))
    [r] = read_records(p, fields=Fields(text="body", url="link", id="doc"))
    assert (r.data, r.url, r.id, r.extra) == ("b", "http://l", "d1", {"keep": 1})


def test_corrupt_gzip_member_costs_only_its_lines(tmp_path):
    m1, m2, m3 = (gzip.compress(jl(*({"text": f"doc {i}"} for i in r))) for r in (range(0, 3), range(3, 6), range(6, 9)))
    bad = bytearray(m2)
    bad[20:30] = b"\xff" * 10  # inside the deflate data
    p = tmp_path / "a.jsonl.gz"
    p.write_bytes(m1 + bytes(bad) + m3)
    out = list(read_records(p))
    texts = [r.data for r in out if isinstance(r, Record)]
    rejects = [r for r in out if isinstance(r, Reject)]
    assert texts == ["doc 0", "doc 1", "doc 2", "doc 6", "doc 7", "doc 8"]
    assert len(rejects) == 1 and rejects[0].kind == "corrupt_input" and "corrupt gzip member" in rejects[0].reason


def test_truncated_gzip_is_a_reject(tmp_path):
    p = tmp_path / "a.jsonl.gz"
    p.write_bytes(gzip.compress(jl(*({"text": f"doc {i} " * 50} for i in range(50))))[:-200])
    out = list(read_records(p))
    assert isinstance(out[-1], Reject) and out[-1].kind == "corrupt_input"
    assert all(isinstance(r, Record) for r in out[:-1]) and len(out) > 1


def test_too_long_line_never_buffered(tmp_path):
    data = jl({"text": "a"}, {"text": "x" * 5000}, {"text": "b"})
    recs = list(JsonlLines(io.BufferedReader(io.BytesIO(data)), "s", max_bytes=1000))
    assert [(type(r).__name__, r.offset) for r in recs] == [("Record", 1), ("Reject", 2), ("Record", 3)]
    assert recs[1].kind == "too_large" and recs[0].raw == "jsonl"


def test_document_files_too_large_unreadable_or_compressed(tmp_path):
    from cleaner.io.readers import read_file_record

    big, gz, gone = tmp_path / "big.txt", tmp_path / "a.txt.gz", tmp_path / "gone.txt"
    big.write_bytes(b"x" * 101)
    gz.write_bytes(gzip.compress("Ein Absatz.".encode()))
    assert read_file_record(big, "big.txt", max_bytes=100).kind == "too_large"
    assert read_file_record(big, "big.txt", max_bytes=101).data == b"x" * 101
    assert read_file_record(gz, "a.txt.gz").data == "Ein Absatz.".encode()
    rej = read_file_record(gone, "gone.txt")
    assert rej.kind == "read_error" and "No such file" in rej.reason


def test_warc_records_and_bad_record_resync(tmp_path):
    pytest.importorskip("fastwarc")
    r1 = http_response("http://a.com/1", b"<html><body><p>one</p></body></html>", "1")
    r2 = http_response("http://a.com/2", "<p>zwei \u00fc</p>".encode("latin-1"), "2", "text/html; charset=iso-8859-1")
    nonhttp = http_response("http://a.com/3", b"no http here", "3", http=False)
    p = tmp_path / "a.warc"
    p.write_bytes(r1 + nonhttp + b"garbage that is no WARC header\r\n\r\n" + r2)
    out = list(read_records(p))
    kinds = [(type(r).__name__, getattr(r, "kind", None)) for r in out]
    assert kinds == [("Record", None), ("Reject", "bad_warc_record"), ("Reject", "bad_warc_record"), ("Record", None)]
    assert out[0].url == "http://a.com/1" and out[0].id == "<urn:uuid:1>" and out[0].format == "html"
    # bytes as sent, with the Content-Type for the cleaner's decoding (BOM, header charset, meta, detector)
    assert out[3].data == b"<p>zwei \xfc</p>" and out[3].extra["content_type"].endswith("iso-8859-1")
    assert out[3].offset == len(r1 + nonhttp) + len(b"garbage that is no WARC header\r\n\r\n")
    pg = tmp_path / "b.warc.gz"
    pg.write_bytes(gzip.compress(r1) + gzip.compress(r2))
    assert [r.url for r in read_records(pg)] == ["http://a.com/1", "http://a.com/2"]


def test_parquet_rows_in(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    p = tmp_path / "a.parquet"
    pq.write_table(pa.table({"text": ["a", None], "url": ["http://u", None], "n": [1, 2]}), p)
    out = list(read_records(p))
    assert isinstance(out[0], Record) and out[0].extra == {"n": 1} and out[0].unit == "row"
    assert isinstance(out[1], Reject) and out[1].kind == "missing_field" and out[1].to_dict()["offset"] == 1


def test_unreadable_parquet_is_a_reject(tmp_path):
    pytest.importorskip("pyarrow")
    p = tmp_path / "a.parquet"
    p.write_bytes(b"PAR1 this is not parquet")
    [r] = read_records(p)
    assert isinstance(r, Reject) and r.kind == "corrupt_input"


@pytest.mark.parametrize("compression", [None, "gzip", "zstd"])
def test_compressed_blocks_concatenate(tmp_path, compression):
    if compression == "zstd":
        pytest.importorskip("zstandard")
    c = Compressor(compression)
    blob = c(b'{"a": 1}\n') + c(b"") + c(b'{"a": 2}\n')
    chunks = b"".join(ch[0] for ch in iter_chunks(io.BytesIO(blob), compression))
    assert chunks == b'{"a": 1}\n{"a": 2}\n'


def test_jsonl_writer_is_atomic(tmp_path):
    w = JsonlWriter(tmp_path / "o.jsonl.gz", "gzip")
    w.write({"id": "1", "text": "é"})
    assert not (tmp_path / "o.jsonl.gz").exists()
    w.commit()
    assert json.loads(gzip.decompress((tmp_path / "o.jsonl.gz").read_bytes())) == {"id": "1", "text": "é"}
    assert [p.name for p in tmp_path.iterdir()] == ["o.jsonl.gz"]


def test_text_dir_writer(tmp_path):
    w = TextDirWriter(tmp_path)
    w.write("a/b.txt", "body")
    w.write("a/empty.txt", "")
    assert (tmp_path / "a/b.txt").read_text() == "body\n" and (tmp_path / "a/empty.txt").read_text() == ""


def test_missing_extra_names_the_extra(monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("fastwarc"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    import sys

    monkeypatch.delitem(sys.modules, "fastwarc", raising=False)
    monkeypatch.delitem(sys.modules, "fastwarc.warc", raising=False)
    with pytest.raises(MissingExtra, match=r"pip install 'cleaner\[warc\]'"):
        require("fastwarc.warc", "WARC input")


def test_zlib_sanity():  # the gzip writer's members carry no timestamp: output is reproducible
    assert Compressor("gzip")(b"x") == Compressor("gzip")(b"x")
    assert zlib.decompress(Compressor("gzip")(b"x"), 31) == b"x"


def _zstd_records(tmp_path, blob: bytes):
    p = tmp_path / "a.jsonl.zst"
    p.write_bytes(blob)
    out = list(read_records(p))
    return [r for r in out if isinstance(r, Record)], [r for r in out if isinstance(r, Reject)]


def test_truncated_zstd_keeps_what_is_readable_and_rejects_the_rest(tmp_path):
    """Issue 10.1: a zstd stream cut inside its second frame lost that frame silently (exit 0, no reject)."""
    zstandard = pytest.importorskip("zstandard")
    c = zstandard.ZstdCompressor()
    docs = [{"text": f"doc {i} " + "lorem ipsum dolor " * 30} for i in range(400)]
    f1, f2 = c.compress(jl(*docs[:200])), c.compress(jl(*docs[200:]))
    recs, rejects = _zstd_records(tmp_path, f1 + f2[: len(f2) // 2])
    assert [r.data for r in recs] == [d["text"] for d in docs[: len(recs)]] and len(recs) >= 200
    assert len(rejects) == 1 and rejects[0].kind == "corrupt_input" and "zstd" in rejects[0].reason
    assert f"byte {len(f1)}" in rejects[0].reason and rejects[0].offset == len(recs) + 1


def test_corrupt_zstd_costs_only_the_damaged_part(tmp_path):
    """Issue 10.1: 50 corrupted bytes in the middle of a zstd stream lost every record of it."""
    zstandard = pytest.importorskip("zstandard")
    import random

    rng = random.Random(5)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    docs = [{"text": f"doc {i} " + " ".join(rng.choice(words) for _ in range(80))} for i in range(2000)]
    c = zstandard.ZstdCompressor()
    one = bytearray(c.compress(jl(*docs)))
    mid = len(one) // 2
    one[mid : mid + 50] = bytes(rng.randrange(256) for _ in range(50))
    recs, rejects = _zstd_records(tmp_path, bytes(one))
    assert len(recs) > 500 and [r.data for r in recs[:500]] == [d["text"] for d in docs[:500]]
    assert len(rejects) >= 1 and rejects[0].kind == "corrupt_input"
    # frames after a damaged one are read again
    frames = [c.compress(jl(*docs[k : k + 100])) for k in range(0, 300, 100)]
    bad = bytearray(frames[1])
    bad[len(bad) // 2 : len(bad) // 2 + 50] = b"\xff" * 50
    recs, rejects = _zstd_records(tmp_path, frames[0] + bytes(bad) + frames[2])
    texts = [r.data for r in recs]
    assert texts[:100] == [d["text"] for d in docs[:100]] and texts[-100:] == [d["text"] for d in docs[200:300]]
    assert len(rejects) == 1 and rejects[0].kind == "corrupt_input"


def test_truncated_zstd_document_file_is_a_reject(tmp_path):
    """Issue 10.1: a `.txt.zst` cut short was read as a shorter document, silently."""
    zstandard = pytest.importorskip("zstandard")
    from cleaner.io.readers import read_file_record

    p = tmp_path / "a.txt.zst"
    blob = zstandard.ZstdCompressor().compress(("Ein Absatz. " * 20000).encode())
    p.write_bytes(blob[: len(blob) // 2])
    rej = read_file_record(p, "a.txt.zst")
    assert isinstance(rej, Reject) and rej.kind == "corrupt_input" and "truncated zstd" in rej.reason
    p.write_bytes(blob)
    assert read_file_record(p, "a.txt.zst").data == ("Ein Absatz. " * 20000).encode()


def test_record_file_names_are_safe_and_short():
    """Text output named by id (issue 10, friction): any id gives a safe name of at most 255 bytes (a
    name the file system refuses would stop the run), numbered like rejects.jsonl."""
    from cleaner.io.writers import record_file_name

    assert record_file_name(Record("s", 7, "", id="a/b c\ud800")) == "00000007_a_b_c.txt"
    assert record_file_name(Record("s", 7, "", id="../..")) == "00000007.txt"
    name = record_file_name(Record("s", 12, "", id="漢" * 200))
    assert name.startswith("00000012_漢") and len(name.encode()) < 255


@pytest.mark.parametrize("obj, why", [
    ({"text": ["x"]}, "field 'text' is an array, not a string"),
    ({"html": ["x"]}, "field 'html' is an array, not a string"),  # it named 'text' before
    ({"html": None, "text": 3}, "field 'text' is a number, not a string"),
])
def test_a_field_that_is_no_string_is_named(obj, why):
    from cleaner.io.records import Fields, record_from_mapping

    rej = record_from_mapping(obj, "d.jsonl", 1, "line", Fields())
    assert isinstance(rej, Reject) and rej.kind == "missing_field" and rej.reason == why


def test_wet_conversion_records_are_text_with_their_url(tmp_path):
    """Common Crawl WET: `conversion` records are whole-page text (not HTML), with WARC-Target-URI."""
    pytest.importorskip("fastwarc")
    from test_learn_cli import wet_file

    path = wet_file(tmp_path / "crawl.warc.wet.gz", [("https://example.org/a", "Home\nFirst page text."),
                                                      ("https://example.org/b", "Home\nSecond page text.")])
    recs = list(read_records(path))
    assert [(r.format, r.url) for r in recs] == [("text", "https://example.org/a"), ("text", "https://example.org/b")]
    assert recs[0].data == b"Home\nFirst page text." and recs[0].extra["warc_refers_to"]


BOMB = 64 << 20  # 64 MiB of one byte: 64 KB as gzip, 2 KB as zstd


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_decompression_bomb_decodes_in_bounded_chunks(compression):
    """Issue 18.7: a 1 MB gzip or 65 KB zstd of one 1 GiB line peaked at 0.8-1.1 GB: each read
    decompressed without max_length. Failed before the fix (one 64 MiB chunk)."""
    from cleaner.io.compression import CHUNK

    data = b"a" * BOMB + b"\n"
    if compression == "gzip":
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        packed, bound = z.compress(data) + z.flush(), CHUNK
    else:
        zstandard = pytest.importorskip("zstandard")
        packed, bound = zstandard.ZstdCompressor(level=19).compress(data), CHUNK + (16 << 20)
    del data
    sizes = [len(c[0]) for c in iter_chunks(io.BytesIO(packed), compression)]
    assert sum(sizes) == BOMB + 1 and max(sizes) <= bound


def test_bomb_line_is_too_large_and_newline_runs_are_counted():
    """Issue 18.7: the bomb line is a reject and reading goes on; a run of blank lines (a gzip of 1 GiB
    of newlines ran for minutes) keeps the line numbers of what follows."""
    data = jl({"text": "a"}) + b"x" * (5 << 20) + b"\n" + b"\n" * 3_000_000 + b" \r\n \n" + jl({"text": "b"})
    recs = list(JsonlLines(io.BufferedReader(io.BytesIO(gzip.compress(data, 1))), "s", max_bytes=1 << 20))
    assert [(type(r).__name__, r.offset) for r in recs] == [("Record", 1), ("Reject", 2), ("Record", 3_000_005)]
    assert recs[1].kind == "too_large" and json.loads(recs[2].data) == {"text": "b"}


def test_orphaned_temporaries_of_dead_writers_are_swept_live_ones_stay(tmp_path):
    import os
    import subprocess
    import sys

    from cleaner.io.writers import TMP_MARK, sweep_orphaned_temporaries

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()  # a pid whose process has exited
    orphan = tmp_path / f".site.yaml.{dead}{TMP_MARK}"
    live = tmp_path / f".other.yaml.{os.getpid()}{TMP_MARK}"
    below = tmp_path / "sub" / f".x.yaml.{dead}{TMP_MARK}"
    below.parent.mkdir()
    for p in (orphan, live, below):
        p.write_text("partial")
    assert sweep_orphaned_temporaries(tmp_path) == 1
    assert not orphan.exists() and live.exists() and below.exists()
