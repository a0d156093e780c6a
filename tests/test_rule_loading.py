"""One rule loader for every command, and learned rules that load per site, on demand (issue 18)."""
from __future__ import annotations

import json
import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import regex
from cleaner import Cleaner
from cleaner.api import default_rules_dir
from cleaner.cli.main import app
from cleaner.learn.driver import LearnOptions, build_profiles, learn_to_dir
from cleaner.learn.rules import _shape
from cleaner.ruleset.catalog import INDEX, line_key, read_index, signature_key
from cleaner.ruleset.model import RuleError

RUN = CliRunner()
NAMES = ["alder", "birch", "cedar", "dogwood", "elm", "fir"]


def page(name: str, i: int, url: bool = True) -> dict:
    """A page of site `name`: its own chrome (a signature line naming it) around an article."""
    t = ["harbour", "railway", "library", "orchard"][i % 4]
    text = "\n".join([f"{name.title()} Herald | Home | World | Sport", f"Menu of the {name} herald",
                      f"The {t} council met on day {i} to discuss a plan that nobody in {name} had expected.",
                      f"Residents said the {t} project number {i} would change the town for {i + 2} years.",
                      f"Comments ({i * 7})", f"Copyright 2026 {name.title()} Herald Media, all rights reserved"])
    return {"id": f"{name}-{i}", "text": text, **({"url": f"https://www.{name}-herald.example/{i}"} if url else {})}


@pytest.fixture(scope="module")
def learned(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("learned")
    dump = tmp / "dump.jsonl"
    dump.write_text("".join(json.dumps(page(n, i)) + "\n" for n in NAMES for i in range(4)), encoding="utf-8")
    learn_to_dir(build_profiles([str(dump)], LearnOptions(), workers=1), tmp / "rules", workers=1)
    return tmp / "rules"


def outcome(cleaner, doc) -> tuple:
    r = cleaner.clean(doc["text"], url=doc.get("url"))
    return r.text, r.site, r.site_reason, [t.rule for t in r.trace]


def docs() -> list[dict]:
    return [page(n, i, url=u) for n in NAMES for i in (5, 6) for u in (True, False)]


def test_a_learned_directory_loads_on_demand_with_the_same_results(learned):
    lazy, eager = Cleaner.from_rules(learned), Cleaner.from_rules(learned, lazy=False)
    assert (learned / INDEX).is_file()
    assert len(lazy.catalog) == len(NAMES) and lazy.catalog.keys  # indexed, not compiled
    assert not lazy._cache and len(eager.index.rulesets) == len(NAMES) + 1  # + the shipped vietnam.vn
    assert lazy.sites == eager.sites
    for doc in docs():
        assert outcome(lazy, doc) == outcome(eager, doc)
    assert {outcome(lazy, d)[2].split()[0] for d in docs()} == {"url", "signature"}
    # pickled: the index and paths travel, not compiled sites; the copy cleans alike
    copy = pickle.loads(pickle.dumps(lazy))
    assert not copy._cache and [outcome(copy, d) for d in docs()] == [outcome(eager, d) for d in docs()]
    assert len(pickle.dumps(lazy)) < len(pickle.dumps(eager))


def test_the_cache_of_compiled_sites_is_bounded_and_thread_safe(learned):
    eager = Cleaner.from_rules(learned, lazy=False)
    lazy = Cleaner.from_rules(learned)
    lazy.cached_sites = 2
    want = [outcome(eager, d) for d in docs()]
    got: list = [None] * 4
    threads = [threading.Thread(target=lambda k=k: got.__setitem__(k, [outcome(lazy, d) for d in docs()]))
               for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [want] * 4 and len(lazy._cache) <= 2


def test_a_site_compiled_on_demand_reads_its_file_as_the_index_parsed_it(learned, tmp_path, monkeypatch):
    """The index's parsed file spares the YAML parse (most of a site's first-pass cost, issue 18); a
    file whose bytes differ from those parsed is read as YAML again, and a damaged parsed file is
    only a cache."""
    import shutil

    from cleaner.ruleset import loader

    eager = Cleaner.from_rules(learned, lazy=False)
    want = [outcome(eager, d) for d in docs()]
    d = tmp_path / "rules"
    shutil.copytree(learned, d)
    assert (d / "index.parsed.jsonl").is_file()
    read = []
    real = loader.read_yaml
    monkeypatch.setattr(loader, "read_yaml", lambda path: (path.parent == d and read.append(path.name)) or real(path))
    fast = Cleaner.from_rules(d)
    assert [outcome(fast, doc) for doc in docs()] == want and not read
    monkeypatch.undo()
    (d / "index.parsed.jsonl").write_bytes(b"garbage")
    damaged = Cleaner.from_rules(d)
    assert [outcome(damaged, doc) for doc in docs()] == want


def test_a_signature_line_found_by_its_key_still_needs_its_needle(learned, tmp_path):
    from cleaner.ruleset.catalog import Catalog

    entry = {"size": 1, "domains": [], "signatures": [["^Copyright [0-9]+ Z$", ["Copyright"], "Copyright 0 Z"]],
             "checked": 1}
    assert Catalog([(tmp_path, {"z": entry})]).by_signature("a\nCopyright 2026 Z\nb") == ("z", 1)
    entry["signatures"][0][1] = ["Elsewhere"]
    assert Catalog([(tmp_path, {"z": entry})]).by_signature("a\nCopyright 2026 Z\nb") == (None, 0)
    entry["signatures"][0][1] = []
    assert Catalog([(tmp_path, {"z": entry})]).by_signature("a\nCopyright 2026 Zz\nb") == (None, 0)
    entry["signatures"][0][2] = None  # an index that did not key it: searched as its regex
    assert Catalog([(tmp_path, {"z": entry})]).by_signature("a\nCopyright 2026 Z\nb") == ("z", 1)


def test_a_signature_naming_a_word_list_means_in_a_learned_directory_what_its_file_says(tmp_path):
    """Loaded on demand, a signature with a `{{word-list}}` is searched as its compiled file has it (the
    index's raw regex took the placeholder literally, so the site was never found)."""
    from cleaner.ruleset.catalog import write_index

    (tmp_path / "learned.json").write_text('{"sites": []}\n', encoding="utf-8")
    (tmp_path / "brand.example.yaml").write_text("""site: brand.example
description: A hand-edited learned file.
domains: [brand.example]
wordlists:
  brands: [Alder Daily, Birch Weekly]
signatures:
- description: the masthead
  regex: '^{{brands}} edition$'
rules:
- id: masthead
  description: Drops the masthead.
  action: drop
  match: {regex: '^{{brands}} edition$'}
  example: {input: "Alder Daily edition\\nText.\\n", output: "Text.\\n"}
""", encoding="utf-8")
    write_index(tmp_path)
    c = Cleaner.from_rules(tmp_path)
    assert c.catalog is not None and "brand.example" in c.catalog
    r = c.clean("Birch Weekly edition\nThe council met on Monday to discuss the plan for the harbour.\n")
    assert r.site == "brand.example" and r.site_reason.startswith("signature")


def test_a_stale_or_missing_index_is_read_from_the_files(learned, tmp_path):
    import shutil

    d = tmp_path / "rules"
    shutil.copytree(learned, d)
    f = d / "alder-herald.example.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("- alder-herald.example", "- alder-news.example"),
                 encoding="utf-8")
    assert read_index(d)["alder-herald.example"]["domains"] == ["alder-news.example"]
    assert Cleaner.from_rules(d).clean("Text.", url="https://alder-news.example/x").site == "alder-herald.example"
    (d / INDEX).unlink()
    assert Cleaner.from_rules(d).clean("Text.", url="https://birch-herald.example/x").site == "birch-herald.example"


def test_a_bad_file_loaded_on_demand_is_a_one_line_error_naming_file_rule_and_key(learned, tmp_path):
    import shutil

    d = tmp_path / "rules"
    shutil.copytree(learned, d)
    f = d / "cedar-herald.example.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("action: drop", "action: dropp", 1), encoding="utf-8")
    cleaner = Cleaner.from_rules(d)  # the index loads; the bad file is compiled only when needed
    assert cleaner.clean(page("birch", 1)["text"], url=page("birch", 1)["url"]).site == "birch-herald.example"
    for _ in range(2):  # every time, not only the first
        with pytest.raises(RuleError) as e:
            cleaner.clean(page("cedar", 1)["text"], url=page("cedar", 1)["url"])
        msg = str(e.value)
        assert "\n" not in msg and str(f) in msg and "rule 'learned-" in msg and "'action'" in msg
    res = RUN.invoke(app, ["rules", "check", str(d)])  # still validated eagerly
    assert res.exit_code == 2 and str(f) in res.stderr


@given(st.lists(st.sampled_from(["a", "B", "0", "12", " ", "-", ".", "(", "|", "é", "*", "\\", "$", "^", "[", "9"]),
                min_size=1, max_size=12), st.lists(st.sampled_from(["7", "123", "0", "x7", "a", ""]), max_size=3))
def test_a_signature_line_is_indexed_by_the_key_of_every_line_it_matches(parts, digits):
    """No false negatives: whenever a learned signature's regex matches a line, the line's key is the
    signature's key (a hit is then confirmed by the regex itself)."""
    line = "".join(parts)
    source = f"^{_shape(line)}$"
    key = signature_key(source)
    assert key is not None
    pattern = regex.compile(source)
    probe = regex.sub(r"[0-9]+", lambda m: digits[0] if digits else m.group(), line)
    for candidate in (line, probe):
        if pattern.fullmatch(candidate):
            assert line_key(candidate) == key


def test_signatures_that_are_no_line_are_searched_as_regexes():
    assert signature_key(r"Vietnam\.vn") is None and signature_key(r"^a|b$") is None
    assert signature_key(r"^(?i:abc)$") is None and signature_key(r"^a[0-9]+[0-9]+b$") == "a0b"


def test_every_command_loads_rules_the_same_way(learned, tmp_path, monkeypatch):
    """`--rules LEARNED` is the shipped rules plus the learned ones in clean, explain, report, learn and
    CleanerStep (issue 19 item 2: report used to load the learned directory alone)."""
    seen: dict[str, tuple] = {}
    original = Cleaner.from_rules.__func__

    def spy(cls, path=None, **kw):
        c = original(cls, path, **kw)
        seen[command] = tuple(sorted((rs.name, r.id) for rs in c.rule_sets() for r in rs.all_rules()))
        return c

    monkeypatch.setattr(Cleaner, "from_rules", classmethod(spy))
    doc = tmp_path / "d.jsonl"
    doc.write_text(json.dumps(page("alder", 9)) + "\n", encoding="utf-8")
    commands = {
        "clean": ["clean", str(doc), "-o", str(tmp_path / "out"), "--rules", str(learned), "-q"],
        "explain": ["explain", str(tmp_path / "a.txt"), "--rules", str(learned)],
        "report": ["report", str(doc), "--rules", str(learned), "--format", "text"],
        "learn": ["learn", str(doc), "-o", str(tmp_path / "l"), "--rules", str(learned), "-q"],
    }
    (tmp_path / "a.txt").write_text(page("alder", 9)["text"], encoding="utf-8")
    for command, args in commands.items():
        res = RUN.invoke(app, args)
        assert res.exit_code == 0, (command, res.output)
    try:
        from cleaner.integrations.datatrove import CleanerStep

        command = "CleanerStep"
        CleanerStep(rules=str(learned)).cleaner  # noqa: B018
    except ImportError:
        pass
    assert set(seen) >= set(commands) and len(set(seen.values())) == 1, {k: len(v) for k, v in seen.items()}
    ids = dict(next(iter(seen.values())))
    assert "vietnam.vn" in ids and "generic" in ids and "alder-herald.example" in ids


def test_a_worker_over_many_learned_sites_starts_from_the_index(learned, monkeypatch):
    """Loading a learned directory reads no rule file when its index is current."""
    from cleaner.ruleset import catalog

    def no_reading(*a, **kw):
        raise AssertionError("a rule file was read")

    monkeypatch.setattr(catalog, "_entry_of", no_reading)
    cleaner = Cleaner.from_rules([default_rules_dir(), learned])
    assert len(cleaner.catalog) == len(NAMES)


def test_cleaner_step_loads_learned_sites_on_demand(learned):
    pytest.importorskip("datatrove")
    from cleaner.integrations.datatrove import CleanerStep

    step = pickle.loads(pickle.dumps(CleanerStep(rules=str(learned))))
    cleaner = step.cleaner
    assert cleaner.catalog is not None and len(cleaner.catalog) == len(NAMES) and not cleaner._cache
    doc = page("elm", 3)
    assert cleaner.clean(doc["text"], url=doc["url"]).site == "elm-herald.example"


def test_a_site_its_index_vouches_for_is_compiled_without_a_second_schema_check(learned, tmp_path, monkeypatch):
    """`write_index` schema-checks what it indexes; compiling such a file skips the check, while a file
    that failed it, or changed since, is checked (and its error reported) when compiled."""
    import shutil

    from cleaner.ruleset import loader
    from cleaner.ruleset.catalog import write_index

    checked: list[str] = []
    real = loader.validate
    monkeypatch.setattr(loader, "validate", lambda path, data: checked.append(Path(path).stem) or real(path, data))
    doc, cleaner = page("birch", 1), Cleaner.from_rules(learned)
    checked.clear()  # (the shipped rules loaded with it are checked)
    assert cleaner.clean(doc["text"], url=doc["url"]).site == "birch-herald.example"
    assert checked == []
    d = tmp_path / "rules"
    shutil.copytree(learned, d)
    f = d / "cedar-herald.example.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("action: drop", "action: dropp", 1), encoding="utf-8")
    dup = d / "fir-herald.example.yaml"  # a duplicate key: still indexed by its domain, an error when used
    dup.write_text(dup.read_text(encoding="utf-8") + "description: again\n", encoding="utf-8")
    write_index(d)  # current, but it says the files failed
    assert read_index(d)["cedar-herald.example"].get("invalid") is True
    cleaner = Cleaner.from_rules(d)
    with pytest.raises(RuleError) as e:
        cleaner.clean(page("cedar", 1)["text"], url=page("cedar", 1)["url"])
    assert str(f) in str(e.value) and "'action'" in str(e.value)
    with pytest.raises(RuleError, match="duplicate key"):
        cleaner.clean(page("fir", 1)["text"], url=page("fir", 1)["url"])
    checked.clear()
    g = d / "elm-herald.example.yaml"  # edited after the cleaner read the index: checked again
    g.write_text(g.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cleaner.clean(page("elm", 1)["text"], url=page("elm", 1)["url"]).site == "elm-herald.example"
    assert "elm-herald.example" in checked


def test_a_file_changed_behind_its_index_back_is_still_a_one_line_error(learned, tmp_path):
    """A file replaced by an invalid one of the same size and an older mtime (copied with its times)
    passes for checked; compiling it still ends in its one-line schema error, never a traceback."""
    import os
    import shutil

    d = tmp_path / "rules"
    shutil.copytree(learned, d)
    f = d / "birch-herald.example.yaml"
    text = f.read_text(encoding="utf-8")
    bad = text.replace("  action: drop\n", "  actiox: drop\n", 1)
    assert bad != text and len(bad) == len(text)
    st = f.stat()
    f.write_text(bad, encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(RuleError) as e:
        Cleaner.from_rules(d).clean(page("birch", 1)["text"], url=page("birch", 1)["url"])
    assert "\n" not in str(e.value) and str(f) in str(e.value)


def test_the_index_uses_what_a_learning_worker_recorded_only_for_the_bytes_it_recorded(learned, tmp_path, monkeypatch):
    """`learn` records each file's index entry where the site was learned, so the index is not made by
    parsing every file again in the parent: the index is byte for byte the one parsing makes, and a
    record of other bytes (a file changed since) is not used."""
    from cleaner.ruleset import catalog
    from cleaner.ruleset.catalog import index_record, parsed_name, write_index

    d = tmp_path / "rules"
    d.mkdir()
    stems = []
    for f in sorted(learned.glob("*.yaml")):
        (d / f.name).write_bytes(f.read_bytes())
        stems.append(f.stem)
    write_index(d, checked=stems)
    parsed = {n: (d / n).read_bytes() for n in (INDEX, parsed_name(INDEX))}
    known = {s: index_record(s, (d / f"{s}.yaml").read_bytes()) for s in stems}
    (d / INDEX).unlink()
    calls = []
    entry_of = catalog._entry_of
    monkeypatch.setattr(catalog, "_entry_of", lambda *a, **k: calls.append(a[0]) or entry_of(*a, **k))
    write_index(d, checked=stems, known=known)
    assert calls == [] and {n: (d / n).read_bytes() for n in parsed} == parsed
    changed = d / f"{stems[0]}.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Herald", "Gazette"), encoding="utf-8")
    write_index(d, checked=stems, known=known)
    assert calls == [changed]
    assert read_index(d)[stems[0]]["size"] == changed.stat().st_size
