"""Issue 18, fault 3: one site never takes over another's documents."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli.main import app

RUN = CliRunner()
VICTIM_HEAD = ["Victim Daily Chronicle - independent news since 1901", "Home | Politics | Sport | Weather"]
VICTIM_TAIL = ["Victim Daily Chronicle subscribers read more stories", "Contact the newsroom"]
TOPICS = ["harbour", "railway", "library", "orchard", "bridge", "market", "museum", "festival"]


def article(i: int) -> list[str]:
    t = TOPICS[i % len(TOPICS)]
    return [f"The {t} council met on day {i} to discuss a plan nobody had expected at all.",
            f"Residents said the {t} project number {i} would change the town for {i + 2} years.",
            f"A spokesperson promised that a decision on the {t} would follow within {i + 3} weeks."]


def crawl(root: Path, n: int = 12) -> Path:
    """victim/: its header, articles, its footer; attacker/: its own header, articles, then a copy of the
    victim's header line (what an attacker who wants the victim's documents would write)."""
    for name, make in [("victim", lambda i: [*VICTIM_HEAD, *article(i), *VICTIM_TAIL]),
                       ("attacker", lambda i: ["Home", "Posts | About",
                                               *article(i + 50), VICTIM_HEAD[0], "Thanks for reading"])]:
        d = root / name
        d.mkdir(parents=True)
        for i in range(n):
            (d / f"{i}.txt").write_text("\n".join(make(i)) + "\n", encoding="utf-8")
    return root


def test_a_copied_header_does_not_hand_one_sites_documents_to_another(tmp_path):
    """Failed before: the attacker learned the victim's header as its signature, and `clean --learn`
    cleaned the victim's URL-less documents with the attacker's rules (they came out empty)."""
    dump = crawl(tmp_path / "dump")
    res = RUN.invoke(app, ["clean", str(dump), "-o", str(tmp_path / "out"), "--learn", "-q", "-f", "jsonl"])
    assert res.exit_code == 0, res.output
    docs = [json.loads(line) for f in sorted((tmp_path / "out").glob("victim/*.jsonl")) for line in f.open()]
    assert len(docs) == 12
    assert all(d["site"] == "victim.local" for d in docs), {d["site"] for d in docs}
    assert all("council met" in d["text"] and "Victim Daily" not in d["text"] for d in docs)


def test_a_signature_on_another_sites_pages_is_not_learned(tmp_path):
    dump = crawl(tmp_path / "dump")
    res = RUN.invoke(app, ["learn", str(dump), "-o", str(tmp_path / "learned")])
    assert res.exit_code == 0, res.output
    learned = {site: yaml.safe_load((tmp_path / "learned" / f"{site}.yaml").read_text(encoding="utf-8"))
               for site in ("attacker.local", "victim.local")}
    assert "signatures" not in learned["attacker.local"] and learned["attacker.local"]["rules"]
    assert all(VICTIM_HEAD[0] not in s["regex"] for s in learned["victim.local"].get("signatures", []))
    report = json.loads((tmp_path / "learned" / "learned.json").read_text(encoding="utf-8"))
    reasons = {s["site"]: s["reason"] for s in report["sites"]}
    assert "signature left out: its line is on pages of victim.local" in reasons["attacker.local"]
    # without its directory, a victim's document is the victim's (by its own signature), never the attacker's
    victim = "\n".join([*VICTIM_HEAD, *article(3), *VICTIM_TAIL])
    assert Cleaner.from_rules(tmp_path / "learned").clean(victim).site == "victim.local"


def test_a_named_site_comes_before_signatures():
    """A document without URL whose site is named (its directory's, `--site`) is that site's, whatever
    signature another site has."""
    cleaner = Cleaner.from_rules()
    text = "Vietnam.vn\nSome article text that is long enough to stay in the body of the page.\n"
    assert cleaner.clean(text).site_reason.startswith("signature")
    assert (cleaner.clean(text, site="vietnam.vn").site_reason) == "site option"
