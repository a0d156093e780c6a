"""Fuzz of the JSONL reader and the batch path behind it (issue 10): random bytes and JSON-ish lines,
plain or compressed, whole or cut short. Never a crash, every line accounted for, output valid UTF-8.

CI runs a bounded number of examples; `CLEANER_FUZZ_EXAMPLES=10000 pytest tests/test_fuzz_jsonl.py`
runs more.
"""

from __future__ import annotations

import gzip
import io
import json
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.batch import BatchConfig, run_batch
from cleaner.io import Record, Reject, read_records

EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

_text = st.text(st.characters(codec=None, blacklist_categories=()), max_size=40)  # surrogates included
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3), max_leaves=6,
)
_object_line = st.fixed_dictionaries(
    {}, optional={"text": _json_value | _text, "html": _json_value, "url": _json_value, "id": _json_value,
                  "x": _json_value},
).map(lambda d: json.dumps(d, ensure_ascii=True).encode())  # ASCII escapes: lone surrogates survive
_line = st.one_of(_object_line, st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ")),
                  _json_value.map(lambda v: json.dumps(v).encode()))


def _lines(draw_lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in draw_lines)


@FUZZ
@given(lines=st.lists(_line, max_size=12), compression=st.sampled_from(["none", "gzip", "zstd"]),
       cut=st.none() | st.integers(min_value=0, max_value=400))
def test_jsonl_reader_accounts_for_every_line(tmp_path_factory, lines, compression, cut):
    data = _lines(lines)
    raw = {"none": lambda b: b, "gzip": gzip.compress, "zstd": _zstd}[compression](data)
    if cut is not None:
        raw = raw[: cut % (len(raw) + 1)]
    p = tmp_path_factory.mktemp("fuzz") / ("a.jsonl" + {"none": "", "gzip": ".gz", "zstd": ".zst"}[compression])
    p.write_bytes(raw)
    out = list(read_records(p))  # never raises
    assert all(isinstance(r, (Record, Reject)) for r in out)
    if cut is None:  # whole input: one record or reject per non-blank line, in order, until a
        # corrupt_input reject (data that looks compressed, e.g. a first line starting 1f 8b 08) covers the rest
        expected = [n for n, line in enumerate(lines, 1) if line.strip()]
        corrupt = [i for i, r in enumerate(out) if isinstance(r, Reject) and r.kind == "corrupt_input"]
        got = [r.offset for r in out[: corrupt[0] if corrupt else len(out)]]
        assert got == expected[: len(got)] and (corrupt or got == expected)


@FUZZ
@given(lines=st.lists(_line, min_size=1, max_size=8))
@example(lines=[b'{"id": "\\ud800", "text": "caf\\udfff"}', b'{"id": "\\ud800"}', b'{"text": "x", "n": NaN}'])
@example(lines=[b"(\xb5/\xfd", b"{}"])
def test_batch_output_is_valid_utf8_and_complete(tmp_path_factory, lines):
    work = tmp_path_factory.mktemp("fuzz")
    src = work / "a.jsonl"
    src.write_bytes(_lines(lines))
    rep = run_batch(BatchConfig([str(src)], out=work / "out", out_format="jsonl", workers=1), _CLEANER)
    written = _strict_jsonl(work / "out" / "a.jsonl")
    rejects = _strict_jsonl(work / "out" / "rejects.jsonl")
    n = sum(1 for line in lines if line.strip())
    assert len(written) + len(rejects) == rep.stats.docs_in
    # one record or reject per line, unless data that looks compressed (a first line starting with the
    # gzip or zstd magic) is one corrupt_input reject for the rest
    assert rep.stats.docs_in == n or (rep.stats.docs_in < n and rep.stats.rejects["corrupt_input"] == 1)


def _strict_jsonl(path) -> list[dict]:
    text = path.read_bytes().decode("utf-8")  # raises on invalid UTF-8
    return [json.loads(line, parse_constant=_no_constant) for line in text.split("\n") if line]  # U+0085 is no newline


def _no_constant(name):
    raise AssertionError(f"{name} is not JSON")


def _zstd(data: bytes) -> bytes:
    zstandard = pytest.importorskip("zstandard")
    return zstandard.ZstdCompressor().compress(data)


_CLEANER = Cleaner.from_rules()
