"""Load rule files from a directory: safe YAML, schema validation, compilation, clear one-line errors.

Layout of a rules directory:
  <site>.yaml   one site (e.g. vietnam.vn.yaml): `site`, `domains`, `signatures`, `rules`, ...
  generic.yaml  rules run on every document, after the site's rules
  _<name>.yaml  include-only files (shared word lists and rules) named in a file's `include:`
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import jsonschema
import regex
import yaml

from cleaner.core.dates import parse_date
from cleaner.core.sites import public_suffixes
from cleaner.ruleset.model import (MIN_SCORE, SHORT_LINE, Example, Layout, Matcher, Recognition, Rule, RuleError, RuleSet,
                                   Signature)
from cleaner.ruleset.schema import ACTION_KEYS, FILE, HTML_DATA_KEYS
from cleaner.ruleset.shapes import LazyPattern, is_line_shape, line_shape
from cleaner.ruleset.vocabulary import REGISTRY

_VALIDATOR = jsonschema.Draft202012Validator(FILE)
_PLACEHOLDER = regex.compile(r"\{\{([a-z0-9-]+)\}\}")
# A regex that starts with a word list and has no other branch: lines must start with one of its words.
_WORDLIST_TAIL = regex.compile(r"(?<![\\|])\((?:\?:)?\{\{([a-z0-9-]+)\}\}\)\$$")
_WORDLIST_LEAD = regex.compile(r"^\^(?:\(\?:)?\{\{([a-z0-9-]+)\}\}(?!\)?[*?{])(?!.*(?<!\\)\|(?![^\[]*\]))")
GENERIC = "generic"


FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where PyYAML has it


class _UniqueKeyLoader(FAST_SAFE_LOADER):
    """Safe loader that rejects duplicate keys instead of silently keeping the last one. libyaml's parser
    where PyYAML has it: ten times faster than the Python one (a site loaded on demand, a learned file
    checked, pay for it)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings (`valid_from: 2026-03-01`): the loader checks them, with a message naming the key.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_yaml(path: Path, raw: bytes | None = None) -> dict:
    """Parse one rule file safely (`raw`: its bytes, where read already); errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8") if raw is None else raw.decode("utf-8")
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except UnicodeDecodeError as e:
        raise RuleError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise RuleError(f"{path}: invalid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def _where(data: dict, err_path: Iterable) -> tuple[str, str]:
    """('rule <id>' or 'file', dotted key) for a schema error path."""
    parts = list(err_path)
    if len(parts) >= 4 and parts[0] == "layouts" and parts[2] == "rules" and isinstance(parts[3], int):
        data, parts = data["layouts"][parts[1]], parts[2:]
    if len(parts) >= 2 and parts[0] == "rules" and isinstance(parts[1], int):
        rule = data["rules"][parts[1]]
        rid = rule.get("id", f"#{parts[1] + 1}") if isinstance(rule, dict) else f"#{parts[1] + 1}"
        return f"rule '{rid}'", ".".join(str(p) for p in parts[2:])
    return "file", ".".join(str(p) for p in parts)


def _format_schema_error(path: Path, data: dict, err: jsonschema.ValidationError) -> str:
    where, key = _where(data, err.absolute_path)
    prefix = f"{path}: {where}" + (f": key '{key}'" if key else "")
    schema = err.schema if isinstance(err.schema, dict) else {}
    if err.validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        extra = sorted(set(err.instance) - set(schema.get("properties", {})))
        return f"{path}: {where}: unknown key {', '.join(map(repr, extra))}" + \
            (f" under '{key}'" if key else "") + f"; allowed: {allowed}"
    if err.validator == "required":
        return f"{prefix}: missing required key: {err.message.split(' is a required')[0]}"
    if err.validator == "enum":
        return f"{prefix}: bad value {err.instance!r}; allowed: {', '.join(map(str, err.validator_value))}"
    branches = err.validator_value if err.validator in ("anyOf", "oneOf") else None
    if branches and all(isinstance(b, dict) and list(b) == ["required"] for b in branches):
        keys = ", ".join(k for b in branches for k in b["required"])
        return f"{prefix}: needs " + (f"one of: {keys}" if err.validator == "anyOf" else f"exactly one of: {keys}")
    if err.validator == "propertyNames":
        return f"{prefix}: bad name {err.instance!r}: {err.message}"
    return f"{prefix}: bad value {err.instance!r}: {err.message}"


def validate(path: Path, data: dict) -> None:
    """Schema-check a parsed rule file; raise the first error as one line."""
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        # The deepest error is usually the most specific one.
        best = max(errors, key=lambda e: len(e.absolute_path))
        raise RuleError(_format_schema_error(path, data, best))
    names: set[str] = set()
    for layout in data.get("layouts", ()):
        if layout["name"] in names:
            raise RuleError(f"{path}: layout '{layout['name']}': key 'name': duplicate")
        names.add(layout["name"])
        _check_layout(path, layout)
    for rule in [*data.get("rules", []), *(r for layout in data.get("layouts", ()) for r in layout["rules"])]:
        for key, actions in ACTION_KEYS.items():
            if key in rule and rule["action"] not in actions:
                raise RuleError(f"{path}: rule '{rule['id']}': key '{key}' is only allowed with action "
                                f"{' or '.join(actions)}, not {rule['action']!r}")
        REGISTRY[rule["action"]].check(rule, lambda key, msg, rid=rule["id"]: RuleError(f"{path}: rule '{rid}': {msg}"))
        if "example" not in rule and "examples" not in rule:
            raise RuleError(f"{path}: rule '{rule['id']}': missing required key: 'example' (input -> output)")


def _check_layout(path: Path, layout: dict) -> None:
    for key in ("valid_from", "valid_until"):
        if key in layout and parse_date(layout[key], "ymd") != layout[key]:
            raise RuleError(f"{path}: layout '{layout['name']}': key '{key}': bad value {layout[key]!r}; "
                            f"allowed: a date, yyyy-mm-dd")
    if layout.get("valid_from", "") > layout.get("valid_until", "9999"):
        raise RuleError(f"{path}: layout '{layout['name']}': key 'valid_until': {layout['valid_until']} is "
                        f"before valid_from {layout['valid_from']}")


class _Compiler:
    """Turns validated data into Rule objects, with the word lists of the file and its includes."""

    def __init__(self, path: Path, wordlists: dict[str, tuple[str, ...]]):
        self.path = path
        self.wordlists = wordlists

    def fail(self, rid: str, key: str, msg: str) -> RuleError:
        return RuleError(f"{self.path}: rule '{rid}': key '{key}': {msg}")

    def pattern(self, rid: str, key: str, source: str, flags: int = 0) -> regex.Pattern:
        def expand(m: regex.Match) -> str:
            name = m.group(1)
            if name not in self.wordlists:
                raise self.fail(rid, key, f"unknown word list '{name}' in {source!r}; "
                                          f"defined: {', '.join(sorted(self.wordlists)) or 'none'}")
            words = sorted(self.wordlists[name], key=len, reverse=True)
            return "(?:" + "|".join(regex.escape(w) for w in words) + ")"

        expanded = _PLACEHOLDER.sub(expand, source)
        try:
            return regex.compile(expanded, flags)
        except regex.error as e:
            raise self.fail(rid, key, f"bad regex {source!r}: {e}") from None

    def matcher(self, rid: str, key: str, spec: dict) -> Matcher:
        words = self._words(rid, key, spec)
        source = spec.get("regex")
        shape = None if source is None else line_shape(source)
        pattern = None if source is None else LazyPattern(source) if shape is not None else \
            self.pattern(rid, f"{key}.regex", source)
        max_chars = spec.get("max_chars")
        if pattern is None:
            # Whole-line words: a longer line cannot match (casefolding never shortens text).
            longest = max(map(len, words))
            max_chars = longest if max_chars is None else min(max_chars, longest)
        prefixes, suffixes = self._edges(source) if shape is None and pattern is not None and \
            not pattern.flags & regex.IGNORECASE else ((), ())
        return Matcher(
            pattern=pattern, words=frozenset(words), max_chars=max_chars, min_chars=spec.get("min_chars", 0),
            contains=tuple(spec.get("contains", ())),
            anchored=shape is not None or (pattern is not None and _anchored(source)),
            prefixes=prefixes, suffixes=suffixes,  # (a line shape cannot backtrack: it is never run as a regex)
            timed=shape is None and pattern is not None and _can_backtrack_badly(source, max_chars),
            longest_word=max(map(len, words), default=0), shape=shape)

    def _words(self, rid: str, key: str, spec: dict) -> set[str]:
        """A matcher's whole-line words: its literals and word lists, casefolded."""
        words: set[str] = {w.casefold() for w in spec.get("literal", ())}
        names = spec.get("words", ())
        for name in [names] if isinstance(names, str) else names:
            if name not in self.wordlists:
                raise self.fail(rid, f"{key}.words", f"unknown word list '{name}'; "
                                                     f"defined: {', '.join(sorted(self.wordlists)) or 'none'}")
            words.update(w.casefold() for w in self.wordlists[name])
        too_long = [w for w in words if len(w) > SHORT_LINE]
        if too_long:
            raise self.fail(rid, key, f"bad value {too_long[0][:40]!r}…: whole-line words and literals are "
                                      f"at most {SHORT_LINE} characters; use a regex for longer lines")
        return words

    def _edges(self, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(prefixes, suffixes): the word list a case-sensitive regex starts, else ends, with."""
        lead, tail = _WORDLIST_LEAD.match(source), _WORDLIST_TAIL.search(source)
        if lead:
            return self.wordlists[lead.group(1)], ()
        if tail:
            return (), self.wordlists[tail.group(1)]
        return (), ()

    def rule(self, data: dict, earlier: set[str]) -> Rule:
        rid, action = data["id"], data["action"]
        match = self.matcher(rid, "match", data["match"])
        effect = REGISTRY[action].build(data, match, lambda key, msg: self.fail(rid, key, msg),
                                        lambda key, spec: self.matcher(rid, key, spec))
        missing = set(data.get("requires", ())) - earlier
        if missing:
            raise self.fail(rid, "requires", f"{sorted(missing)} are not ids of earlier rules in this set")
        examples = data.get("examples") or [data["example"]]
        region = data.get("region", {})
        return Rule(
            id=rid,
            description=data["description"],
            action=action,
            match=match,
            source=str(self.path),
            effect=effect,
            head=region.get("head"),
            tail=region.get("tail"),
            requires=frozenset(data.get("requires", ())),
            examples=tuple(Example(e["input"], e["input"] if e.get("pass") else e["output"], e.get("title"),
                                   e.get("metadata"), e.get("name")) for e in examples),
        )


def _anchored(source: str) -> bool:
    """True when every top-level branch of a regex starts with `^` (so match() == search())."""
    if regex.search(r"\(\?[a-zA-Z]*m", source):  # multiline: ^ also matches after newlines
        return False
    depth, branch_start, escaped, in_class = 0, 0, False, False
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            if not source[branch_start:i].startswith("^"):
                return False
            branch_start = i + 1
    return source[branch_start:].startswith("^")


# A group followed by a quantifier (* + {m,n}), and backreferences: the shapes behind catastrophic backtracking.
_GROUP_REPEAT = regex.compile(r"(?<!\\)\)(?:([*+])|\{(\d*)(,?)(\d*)\})")
_BACKREFERENCE = regex.compile(r"\(\?P=|\\[1-9]|\\g<")
SHORT_MATCH = 2000  # a rule whose lines are at most this long bounds any polynomial backtracking


def _can_backtrack_badly(source: str, max_chars: int | None = None) -> bool:
    """Static check: may this regex backtrack exponentially? Only such patterns pay for a time budget
    (a per-call timeout costs about two microseconds); the others run in time bounded by the line length.

    Risky: a group repeated without bound (`(a|aa)+`) or more than 4 times. A group repeated at most
    4 times, or a backreference, costs at worst a small power of the line length, so it is risky only
    where `max_chars` does not keep lines short.
    """
    short = max_chars is not None and max_chars <= SHORT_MATCH
    for m in _GROUP_REPEAT.finditer(source):
        star, low, comma, high = m.groups()
        if star or (comma and not high) or int(high or low or 0) > 4 or not short:
            return True
    return _BACKREFERENCE.search(source) is not None and not short


def _check_selectors(path: Path, html: dict[str, tuple[str, ...]]) -> None:
    """CSS selectors must parse (selectolax/Lexbor), so a typo fails at load, not on every page."""
    from selectolax.lexbor import LexborHTMLParser

    probe = LexborHTMLParser("<html><body></body></html>")
    for key, selectors in html.items():
        if key in HTML_DATA_KEYS:
            continue
        for sel in selectors:
            try:
                probe.css(sel)
            except Exception as e:  # selectolax raises several types for bad selectors
                raise RuleError(f"{path}: file: key 'html.{key}': bad CSS selector {sel!r}: {e}") from None


def _check_domain(path: Path, domain: str) -> None:
    if public_suffixes().is_public(domain):
        raise RuleError(f"{path}: file: key 'domains': bad value {domain!r}: a public suffix would match "
                        f"every site under it; allowed: a registrable domain or a subdomain of one")


def load_dir(directory: str | Path) -> tuple[list[RuleSet], RuleSet | None]:
    """Load every rule file of a directory: (site rule sets, the generic set or None)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleError(f"{directory}: not a directory of rule files")
    raw: dict[str, tuple[Path, dict]] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = read_yaml(path)
        validate(path, data)
        raw[path.stem] = (path, data)
    sites, generic = [], None
    for stem, (path, data) in raw.items():
        if stem.startswith("_"):
            for key in ("site", "domains", "signatures", "html", "recognition", "article_finder"):
                if key in data:
                    raise RuleError(f"{path}: file: key '{key}' is not allowed in an include-only file "
                                    f"(names starting with '_'); allowed: description, include, wordlists, rules")
            _compile(path, data, raw, stem)  # check it on its own too
            continue
        if "description" not in data:
            raise RuleError(f"{path}: file: missing required key: 'description'")
        if stem == GENERIC:
            for key in ("site", "article_finder"):  # (the finder runs on text of sites without rules anyway)
                if key in data:
                    raise RuleError(f"{path}: file: key '{key}' is not allowed in generic.yaml")
            generic = _compile(path, data, raw, GENERIC)
        else:
            if data.get("site") != stem:
                raise RuleError(f"{path}: file: key 'site': bad value {data.get('site')!r}; "
                                f"a site file must be named after its site ('{stem}')")
            sites.append(_compile(path, data, raw, stem))
    return sites, generic


def load_site_file(path: Path, checked: bool = False, data: dict | None = None) -> RuleSet:
    """Load one site file of a directory, with the include-only files it names from beside it (a site
    loaded on demand: `cleaner.ruleset.catalog`). `checked`: the file passed the schema check unchanged
    since (its directory's index says so), which is then skipped; its includes are checked. `data`:
    the file as parsed, where the index keeps it (else the YAML is read)."""
    if data is None:
        data = read_yaml(path)
    if not checked:
        validate(path, data)
    if "description" not in data:
        raise RuleError(f"{path}: file: missing required key: 'description'")
    if data.get("site") != path.stem:
        raise RuleError(f"{path}: file: key 'site': bad value {data.get('site')!r}; "
                        f"a site file must be named after its site ('{path.stem}')")
    raw: dict[str, tuple[Path, dict]] = {}
    todo = list(data.get("include", ()))
    while todo:
        name = todo.pop()
        ipath = path.parent / f"{name}.yaml"
        if name in raw or not ipath.is_file():
            continue  # _collect_includes names what is missing
        idata = read_yaml(ipath)
        validate(ipath, idata)
        raw[name] = (ipath, idata)
        todo += idata.get("include", ())
    try:
        return _compile(path, data, raw, path.stem)
    except (KeyError, TypeError, AttributeError) as exc:
        if not checked:
            raise
        validate(path, data)  # the file changed behind its index's back: say how, in one line
        raise RuleError(f"{path}: file: does not compile ({type(exc).__name__}: {exc}), though its "
                        f"directory's index vouched for it: the file changed since") from None


def _collect_includes(path: Path, data: dict, raw: dict, chain: tuple[str, ...]) -> list[tuple[Path, dict]]:
    out = []
    for name in data.get("include", ()):
        if name in chain:
            raise RuleError(f"{path}: file: key 'include': cycle {' -> '.join(chain + (name,))}")
        if name not in raw:
            raise RuleError(f"{path}: file: key 'include': bad value {name!r}; no file {name}.yaml "
                            f"beside it; include-only files: {', '.join(k for k in raw if k.startswith('_'))}")
        ipath, idata = raw[name]
        out.extend(_collect_includes(ipath, idata, raw, chain + (name,)))
        out.append((ipath, idata))
    return out


def _compile(path: Path, data: dict, raw: dict, name: str) -> RuleSet:
    parts = _collect_includes(path, data, raw, (path.stem,))
    seen_files: set[Path] = set()
    unique = [(p, d) for p, d in parts + [(path, data)] if not (p in seen_files or seen_files.add(p))]
    wordlists = _wordlists(unique)
    # A layout's own rules run first (their ids are unique within the layout), then the file's shared
    # rules, then those of its includes (their ids unique in the file).
    layouts = tuple(_layout(path, ld, wordlists) for ld in data.get("layouts", ()))
    layout_ids = {r.id for layout in layouts for r in layout.rules}
    rules = _shared_rules([(path, data)] + [u for u in unique if u[0] != path], wordlists, layout_ids)
    for domain in data.get("domains", ()):
        _check_domain(path, domain)
    compiler = _Compiler(path, wordlists)
    signatures = tuple(
        Signature(LazyPattern(s["regex"], regex.MULTILINE) if is_line_shape(s["regex"]) else
                  compiler.pattern(f"signature #{i + 1}", "signatures.regex", s["regex"], regex.MULTILINE),
                  _can_backtrack_badly(s["regex"]), tuple(s.get("contains", ())))
        for i, s in enumerate(data.get("signatures", ())))
    html = {k: v if k in HTML_DATA_KEYS else tuple(v) for k, v in data["html"].items()} if "html" in data else None
    if html:
        _check_selectors(path, html)
    recognition = _recognition(path, data.get("recognition", {}), {r.id for r in rules} | layout_ids)
    return RuleSet(name=name, source=str(path), description=data.get("description", ""), rules=tuple(rules),
                   domains=tuple(data.get("domains", ())), signatures=signatures, html=html, layouts=layouts,
                   recognition=recognition, article_finder=data.get("article_finder", False))


def _shared_rules(files: list[tuple[Path, dict]], wordlists: dict[str, tuple[str, ...]],
                  layout_ids: set[str]) -> list[Rule]:
    """The `rules` of a file and then of its includes, compiled; an id used twice is an error."""
    rules: list[Rule] = []
    ids: dict[str, Path] = {}
    for p, d in files:
        compiler = _Compiler(p, wordlists)
        for rd in d.get("rules", ()):
            if rd["id"] in ids or rd["id"] in layout_ids:
                where = ids.get(rd["id"], "a layout of this file")
                raise RuleError(f"{p}: rule '{rd['id']}': key 'id': duplicate; already used in {where}")
            rules.append(compiler.rule(rd, set(ids) | layout_ids))
            ids[rd["id"]] = p
    return rules


def _recognition(path: Path, rec: dict, ids: set[str]) -> Recognition:
    """The file's `recognition` key; its weights must name the file's rules."""
    for rid in rec.get("weights", {}):
        if rid not in ids:
            raise RuleError(f"{path}: file: key 'recognition.weights': bad value {rid!r}: no such rule; "
                            f"allowed: the ids of this file's rules")
    return Recognition(float(rec.get("min_score", MIN_SCORE)),
                       {k: float(v) for k, v in rec.get("weights", {}).items()})


def _wordlists(files: list[tuple[Path, dict]]) -> dict[str, tuple[str, ...]]:
    """The word lists of a file and its includes (each defined once)."""
    wordlists: dict[str, tuple[str, ...]] = {}
    owner: dict[str, Path] = {}
    for p, d in files:
        for wl, words in d.get("wordlists", {}).items():
            if wl in wordlists:
                raise RuleError(f"{p}: file: key 'wordlists.{wl}': already defined in {owner[wl]}")
            wordlists[wl], owner[wl] = tuple(dict.fromkeys(words)), p
    return wordlists


def _layout(path: Path, data: dict, wordlists: dict[str, tuple[str, ...]]) -> Layout:
    compiler = _Compiler(path, wordlists)
    rules: list[Rule] = []
    ids: set[str] = set()
    for rd in data["rules"]:
        if rd["id"] in ids:
            raise RuleError(f"{path}: rule '{rd['id']}': key 'id': duplicate in layout '{data['name']}'; "
                            f"allowed: ids used once per layout")
        rules.append(compiler.rule(rd, set(ids)))
        ids.add(rd["id"])
    return Layout(data["name"], tuple(rules), data.get("valid_from"), data.get("valid_until"))


def load_data(data: dict, path: str | Path = "<memory>.yaml", name: str | None = None) -> RuleSet:
    """Validate and compile one rule file's parsed data that includes no other file (rules written by
    a program: tests, learners)."""
    path = Path(path)
    validate(path, data)
    return _compile(path, data, {}, name or data.get("site", GENERIC))
