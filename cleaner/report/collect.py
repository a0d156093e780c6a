"""What goes into a report: a reservoir sample of the inputs, cleaned, explained and counted.

No HTML here: `collect` returns a JSON-ready dict that `render` turns into a page or a text summary.
"""
from __future__ import annotations

import difflib
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cleaner.api import Cleaner
from cleaner.core.cleaner import ARTICLE_FINDER
from cleaner.io import Fields, Record, Reject, discover, read_records
from cleaner.io.readers import DEFAULT_MAX_DOC_BYTES
from cleaner.report.explain import LineRow, line_rows
from cleaner.report.rulesets import RuleSetInfo
from cleaner.report.work import Explained, explain_all

#: one-letter codes of line statuses in the embedded data
CODES = {"kept": "k", "changed": "c", "drop": "d", "cut": "x", "extract": "m", "extract-kept": "M"}
GENERIC = "generic"
STEP = "step"  # built-in steps (repair, line preparation, finishing) that trace changes
HTML = "html"  # the input stage's steps: blocks of a page the body selector or the extractor left out
_FINDER = ("The article finder (cleaner/core/article.py): on text of a site without rules, the lines outside "
           "the page's article, or in a comment thread after it.")
EXAMPLES = 3  # example lines kept per rule
EXAMPLE_CHARS = 300
TOP, TOP_CHARS = 5, 120  # the lines a rule takes most often, as many characters of each
DIFF_CONTEXT = 1  # unchanged output paragraphs shown around a change
# What the page keeps of one document: its lines up to this many characters (the rest counted, not
# shown), and as much of its output diff. A sample of huge documents costs memory and page size by
# these, not by the documents' size.
DOC_CHARS = 200_000


@dataclass
class Rules:
    """A cleaner and the rule sets it was built from."""

    cleaner: Cleaner
    sets: list[RuleSetInfo]
    label: str  # how they were given (`shipped`, `rules/ + learned/`)


@dataclass
class Options:
    """How to read and sample the inputs (the input options of `cleaner clean`)."""

    sample: int = 500
    seed: int = 0
    site: str | None = None
    input_format: str | None = None
    fields: Fields = field(default_factory=Fields)
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES  # larger documents are `too_large` rejects, as in `clean`


def iter_records(paths: Iterable[str], opts: Options) -> Iterator[Record | Reject]:
    """Every record of every input, in order: files, directories (recursive), or - (stdin, JSONL)."""
    for p in paths:
        if p == "-":
            from cleaner.batch.plan import sniff_stdin

            fmt = opts.input_format or ("warc" if sniff_stdin() == "warc" else "jsonl")  # as `clean -` reads it
            yield from read_records("-", fmt, opts.fields, source="-", max_bytes=opts.max_doc_bytes)
            continue
        root = Path(p)
        if not root.exists():
            raise FileNotFoundError(f"{p}: no such file or directory")
        files, _skipped = discover(root, input_format=opts.input_format)
        for f in files:
            yield from read_records(f.path, f.format, opts.fields, source=str(f.path), max_bytes=opts.max_doc_bytes)


def reservoir(items: Iterable, k: int, seed: int) -> tuple[list[tuple[int, object]], int]:
    """(a uniform sample of k items as (position, item) in input order, the number of items seen).

    Algorithm R with a seeded generator: the same input and seed give the same sample.
    """
    rng = random.Random(seed)
    res: list[tuple[int, object]] = []
    n = 0
    for n, item in enumerate(items, 1):
        if len(res) < k:
            res.append((n - 1, item))
        else:
            j = rng.randrange(n)
            if j < k:
                res[j] = (n - 1, item)
    res.sort(key=lambda t: t[0])
    return res, n


def collect(paths: list[str], rules: Rules, opts: Options, against: Rules | None = None, *,
            workers: int = 1, progress=None) -> dict:
    """Sample, clean and count: the report's data as a JSON-ready dict (see `render`). `workers` > 1
    cleans the sample in the batch runner's worker pool; `progress`: `clean`'s progress callbacks."""
    rejects: list[dict] = []

    def records() -> Iterator[Record]:
        for item in iter_records(paths, opts):
            if isinstance(item, Reject):
                rejects.append(item.to_dict())
            else:
                # fields we do not show (a dump's html or gold) stay out of the sample; cleaning reads these two
                item.extra = {k: v for k, v in item.extra.items() if k in ("content_type", opts.fields.date)}
                yield item

    sample, seen = reservoir(records(), opts.sample, opts.seed)
    catalogue = _Catalogue(rules, against)
    recs = [rec for _, rec in sample]
    del sample
    explained = explain_all(recs, rules.cleaner, against.cleaner if against is not None else None, opts,
                            workers=workers, progress=progress)
    tally: Counter = Counter()
    site_docs: dict[str, int] = defaultdict(int)
    docs = []
    for j, (new, old) in enumerate(explained):
        rec, recs[j], explained[j] = recs[j], None, None  # one document at a time: bounded (DOC_CHARS)
        doc = _document(rec, new, catalogue, "new", rejects)
        if doc is None:
            continue
        if old is not None:
            _compare(doc, _document(rec, old, catalogue, "old", None))
        docs.append(_summarize(len(docs), doc, catalogue, tally, site_docs))
        del rec, doc
    return _assemble(paths, rules, opts, against, catalogue, docs, seen, rejects, tally, site_docs)


class _Catalogue:
    """Every rule of both rule sets by key (`site/id`), with its hits counted as documents come."""

    def __init__(self, rules: Rules, against: Rules | None):
        self.rules: dict[str, dict] = {}
        self.ids: dict[str, dict[str | None, set[str]]] = {}
        for side, r in (("new", rules), ("old", against)):
            if r is None:
                continue
            c = r.cleaner
            sets = {rs.name: rs for rs in c.index.rulesets}
            if c.generic is not None:
                sets[GENERIC] = c.generic
            self.ids[side] = {name: {rule.id for rule in rs.rules} for name, rs in sets.items()}
            for name, rs in sets.items():
                for rule in rs.rules:
                    entry = self.rules.setdefault(f"{name}/{rule.id}", {
                        "id": rule.id, "site": name, "action": rule.action, "description": rule.description,
                        "source": _shown_path(rule.source), "in": [], "hits": {}, "docs": {}, "examples": []})
                    entry["in"].append(side)
        self.order = list(self.rules)
        self.pos = {k: i for i, k in enumerate(self.order)}

    def key(self, side: str, site: str | None, rule_id: str, n: int = 0) -> str:
        """The catalogue key of a rule that took line `n` (n < 0: a block the HTML stage dropped)."""
        if n < 0:
            return self._builtin(HTML, rule_id, "drop", "HTML extraction: a block of the page that the site's "
                                 "selectors or the main-content extractor left out.")
        ids = self.ids[side]
        if site is not None and rule_id in ids.get(site, ()):
            return f"{site}/{rule_id}"
        if rule_id in ids.get(GENERIC, ()):
            return f"{GENERIC}/{rule_id}"
        if rule_id.startswith(ARTICLE_FINDER):
            return self._builtin(STEP, rule_id, "drop", _FINDER)
        return self._builtin(STEP, rule_id, "change", "Built-in step (repair, line preparation or finishing).")

    def _builtin(self, group: str, rule_id: str, action: str, description: str) -> str:
        key = f"{group}/{rule_id}"
        if key not in self.rules:
            self.rules[key] = {"id": rule_id, "site": group, "action": action, "description": description,
                               "source": "cleaner", "in": [], "hits": {}, "docs": {}, "examples": []}
            self.pos[key] = len(self.order)
            self.order.append(key)
        return key

    def index(self, key: str) -> int:
        return self.pos[key]


def _document(rec: Record, done: Explained, cat: _Catalogue, side: str, rejects: list[dict] | None) -> dict | None:
    if done.error is not None:  # RuleTimeout, or a bug: the document is reported, never lost silently
        if rejects is not None:
            rejects.append(Reject.of(rec, "error", done.error).to_dict())
            return None
        return {"error": done.error, "rows": [], "text": "", "hits": set()}
    lines, result = done.lines, done.result
    rows = line_rows(lines, result)
    hits: set[tuple[str, int]] = set()
    for t in result.trace:
        if t.line is not None:
            hits.add((cat.key(side, result.site, t.rule), t.line))
    hits.update((cat.key(side, result.site, r.rule, r.n), r.n) for r in rows if r.n < 0)
    return {"rec": rec, "result": result, "rows": rows, "text": result.text, "hits": hits, "side": side}


def _compare(doc: dict, old: dict) -> None:
    doc["old"] = old
    a = old["text"].split("\n\n") if old["text"] else []
    b = doc["text"].split("\n\n") if doc["text"] else []
    diff, score = _diff(a, b)
    doc["diff"], doc["score"] = diff, score


def _diff(a: list[str], b: list[str]) -> tuple[list, int]:
    """The changed paragraphs with a little context: [["=", n_skipped] | ["-", text] | ["+", text] | [" ", text]],
    and the characters removed plus added."""
    out: list = []
    score = 0
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same = a[i1:i2]
            head = same[:DIFF_CONTEXT] if i > 0 else []
            tail = same[-DIFF_CONTEXT:] if i < len(ops) - 1 and len(same) > len(head) else []
            skipped = len(same) - len(head) - len(tail)
            out.extend([" ", s] for s in head)
            if skipped:
                out.append(["=", skipped])
            out.extend([" ", s] for s in tail)
        else:
            out.extend(["-", s] for s in a[i1:i2])
            out.extend(["+", s] for s in b[j1:j2])
            score += sum(map(len, a[i1:i2])) + sum(map(len, b[j1:j2]))
    if score == 0:
        return [], 0
    return out, score


def _summarize(i: int, d: dict, cat: _Catalogue, tally: Counter, site_docs: dict[str, int]) -> dict:
    """Document `i` as the page shows it (its lines up to DOC_CHARS), counted into the rules it hit."""
    res, rec = d["result"], d["rec"]
    site = res.site or _host(rec.url) or GENERIC
    site_docs[site] += 1
    # counted as `clean` counts them (for HTML the page's characters, markup included)
    doc_in, doc_out = res.stats.get("chars_in", 0), res.stats.get("chars_out", 0)
    tally.update(chars_in=doc_in, chars_out=doc_out, empty=not res.text, warned=bool(res.warnings))
    rows, cut = _bounded_rows(d["rows"])
    by_n = {r.n: r.text for r in rows}
    for key, n in sorted(d["hits"]):
        entry = cat.rules[key]
        entry["hits"]["new"] = entry["hits"].get("new", 0) + 1
        entry["docs"].setdefault("new", set()).add(i)
        if n not in by_n:  # a line past what the page shows of the document
            continue
        text = by_n[n]
        entry.setdefault("texts", Counter())[text[:TOP_CHARS]] += 1
        if entry["action"] not in ("change", "rewrite") and len(text) > len(entry.get("longest", (0, 0, ""))[2]):
            # the longest line a rule removed: where an over-eager rule shows first
            entry["longest"] = [i, n, text]
        if len(entry["examples"]) < EXAMPLES and all(e[0] != i and e[2] != text[:EXAMPLE_CHARS]
                                                      for e in entry["examples"]):
            entry["examples"].append([i, n, text[:EXAMPLE_CHARS]])
    out = {
        "id": rec.id or rec.default_id(),
        "url": rec.url,
        "site": site,
        "ruled": res.site is not None,  # the site has rules (else the generic rules alone ran)
        "why": res.site_reason,  # why that site: url, signature, or the rules that fired
        "title": res.title,
        "meta": res.metadata,
        "warn": res.warnings,
        "in": doc_in,
        "out": doc_out,
        "how": res.extraction.how if res.extraction is not None else None,
        "rows": [_row(r, cat, "new", res.site) for r in rows],
    }
    if cut:
        out["rows_cut"] = cut  # lines not shown (the document is longer than DOC_CHARS)
    old = d.get("old")
    if old is not None:
        out.update(_impact(d, old, cat, i))
        if cut:
            shown = set(by_n)
            out["old_rows"] = [r for r in out.get("old_rows", []) if r[0] in shown]
            out["diff"] = _bounded_diff(out["diff"])
    return out


def _bounded_rows(rows: list[LineRow]) -> tuple[list[LineRow], int]:
    """The first rows of a document up to DOC_CHARS characters (a longer line cut to fit), and how many
    rows are left out."""
    shown, chars = [], 0
    for r in rows:
        if chars >= DOC_CHARS:
            break
        if len(r.text) > DOC_CHARS - chars or (r.new is not None and len(r.new) > DOC_CHARS):
            r = r._replace(text=r.text[:DOC_CHARS - chars] + "…", new=None if r.new is None else r.new[:DOC_CHARS] + "…")
        shown.append(r)
        chars += len(r.text)
    return shown, len(rows) - len(shown)


def _bounded_diff(diff: list) -> list:
    out, chars = [], 0
    for op, text in diff:
        if chars >= DOC_CHARS:
            break
        if isinstance(text, str):
            text = text[:DOC_CHARS - chars]
            chars += len(text)
        out.append([op, text])
    return out


def _assemble(paths, rules: Rules, opts: Options, against: Rules | None, cat: _Catalogue, out_docs: list[dict],
              seen: int, rejects: list[dict], tally: Counter, site_docs: dict[str, int]) -> dict:
    for entry in cat.rules.values():
        entry["docs"] = {k: len(v) for k, v in entry["docs"].items()}
        if "longest" in entry:
            entry["longest"][2] = entry["longest"][2][:EXAMPLE_CHARS]
        texts = entry.pop("texts", None)
        if texts:  # the lines a rule takes most often (a word list's or a learned rule's busiest entries)
            entry["top"] = [[t, c] for t, c in sorted(texts.items(), key=lambda tc: (-tc[1], tc[0]))[:TOP] if c > 1]
        for k in ("gained_docs", "lost_docs"):
            if k in entry:
                entry[k] = len(entry[k])
    # generic rules run on every document; a site's rules on the documents of that site
    sets = [dict(vars(s), source=_shown_path(s.source), docs=len(out_docs) if s.name == GENERIC else site_docs.get(s.name, 0))
            for s in rules.sets]
    data = {
        "meta": {
            "inputs": [str(p) for p in paths],
            "rules": rules.label,
            "against": against.label if against is not None else None,
            "sample": opts.sample,
            "seed": opts.seed,
            "read": seen,
        },
        "summary": {
            "docs": len(out_docs), "read": seen, "sites": len(site_docs), "chars_in": tally["chars_in"],
            "chars_out": tally["chars_out"], "empty": tally["empty"], "warned": tally["warned"],
            "rejected": len(rejects),
        },
        "sets": sets,
        "old_sets": [dict(vars(s), source=_shown_path(s.source)) for s in against.sets] if against is not None else None,
        "site_docs": dict(sorted(site_docs.items())),
        "rules": [dict(cat.rules[k], key=k) for k in cat.order],
        "docs": out_docs,
        "rejects": rejects[:100],
    }
    if against is not None:
        ranked = sorted(range(len(out_docs)), key=lambda i: (-out_docs[i].get("score", 0), i))
        data["changed"] = [i for i in ranked if out_docs[i].get("score", 0) > 0]
    return data


def _row(r: LineRow, cat: _Catalogue, side: str, site: str | None) -> list:
    """[n, status code, rule index or list of indices or -1, text(, new text)]."""
    if r.n < 0:
        rule = cat.index(cat.key(side, site, r.rule, r.n))
    elif r.rule:
        keys = [cat.index(cat.key(side, site, rid)) for rid in r.rule.split(", ")]
        rule = keys[0] if len(keys) == 1 else keys
    else:
        rule = -1
    row = [r.n, CODES[r.status], rule, r.text]
    if r.new is not None:
        row.append(r.new)
    return row


def _impact(d: dict, old: dict, cat: _Catalogue, i: int) -> dict:
    """The old side of one document: its line statuses where they differ, its output diff, hits gained/lost."""
    out: dict = {"score": d.get("score", 0), "diff": d.get("diff", [])}
    if "error" in old:
        out["old_error"] = old["error"]
        return out
    ores = old["result"]
    out["old_site"] = ores.site or "no site rules"
    out["old_out"] = ores.stats.get("chars_out", 0)
    if [r.n for r in old["rows"]] == [r.n for r in d["rows"]] and all(
            a.text == b.text for a, b in zip(old["rows"], d["rows"])):
        new_rows = {r.n: r for r in d["rows"]}
        changed = []
        for r in old["rows"]:
            nr = new_rows[r.n]
            if (r.status, r.new) != (nr.status, nr.new) or _rule_keys(cat, "old", ores.site, r) != \
                    _rule_keys(cat, "new", d["result"].site, nr):
                row = _row(r, cat, "old", ores.site)
                changed.append([r.n, row[1], row[2]] + row[4:])
        out["old_rows"] = changed
    for key, _n in sorted(old["hits"] - d["hits"]):
        e = cat.rules[key]
        e["lost"] = e.get("lost", 0) + 1
        e.setdefault("lost_docs", set()).add(i)
    for key, _n in sorted(d["hits"] - old["hits"]):
        e = cat.rules[key]
        e["gained"] = e.get("gained", 0) + 1
        e.setdefault("gained_docs", set()).add(i)
    for key, _n in old["hits"]:
        e = cat.rules[key]
        e["hits"]["old"] = e["hits"].get("old", 0) + 1
        e["docs"].setdefault("old", set()).add(i)
    return out


def _rule_keys(cat: _Catalogue, side: str, site: str | None, row: LineRow) -> list[str]:
    if row.n < 0:
        return [cat.key(side, site, row.rule, row.n)]
    return [cat.key(side, site, r) for r in row.rule.split(", ")] if row.rule else []


def _shown_path(path: str) -> str:
    """A rule file as the page shows it: relative to the working directory when it is below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


def _host(url: str | None) -> str | None:
    """The host of a URL, `www.` dropped: how documents without site rules are grouped."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:  # "Invalid IPv6 URL": a hostile or broken URL groups with no host
        return None
    return host.removeprefix("www.") or None
