"""Learning as a datatrove pipeline: LearnSignature -> LearnMerge -> CleanerStep, on LocalPipelineExecutor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("orjson")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from cleaner.cli.main import app  # noqa: E402
from cleaner.integrations.datatrove import CleanerStep, LearnMerge, LearnSignature  # noqa: E402
from tests.test_learn_cli import page, site_records, write_jsonl  # noqa: E402


def run(pipeline, tmp_path: Path, name: str, tasks: int) -> None:
    # workers=1: tasks run in this process (no forkserver start, which needs a __main__ guard)
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, skip_completed=False,
                          logging_dir=str(tmp_path / "logs" / name)).run()


@pytest.mark.parametrize("merge_tasks", [1, 2])
def test_learn_signature_merge_and_clean_stages(tmp_path, merge_tasks):
    dump = tmp_path / "dump"
    write_jsonl(dump / "a.jsonl", site_records("example.org", 4) + site_records("other.com", 3, head=["Other"]))
    write_jsonl(dump / "b.jsonl", site_records("example.org", 3)[::-1] + site_records("tiny.net", 2, head=["Tiny"], tail=["Tiny footer"]))
    sigs, rules, out = tmp_path / "sigs", tmp_path / "learned", tmp_path / "clean"
    run([JsonlReader(str(dump), text_key="text"), LearnSignature(str(sigs), merge_tasks=merge_tasks)],
        tmp_path, "sig", tasks=2)
    assert len(list(sigs.glob("*/*.profiles"))) == 2 * merge_tasks
    run([LearnMerge(str(sigs), str(rules))], tmp_path, "merge", tasks=merge_tasks)
    assert {p.name for p in rules.glob("*.yaml")} == {"example.org.yaml", "other.com.yaml"}
    reports = [json.loads(p.read_text()) for p in sorted(rules.glob("learned-*.json"))]
    assert sorted(s["site"] for r in reports for s in r["sites"]) == ["example.org", "other.com", "tiny.net"]
    assert CliRunner().invoke(app, ["rules", "check", str(rules)]).exit_code == 0
    # each bucket indexes its files: CleanerStep loads the sites on demand, reading no rule file to start
    assert sorted(p.name for p in rules.glob("index-*.json")) == [f"index-{k:04d}.json" for k in range(merge_tasks)]
    assert CleanerStep(rules=str(rules)).cleaner.catalog.names == ("example.org", "other.com")
    clean = [JsonlReader(str(dump), text_key="text"), CleanerStep(rules=str(rules)),
             JsonlWriter(str(out), compression=None)]
    run(clean, tmp_path, "clean", tasks=2)
    docs = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    learned = [d for d in docs if d["metadata"]["site"] == "example.org"]
    assert len(docs) == 12 and len(learned) == 7
    assert all("Example Site Home" not in d["text"] and "council met" in d["text"] for d in learned)


def test_the_pipeline_learns_what_the_cli_learns(tmp_path):
    dump = tmp_path / "dump"
    write_jsonl(dump / "a.jsonl", site_records("example.org", 5) + site_records("other.com", 4, head=["Other"]))
    sigs, rules = tmp_path / "sigs", tmp_path / "learned"
    run([JsonlReader(str(dump), text_key="text"), LearnSignature(str(sigs))], tmp_path, "sig", tasks=1)
    run([LearnMerge(str(sigs), str(rules))], tmp_path, "merge", tasks=1)
    assert CliRunner().invoke(app, ["learn", str(dump), "-o", str(tmp_path / "cli")]).exit_code == 0
    for f in sorted((tmp_path / "cli").glob("*.yaml")):
        assert f.read_bytes() == (rules / f.name).read_bytes()
    assert page(0)  # the same pages as the CLI tests


def test_the_stages_learn_and_clean_with_the_html_template_as_the_cli_does(tmp_path):
    """HTML documents: LearnSignature -> LearnMerge learn the same `html:` section as `cleaner learn`, and
    CleanerStep cleans each page by it as `cleaner clean --rules` does."""
    from tests.test_learn_template import PAGES, SITE
    from tests.test_learn_template import page as html_page

    dump = tmp_path / "dump"
    write_jsonl(dump / "a.jsonl", [{"url": f"https://{SITE}/{i}", "html": html_page(i, kind)} for i, kind in PAGES])
    sigs, rules, out = tmp_path / "sigs", tmp_path / "learned", tmp_path / "clean"
    run([JsonlReader(str(dump), text_key="html"), LearnSignature(str(sigs))], tmp_path, "sig", tasks=1)
    run([LearnMerge(str(sigs), str(rules))], tmp_path, "merge", tasks=1)
    assert CliRunner().invoke(app, ["learn", str(dump), "-o", str(tmp_path / "cli")]).exit_code == 0
    assert (rules / f"{SITE}.yaml").read_bytes() == (tmp_path / "cli" / f"{SITE}.yaml").read_bytes()
    run([JsonlReader(str(dump), text_key="html"), CleanerStep(rules=str(rules)),
         JsonlWriter(str(out), compression=None)], tmp_path, "clean", tasks=1)
    docs = {d["metadata"]["url"]: d for f in sorted(out.glob("*.jsonl"))
            for d in map(json.loads, f.read_text().splitlines())}
    res = CliRunner().invoke(app, ["clean", str(dump), "-o", str(tmp_path / "c"), "--rules", str(rules), "-q"])
    assert res.exit_code == 0, res.output
    cli = {r["url"]: r for r in map(json.loads, (tmp_path / "c" / "a.jsonl").read_text().splitlines())}
    assert {u: (d["text"], d["metadata"]["site_reason"]) for u, d in docs.items()} == {
        u: (r["text"], r["site_reason"]) for u, r in cli.items()}
    assert all(r["site_reason"].startswith("url; template ") for r in cli.values())
