"""Rule files that load on demand: an index of a learned directory's sites (names, domains, signatures ->
files), and each site's files compiled the first time a document of that site arrives.

A crawl's learned directory holds one file per site, tens of thousands of them; compiling them all costs
minutes and gigabytes, and a batch worker sees few of them. So `Catalog` keeps only the index, and
`Catalog.compile(site)` reads, validates and compiles one site's files (in layer order, combined as
`cleaner.ruleset.layers` combines them). The `TextCleaner` keeps the compiled sites in a bounded cache.

The index comes from `index*.json` files that `cleaner learn` (and `LearnMerge`, one per bucket) write
beside `learned*.json`, after the rule files: for each file, its size and the `domains` and `signatures`
it declares (deterministic: the same dump learns the same bytes). An entry whose file has another size or
is newer than the index (a file edited by hand), or a file without entry, is read again from the file
itself, so the index is a cache that is never trusted blindly; a directory with no index at all still
loads, at the cost of reading every file's domains and signatures once (about 1 ms a file).

`write_index` schema-checks each file it indexes (an entry says `"invalid": true` where the check
failed), so compiling a site whose entry is current, and whose file is no newer than its index, skips
the schema check (half a millisecond of the few a site costs on a first pass); any other file is checked.

Signatures: a learned signature is one whole line, literal but for runs of digits (`^Copyright [0-9]+
Example News$`). Such a signature is indexed by its line's *key* (digit runs folded to `0`), so that a
document's lines are looked up in one dict, whatever the number of sites; a key that hits is confirmed by
the signature's own regex (compiled on first use). Any other signature is searched as the eagerly loaded
ones are. Either way the first site (in load order) whose signature is found wins, as with eager loading.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import regex
import yaml

from cleaner.ruleset.model import RuleError, RuleSet, Signature
from cleaner.ruleset.shapes import LITERAL, TOKEN, line_key, line_shape

INDEX = "index.json"  # `cleaner learn`'s; LearnMerge writes index-<bucket>.json
INDEX_GLOB = "index*.json"
_FORMAT = 2  # 2: entries are schema-checked (format 1 indexes are read, their files checked)
_FORMATS = (1, _FORMAT)
# A whole-line signature: ^, then literal characters (escaped or plain) and `[0-9]+` runs, then $.
_LINE_SIGNATURE = re.compile(rf"\^((?:{LITERAL}|\[0-9\]\+)*)\$")
_EXACT = object()  # a signature that is a line shape: a line with its key matches it (no regex needed)
_OWN_FILE = object()  # a signature with a `{{word-list}}`: searched as its compiled file has it
try:
    _FAST_LOADER = yaml.CSafeLoader  # only to read an entry's domains and signatures; compiling validates
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _FAST_LOADER = yaml.SafeLoader


def signature_key(source: str) -> str | None:
    """The `line_key` of every line a whole-line signature regex matches, or None when the regex is not
    of that form (then it is searched as a regex)."""
    m = _LINE_SIGNATURE.fullmatch(source)
    if m is None:
        return None
    parts = []
    for escaped, digits, plain in TOKEN.findall(m.group(1)):
        parts.append("0" if digits else escaped or plain)
    return line_key("".join(parts))


def _entry_of(path: Path, check: bool = False, raw: bytes | None = None) -> tuple[dict, dict | None, str]:
    """What the index records of one rule file (`raw`: its bytes, else read): its size, domains and
    signatures ([regex, contains, key]); with `check`, `invalid: true` where the file fails the schema
    check. With it, the file as parsed (None where it does not parse, or fails the check) and the
    `content_digest` of the bytes parsed."""
    from cleaner.ruleset.loader import read_yaml, validate

    if raw is None:
        raw = path.read_bytes()  # (read once: what is parsed is what the digest names)
    data, invalid = None, False
    if check:  # parsed as compiling parses it, then schema-checked
        try:
            data = read_yaml(path, raw)
            validate(path, data)
        except RuleError:
            invalid = True
    if data is None:  # (libyaml's plain loader is enough for domains and signatures)
        try:
            data = yaml.load(raw.decode("utf-8"), Loader=_FAST_LOADER)
        except (UnicodeDecodeError, yaml.YAMLError):
            data = None  # compiling the file reports the error, with the file's name
    parsed = data if isinstance(data, dict) and not invalid else None
    if not isinstance(data, dict):
        data, invalid = {}, True
    sigs = [[s["regex"], list(s.get("contains", ())), signature_key(s["regex"])]
            for s in data.get("signatures", ()) or () if isinstance(s, dict) and isinstance(s.get("regex"), str)]
    domains = [d for d in data.get("domains", ()) or () if isinstance(d, str)]
    entry = {"size": len(raw), "domains": domains, "signatures": sigs}
    if check and invalid:
        entry["invalid"] = True
    return entry, parsed, content_digest(raw)


def index_record(stem: str, raw: bytes) -> tuple[str, dict, bytes | None]:
    """What `write_index` records of the bytes of a site file that was schema-checked already, computed
    where the file was made (a learning worker), so that the index need not parse it again (`known`):
    (`content_digest`, index entry, parsed line or None)."""
    entry, data, digest = _entry_of(Path(f"{stem}.yaml"), False, raw)
    return digest, entry, None if data is None else _parsed_line(stem, digest, data)


def parsed_name(index: str) -> str:
    """The file beside an index that holds its files as parsed: `index.json` -> `index.parsed.jsonl`."""
    return f"{index.removesuffix('.json')}.parsed.jsonl"


def content_digest(raw: bytes) -> str:
    """What identifies a rule file's bytes in a parsed file (a file changed since parses anew)."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _parsed_line(stem: str, digest: str, data: dict) -> bytes | None:
    """One line of a parsed file: [site, `content_digest` of its rule file, the file as parsed]; None
    where JSON would not give the same data back (a date, a key that is no string)."""
    try:
        line = json.dumps([stem, digest, data], separators=(",", ":"))
        if json.loads(line)[2] != data:
            return None
    except (TypeError, ValueError):
        return None
    return line.encode("ascii") + b"\n"


def _site_files(directory: Path) -> dict[str, os.DirEntry]:
    """The site files of a directory (not generic.yaml, not include-only `_*.yaml`), by stem."""
    with os.scandir(directory) as it:
        return {e.name[:-5]: e for e in it
                if e.name.endswith(".yaml") and not e.name.startswith("_") and e.name != "generic.yaml"}


def read_index(directory: Path) -> dict[str, dict]:
    """Every site file's index entry: from the directory's index files where they match the file's size
    and mtime, else read from the file. An entry that vouches for the file's schema check has `checked`:
    the mtime of its index (a file no newer than that need not be checked again), and where the index's
    parsed file holds it, `parsed` (that file's name) and `at` ([offset, length] in it)."""
    recorded: dict[str, tuple[dict, int]] = {}  # stem -> (entry, mtime of the index that has it)
    for index in sorted(directory.glob(INDEX_GLOB)):
        try:
            doc = json.loads(index.read_text(encoding="utf-8"))
            if doc.get("format") in _FORMATS:
                written = index.stat().st_mtime_ns
                checked = doc["format"] == _FORMAT
                parsed = parsed_name(index.name) if doc.get("parsed") == parsed_name(index.name) else None
                for stem, e in doc["files"].items():
                    if checked and not e.get("invalid"):
                        e["checked"] = written
                        if parsed and "at" in e:
                            e["parsed"] = parsed  # (one string for all entries of the index)
                    recorded[stem] = (e, written)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged index is only a cache: the files themselves are read
    entries = {}
    for stem, e in _site_files(directory).items():
        st = e.stat()
        got, written = recorded.get(stem, (None, 0))
        # current: the same size, and not changed since the index was written (after its files)
        if not (isinstance(got, dict) and got.get("size") == st.st_size and st.st_mtime_ns <= written):
            got = _entry_of(Path(e.path))[0]
        entries[stem] = got
    return entries


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (`write_index`'s default writer)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_index(directory: str | Path, stems: Sequence[str] | None = None, name: str = INDEX,
                checked: Collection[str] = (), write: Callable[[Path, bytes], None] = _write_atomic,
                known: Mapping[str, tuple[str, dict, bytes | None]] | None = None) -> Path:
    """Write `name` (default `index.json`) for the site files `stems` of `directory` (default: all of
    them), atomically; each file schema-checked, but those of `checked` (stems whose files as they are
    the caller has checked). Beside it, `parsed_name(name)` holds each valid file as parsed (JSON, which
    reads some twenty times faster than YAML), for a site compiled on demand. `write(path, data)` writes
    each file atomically (`cleaner learn`'s: temporary files its next run sweeps after a kill). `known`:
    `index_record`s of checked files by stem, used where the file's bytes are still those. Returns the
    index's path."""
    directory = Path(directory)
    files = _site_files(directory)
    chosen = sorted(files) if stems is None else sorted(s for s in stems if s in files)
    entries, lines, offset = {}, [], 0
    for s in chosen:
        entry, line = _recorded(Path(files[s].path), s, s not in checked, (known or {}).get(s))
        if line is not None:
            entry["at"] = [offset, len(line)]
            lines.append(line)
            offset += len(line)
        entries[s] = entry
    write(directory / parsed_name(name), b"".join(lines))  # before the index that points into it
    doc = {"format": _FORMAT, "parsed": parsed_name(name), "files": entries}
    path = directory / name
    write(path, (json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
                  .encode("utf-8", "surrogatepass"))
    return path


def _recorded(path: Path, stem: str, check: bool, known: tuple[str, dict, bytes | None] | None
              ) -> tuple[dict, bytes | None]:
    """A site file's index entry (a copy: the caller adds to it) and parsed line: `known`'s where the
    file was checked and its bytes are those `known` was made of, else parsed now."""
    raw = path.read_bytes()
    if known is not None and not check and content_digest(raw) == known[0]:
        return dict(known[1]), known[2]
    entry, data, digest = _entry_of(path, check, raw)
    return entry, None if data is None else _parsed_line(stem, digest, data)


def _add_signatures(own: list[tuple[str, tuple[str, ...], str | None]], found: list) -> None:
    """A site's signatures of one layer's index entry ([regex, contains, key]), each once across layers."""
    for sig in found:
        source, contains = sig[0], tuple(sig[1])
        if not own or all((source, contains) != o[:2] for o in own):
            own.append((source, contains, sig[2] if len(sig) > 2 else signature_key(source)))


def _offsets(at) -> bool:
    return isinstance(at, list) and len(at) == 2 and all(type(x) is int and x >= 0 for x in at)


class Catalog:
    """The sites of learned directories, by name, domain and signature; `compile(site)` loads one.

    `layers`: per directory in load order, its index entries (`read_index`). Sites that a directory
    loaded eagerly also has are not in the catalog (the caller loads their files with the eager ones).
    Picklable (the index, not compiled rules), immutable but for a cache of compiled signatures.
    """

    def __init__(self, layers: Sequence[tuple[Path, dict[str, dict]]], skip: frozenset[str] = frozenset()):
        self.dirs = tuple(str(d) for d, _ in layers)
        self.files: dict[str, tuple[int, ...]] = {}  # site -> the layers (`dirs`) that have its file
        self.domains: dict[str, str] = {}
        self.keys: dict[str, tuple[tuple[int, int, str, tuple[str, ...]], ...]] = {}
        self.scanned: list[tuple[int, int, str, tuple[str, ...]]] = []
        # files whose index entry does not vouch for their schema check; per layer, its newest index's mtime
        self.unchecked: set[tuple[str, int]] = set()
        self.indexed: list[int] = []
        # per layer: site -> (its parsed file's number in `parsed_files[layer]`, offset, length)
        self.at: list[dict[str, tuple[int, int, int]]] = []
        self.parsed_files: list[list[str]] = []
        sigs: dict[str, list[tuple[str, tuple[str, ...], str | None]]] = {}
        one = (0,)
        for k, (_, entries) in enumerate(layers):
            self.indexed.append(0)
            at, numbers = {}, {}
            for stem, e in entries.items():
                if stem in skip:
                    continue
                self.files[stem] = one if k == 0 else (*self.files.get(stem, ()), k)
                if e.get("checked"):
                    self.indexed[k] = max(self.indexed[k], e["checked"])
                    if "parsed" in e and _offsets(e.get("at")):
                        at[stem] = (numbers.setdefault(e["parsed"], len(numbers)), *e["at"])
                else:
                    self.unchecked.add((stem, k))
                for d in e.get("domains", ()):
                    self.domains.setdefault(stem if d == stem else d, stem)  # (one string: pickled once)
                if e.get("signatures"):
                    _add_signatures(sigs.setdefault(stem, []), e["signatures"])
            self.at.append(at)
            self.parsed_files.append(list(numbers))
        self.names = tuple(sorted(self.files))
        keys: dict[str, list[tuple[int, int, str, tuple[str, ...]]]] = {}
        for rank, stem in enumerate(self.names):
            for n, (source, contains, key) in enumerate(sigs.get(stem, ()), 1):
                entry = (rank, n, source, contains)
                if key is None:
                    self.scanned.append(entry)
                else:
                    keys.setdefault(key, []).append(entry)
        self.keys = {k: tuple(v) for k, v in keys.items()}  # (tuples: the garbage collector skips them)
        self._compiled: dict[str, Signature | None] = {}
        self._lock = threading.Lock()

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_compiled"], state["_lock"] = {}, None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: str) -> bool:
        return name in self.files

    def site_of_domain(self, host: str) -> str | None:
        return self.domains.get(host)

    def by_signature(self, text: str) -> tuple[str | None, int]:
        """(the first site, in load order, with a signature found in `text`, the signature's number within
        the site), or (None, 0). `text`: the window the eager sites were searched in."""
        found = []
        for key in set(line_key(text).split("\n")):  # (folding digits never crosses a line)
            hits = self.keys.get(key)
            if hits:
                found += hits
        keyed = len(found)
        found += self.scanned
        for at, (rank, n, source, contains) in sorted(enumerate(found), key=lambda e: e[1]):
            sig = self._signature(source, contains)
            if sig is _EXACT and at >= keyed:  # (an index that did not key it: searched as a regex)
                sig = self._signature(source, contains, regex_only=True)
            if sig is _EXACT:  # its key is the line's: found, if it has a needle
                if not contains or any(c in text for c in contains):
                    return self.names[rank], n
            elif sig is _OWN_FILE:
                if self._search_compiled(self.names[rank], n, text):
                    return self.names[rank], n
            elif sig is not None and sig.search(text, 1.0):
                return self.names[rank], n
        return None, 0

    def _search_compiled(self, name: str, n: int, text: str) -> bool:
        """Whether the site's n-th signature, compiled with its file, is found in `text` (a signature that
        names a word list means what the file's word lists make of it)."""
        try:
            signatures = self.compile(name).signatures
        except RuleError:
            return False  # (its own documents report the error)
        return n <= len(signatures) and bool(signatures[n - 1].search(text, 1.0))

    def _signature(self, source: str, contains: tuple[str, ...], regex_only: bool = False) -> Signature | object | None:
        """The compiled signature, or `_EXACT` for a line shape (its key says whether a line matches)."""
        key = f"{source}\x00{contains}\x00{regex_only}"
        sig = self._compiled.get(key, False)
        if sig is False:
            from cleaner.ruleset.loader import _can_backtrack_badly

            if not regex_only and signature_key(source) is not None and line_shape(source) is not None:
                sig = _EXACT
            elif "{{" in source:
                sig = _OWN_FILE  # a word list's placeholder: only the site's file says what it stands for
            else:
                try:
                    sig = Signature(regex.compile(source, regex.MULTILINE), _can_backtrack_badly(source), contains)
                except regex.error:
                    sig = None  # compiling the site's file reports it, naming the file
            with self._lock:
                self._compiled[key] = sig
        return sig

    def _checked(self, name: str, k: int, path: Path) -> bool:
        """Whether the index vouches for the file's schema check, and the file is no newer than the index."""
        if (name, k) in self.unchecked:
            return False
        try:
            return os.stat(path).st_mtime_ns <= self.indexed[k]
        except OSError:
            return False  # reading it reports the error

    def _parsed(self, name: str, k: int, path: Path) -> dict | None:
        """The site's file of layer k as its index's parsed file holds it, or None (then the YAML is read)."""
        at = self.at[k].get(name)
        if at is None:
            return None
        number, offset, length = at
        try:
            with open(Path(self.dirs[k]) / self.parsed_files[k][number], "rb") as f:
                f.seek(offset)
                stem, digest, data = json.loads(f.read(length))
            # the file's bytes as parsed (reading them costs a hundredth of parsing them)
            current = stem == name and isinstance(data, dict) and digest == content_digest(path.read_bytes())
        except (OSError, ValueError, TypeError):
            return None  # (a parsed file rewritten under a reader: then the YAML is read)
        return data if current else None

    def compile(self, name: str) -> RuleSet:
        """The site's rule set: its files in layer order, validated, compiled and combined. Raises
        RuleError (one line naming the file, rule and key)."""
        from cleaner.ruleset.layers import combine
        from cleaner.ruleset.loader import load_site_file

        ruleset = None
        for k in self.files[name]:
            path = Path(self.dirs[k]) / f"{name}.yaml"
            checked = self._checked(name, k, path)
            data = self._parsed(name, k, path) if checked else None
            ruleset = combine(ruleset, load_site_file(path, checked=checked, data=data))
        if ruleset is None:  # pragma: no cover - every catalogued site has a file
            raise RuleError(f"{name}: no rule file")
        return ruleset
