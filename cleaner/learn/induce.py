"""From a site's profile to a rule file in our vocabulary, in four stages:

1. find the article on each sampled page (`article.py`);
2. mark chrome (`chrome.py`);
3. choose rules (`rules.py`);
4. verify and explain (`verify.py`): the whole file runs on the sampled pages; rules whose examples
   fail or that remove too much of the articles are left out, with why; each kept rule says what it
   removes inside the articles, and the site gets a confidence (`learned.json`).

Every rule's `description` gives its evidence and its `examples` come from sampled pages. Everything is
sorted: the same profile gives the same bytes, whatever order its pages came in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from cleaner.learn.chrome import Site
from cleaner.learn.params import DEFAULT_PARAMS, MIN_PAGES, LearnParams  # noqa: F401  (MIN_PAGES: re-exported)
from cleaner.learn.profile import SiteProfile
from cleaner.learn.rules import example_lines, holds, rule_file
from cleaner.learn.verify import Sample, Verdict, checker, plain_doc, verify
from cleaner.ruleset.loader import RuleError, _compile


FINDER = "article_finder"  # the file's key
FINDER_NOTE = (" The article finder runs after these rules (`article_finder: true`): it drops a comment thread "
               "and what lies after the article on a page (a sidebar, related links) that they leave, each line "
               "traced to `article-finder: <why>`.")


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line strings (examples) as literal blocks, as people write them."""


def _represent_str(dumper, s: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


_Dumper.add_representer(str, _represent_str)
_CDumper = getattr(yaml, "CSafeDumper", None)
if _CDumper is not None:
    class _FastDumper(_CDumper):
        """`_Dumper` with libyaml's emitter (ten times faster): writes the same bytes on `_EMITS_ALIKE` documents."""

    _FastDumper.add_representer(str, _represent_str)
# Characters outside the ones on which libyaml's emitter and PyYAML's write the same bytes (controls,
# surrogates, BOM, specials and non-BMP characters are escaped or judged differently); empty strings
# differ too, and a document ending in a kept block scalar (libyaml adds `...`).
_EMITS_ALIKE = regex.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\uffee]")


@dataclass(frozen=True)
class LearnedSite:
    """The outcome of learning one site: `yaml_text` is None when nothing was learned (see `reason`)."""

    site: str
    pages: int
    rules: int
    yaml_text: str | None
    reason: str
    confidence: dict = field(default_factory=dict, compare=False)  # see `_confidence` (learned.json)
    # what the learned directory's index records of `yaml_text` (`catalog.index_record`), made where the
    # site was learned, so that the parent writing the index does not parse each file again
    index: tuple | None = field(default=None, compare=False, repr=False)


def too_few(site: str, pages: int, min_pages: int) -> LearnedSite:
    """The outcome of a site with fewer pages than the minimum: nothing learned."""
    return LearnedSite(site, pages, 0, None, f"{pages} pages, fewer than {min_pages}: nothing learned")


def learn_site(profile: SiteProfile, *, min_pages: int = MIN_PAGES,
               params: LearnParams = DEFAULT_PARAMS) -> LearnedSite:
    """Learn the chrome of one site from its merged profile, with the tunables `params`.
    Deterministic: same profile and params, same bytes."""
    name, n = profile.site, profile.pages
    if n < min_pages:
        return too_few(name, n, min_pages)
    if len(profile.sample) < min_pages:
        return LearnedSite(name, n, 0, None,
                           f"{len(profile.sample)} distinct pages, fewer than {min_pages}: nothing learned")
    site = Site(profile, min_pages, params)
    if not site.chrome:
        return LearnedSite(name, n, 0, None, f"{n} pages: no line repeats on {site.support} of them")
    doc = rule_file(site)
    first = _what_rules_do(doc)
    if _pick_example_line(site, doc):
        doc = rule_file(site)  # the examples again, around an article line that the whole file keeps
    same = site.checker if _what_rules_do(doc) == first else None  # (building a Cleaner costs most)
    verdict = verify(doc, _samples(site), params.rule_loss_bound, same, _dump)
    _explain(verdict)
    confidence = _confidence(site, verdict)
    kept = f"; {site.kept_prose} repeated paragraphs kept as article text" if site.kept_prose else ""
    kept += f"; {site.kept_labels} repeated list labels kept as article structure" if site.kept_labels else ""
    kept += "".join(f"; {note}" for note in dict.fromkeys(site.notes))
    left = "; left out: " + "; ".join(f"{x['rule']} ({x['why']})" for x in verdict.left_out) if verdict.left_out else ""
    if not verdict.doc["rules"]:
        return LearnedSite(name, n, 0, None, f"{n} pages: no rule holds{left}", confidence)
    what = ", ".join(r["id"] for r in verdict.doc["rules"])
    return LearnedSite(name, n, len(verdict.doc["rules"]), _dump(verdict.doc),
                       f"{n} pages: {len(site.chrome)} chrome lines{kept}; rules: {what}{left}", confidence)

def _what_rules_do(doc: dict) -> list[dict]:
    """The rules of a file as far as cleaning goes: without their examples and descriptions."""
    return [{k: v for k, v in r.items() if k not in ("examples", "description")} for r in doc["rules"]]


def _dump(doc: dict) -> str:
    """The learned file's YAML. PyYAML's emitter defines the bytes; libyaml's writes them where both
    are known to agree (checked on every learned file of sites-dev and on random documents)."""
    if _CDumper is not None and plain_doc(doc, _EMITS_ALIKE, empty=False):
        text = yaml.dump(doc, Dumper=_FastDumper, sort_keys=False, allow_unicode=True, width=110)
        if not text.endswith("\n...\n"):
            return text
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def _samples(site: Site) -> list[Sample]:
    """The sampled pages verification cleans: lines, and the article words of each line (its heading and
    lead count as article, as they do for a cut)."""
    out = []
    for p in site.pages[:site.params.verify_pages]:
        ins = p.inside
        out.append(Sample(p.lines, [ins[i + 1] - ins[i] for i in range(len(p.lines))]))
    return out


def _explain(verdict: Verdict) -> None:
    """Each kept rule's description, and the file's for the article finder, says what it removes inside
    the articles of the sampled pages."""
    total = max(verdict.article_words, 1.0)

    def removes(lost: float) -> str:
        return (f" With the whole file applied to the sampled pages, it removes {lost:.0f} of their "
                f"{verdict.article_words:.0f} article words ({lost / total:.1%}).")

    for rule in verdict.doc["rules"]:
        rule["description"] += removes(verdict.lost.get(rule["id"], 0.0))
    if verdict.doc.get(FINDER):
        verdict.doc["description"] += FINDER_NOTE + removes(verdict.finder_lost)


def _confidence(site: Site, verdict: Verdict) -> dict:
    """How far to trust what was learned: pages used, share of each page kept, article words lost on
    the sample, rules left out and why; `weak` names what makes it weak."""
    P, kept = site.params, sorted(verdict.kept_shares)
    lost = sum(verdict.lost.get(r["id"], 0.0) for r in verdict.doc["rules"]) + verdict.finder_lost
    share = lost / max(verdict.article_words, 1.0)
    found = sum(p.start >= 0 for p in site.pages)
    weak = []
    if not verdict.doc["rules"]:
        weak.append("no rule holds")
    if found < len(site.pages) / 2:
        weak.append(f"an article found on {found} of {len(site.pages)} sampled pages only")
    if kept and kept[0] < P.weak_kept_share:
        weak.append(f"a page keeps {kept[0]:.1%} of its words")
    if share > P.weak_loss_share:
        weak.append(f"{share:.1%} of the article words lost on the sample")
    return {"pages": site.n, "sampled": len(site.pages), "verified": len(verdict.kept_shares),
            "articles_found": found,
            "kept_share": ({"min": _r(kept[0]), "median": _r(kept[len(kept) // 2]), "max": _r(kept[-1])}
                           if kept else None),
            "article_words": round(verdict.article_words), "article_words_lost": round(lost), "loss_share": _r(share),
            "article_finder": bool(verdict.doc.get(FINDER)), "left_out": verdict.left_out,
            "notes": list(dict.fromkeys(site.notes)), "weak": weak}


def _r(x: float) -> float:
    return round(x, 4)


def _pick_example_line(site: Site, doc: dict) -> bool:
    """Choose the article line that examples show: the first page-specific prose line of an article,
    shorter than `example_line_chars` where one is, that the whole file and the shipped rules keep as it
    is; and keep the first-guess file as `site.checker`, that examples are chosen to hold with. True when
    the examples must be made again."""
    cands = example_lines(site)
    try:
        plain = {k: v for k, v in doc.items() if k not in ("domains", "signatures")}
        cleaner = checker(_compile(Path(f"{site.name}.yaml"), plain, {}, site.name))
    except RuleError:
        return False
    site.checker = cleaner
    for line in cands[:site.params.example_tries]:
        if holds(site, {"input": line + "\n", "output": line + "\n"}):
            site.example = line
            break
    return True


