"""A report's data as one self-contained HTML page, or as a plain-text per-rule summary."""
from __future__ import annotations

import base64
import gzip
import json
from importlib import resources

from cleaner.core.cleaner import LONE_SURROGATES, printable

_ASSETS = resources.files("cleaner.report") / "assets"


def render_html(data: dict) -> str:
    """One HTML file: inline CSS and script, the data as gzip'd JSON (base64) that the page unpacks
    with the browser's DecompressionStream and renders lazily. No network, opens from disk."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    payload = LONE_SURROGATES.sub("\ufffd", payload)  # ids, URLs and paths may hold them (JSON escapes)
    packed = base64.b64encode(gzip.compress(payload.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")
    page = (_ASSETS / "page.html").read_text(encoding="utf-8")
    # str.replace, not format(): CSS and script are full of braces; base64 has no "*"
    return (page.replace("@@DATA@@", packed, 1)
            .replace("/*CSS*/", (_ASSETS / "page.css").read_text(encoding="utf-8"), 1)
            .replace("/*JS*/", (_ASSETS / "page.js").read_text(encoding="utf-8"), 1))


def render_text(data: dict, *, top: int = 0) -> str:
    """The per-rule summary for terminals and CI logs: counts, then one line per rule that fired
    (most lines first; `top` > 0 keeps that many), the rules that never fired, the documents that
    changed most."""
    impact = data["meta"]["against"] is not None
    out = [*_header(data, impact), "", *_rule_table(_fired(data["rules"], impact, top), impact), "",
           *_never_fired(data)]
    if impact:
        out += _changed_docs(data)
    return "\n".join(map(printable, out)) + "\n"  # ids, URLs and paths: no terminal escapes


def _header(data: dict, impact: bool) -> list[str]:
    """Documents, rules (and what they are compared with), characters removed, rule sets."""
    s, meta = data["summary"], data["meta"]
    removed = s["chars_in"] - s["chars_out"]
    pct = f" ({removed / s['chars_in']:.1%})" if s["chars_in"] else ""
    return [
        f"cleaner report: {s['docs']:,} documents (sample of {s['read']:,} read, seed {meta['seed']}), "
        f"{s['sites']:,} site(s)",
        f"rules: {meta['rules']}" + (f"   against: {meta['against']}" if impact else ""),
        f"characters removed: {removed:,} of {s['chars_in']:,}{pct}; ended empty: {s['empty']:,}; "
        f"with warnings: {s['warned']:,}; rejected: {s['rejected']:,}",
        _sets_line(data["sets"]),
    ]


def _fired(rules: list[dict], impact: bool, top: int) -> list[dict]:
    """The rules that fired (or, against other rules, changed what they take): most lines first, or what
    changed most first; `top` > 0 keeps that many."""
    fired = [r for r in rules if r["hits"].get("new") or (impact and (r.get("lost") or r.get("gained")))]
    if impact:
        fired.sort(key=lambda r: (-r.get("gained", 0) - r.get("lost", 0), -r["hits"].get("new", 0), r["key"]))
    else:
        fired.sort(key=lambda r: (-r["hits"].get("new", 0), r["key"]))
    return fired[:top] if top > 0 else fired


def _rule_table(fired: list[dict], impact: bool) -> list[str]:
    """One line per rule: lines and documents it took (before, gained and lost against other rules)."""
    width = max([len(r["key"]) for r in fired] + [4])
    head = f"{'rule':<{width}}  {'action':<12} {'lines':>7} {'docs':>6}"
    if impact:
        head += f" {'before':>7} {'gained':>7} {'lost':>6}"
    out = [head]
    for r in fired:
        line = (f"{r['key']:<{width}}  {r['action']:<12} {r['hits'].get('new', 0):>7,} "
                f"{r['docs'].get('new', 0):>6,}")
        if impact:
            gained, lost = r.get("gained", 0), r.get("lost", 0)
            line += (f" {r['hits'].get('old', 0):>7,} {f'+{gained:,}' if gained else '0':>7}"
                     f" {f'-{lost:,}' if lost else '0':>6}")
        out.append(line)
    return out


def _never_fired(data: dict) -> list[str]:
    """The rules of sampled sites that took nothing, and the rule sets no document of the sample met."""
    sampled = {x["name"] for x in data["sets"] if x["docs"]}
    rules = [r for r in data["rules"] if "new" in r["in"]]
    never = [r["key"] for r in rules if not r["hits"].get("new") and r["site"] in sampled]
    untried = sorted({r["site"] for r in rules if r["site"] not in sampled})
    out = [f"never fired on the sample ({len(never)}): " + (", ".join(never) or "none")]
    if untried:
        out.append(f"rule sets with no document in the sample ({len(untried)}): {', '.join(untried)}")
    return out


def _changed_docs(data: dict) -> list[str]:
    """How many documents' output changed against the other rules, and the ten that changed most."""
    changed = data.get("changed", [])
    out = [f"documents whose output changed: {len(changed):,} of {data['summary']['docs']:,}"]
    for i in changed[:10]:
        d = data["docs"][i]
        out.append(f"  {d['score']:>8,} chars  {d['id']}" + (f"  {d['url']}" if d.get("url") else ""))
    return out


def _sets_line(sets: list[dict], most: int = 6) -> str:
    if not sets:
        return "rule sets: none"
    kinds: dict[str, int] = {}
    for x in sets:
        kinds[x["kind"]] = kinds.get(x["kind"], 0) + 1
    shown = ", ".join(f"{x['name']} ({x['kind']}, {x['rules']} rules, {x['docs']} docs)" for x in sets[:most])
    more = f", … {len(sets) - most} more" if len(sets) > most else ""
    return f"rule sets: {len(sets)} ({', '.join(f'{n} {k}' for k, n in kinds.items())}): {shown}{more}"


def _json_default(obj):
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
