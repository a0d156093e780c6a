"""The datatrove integration, run the way CI runs it: LocalPipelineExecutor with 2 tasks and 2 workers."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("orjson")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner.integrations.datatrove import CleanerStep, TextFilesReader  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


def read_out(folder: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(folder.glob("*.jsonl")) for line in f.read_text().splitlines()]


def test_step_is_picklable_and_builds_the_cleaner_lazily():
    step = CleanerStep()
    assert step._cleaner is None
    docs = list(step.run([Document(text="A sentence of body text.\n\nShare on Facebook", id="1",
                                   metadata={"url": "http://example.com/a"})]))
    assert docs[0].text == "A sentence of body text." and step._cleaner is not None
    clone = pickle.loads(pickle.dumps(step))
    assert clone._cleaner is None
    counted = step.stats.stats  # (not `in step.stats`: Stats has no __contains__ and creates keys on lookup)
    assert counted["total"].total == 1 and counted["forwarded"].total == 1
    rules = {k: v.total for k, v in counted.items() if k.startswith("rule:")}
    assert rules and sum(rules.values()) == len(CleanerStep().cleaner.clean(
        "A sentence of body text.\n\nShare on Facebook", url="http://example.com/a").trace)


def test_local_executor_pipeline(tmp_path):
    src = tmp_path / "in"
    inputs = sorted(FIXTURES.glob("*/*/input.txt"))[:10]
    for i, p in enumerate(inputs):
        d = src / f"d{i % 2}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{p.parent.name}.txt").write_bytes(p.read_bytes())
    (src / "d0" / "empty.txt").write_text("Share on Facebook\n")
    out, excl = tmp_path / "out", tmp_path / "excluded"
    LocalPipelineExecutor(
        pipeline=[
            TextFilesReader(str(src)),
            CleanerStep(exclusion_writer=JsonlWriter(str(excl), compression=None)),
            JsonlWriter(str(out), compression=None),
        ],
        tasks=2, workers=2, skip_completed=False, logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = read_out(out)
    dropped = read_out(excl)
    assert len(docs) + len(dropped) == 11
    assert [d["metadata"]["filter_reason"] for d in dropped] == ["empty"] * len(dropped) and dropped
    assert all(d["text"] and "site" in d["metadata"] and "cleaner_metadata" in d["metadata"] for d in docs)
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step_stats = next(s for s in stats if "cleaner" in s["name"])
    assert step_stats["stats"]["total"] == 11
    assert any(k.startswith("rule:") for k in step_stats["stats"])


def test_jsonl_reader_with_urls(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (FIXTURES / "vietnam.vn").glob("*/input.txt")
    lines = [json.dumps({"text": p.read_text(), "id": p.parent.name, "url": "https://vietnam.vn/x"}) for p in list(text)[:4]]
    (src / "a.jsonl").write_text("\n".join(lines) + "\n")
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(src)), CleanerStep(), JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=1, workers=1, skip_completed=False, logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = read_out(tmp_path / "out")
    assert docs and all(d["metadata"]["site"] == "vietnam.vn" for d in docs)


def test_text_files_reader_decodes_with_the_one_decoder(tmp_path):
    # latin-1 (was read as cp1250), UTF-16 with a BOM, and an HTML page whose meta says utf-8 but is cp1251.
    text = "Après la réunion, le député a déclaré que la réforme serait votée en décembre."
    page = '<html><head><meta charset="utf-8"></head><body><p>Съешь же ещё этих мягких французских булок.</p></body></html>'
    (tmp_path / "fr.txt").write_bytes(text.encode("latin-1"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "ru.html").write_bytes(page.encode("cp1251"))
    reader = TextFilesReader(str(tmp_path))
    docs = {name: next(iter(reader.read_file(name))).text for name in ("fr.txt", "u16.txt", "ru.html")}
    assert docs == {"fr.txt": text, "u16.txt": text, "ru.html": page}
