"""The text core: one document's text through repair, site detection, preparing, rules, finishing and
settling. Text in, `Result` out; no I/O, no decoding, no HTML (those are `cleaner.api`'s input stages).

Each stage is a function you can call alone; `TextCleaner.clean_text` runs them in order.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import partial

from cleaner.core.accelerator import RulePlan, clean_lines_fast, run_rules_fast
from cleaner.core.article import OUTSIDE, Page, decide, named_title, says_title, slug_words
from cleaner.core.dates import parse_date
from cleaner.core.engine import Document, run_rules, settle
from cleaner.core.normalize import finish_lines, prepare_lines
from cleaner.core.repair import repair_document
from cleaner.core.result import Result, TraceEntry
from cleaner.core.sites import SiteIndex, url_host

METADATA_FIELDS = ("author", "publisher", "date", "source_url")
ARTICLE_FINDER = "article-finder"  # the step's name in the trace
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # what `looks_binary` counts (not \t \n \v \f \r \x1b)
LONE_SURROGATES = re.compile("[\ud800-\udfff]")  # no UTF-8 encodes them
KNOWN_SHOWN = 10  # site names a warning lists
CACHED_SITES = 512  # sites loaded on demand kept compiled (least recently used dropped first)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` (an id, URL, path, site name) safe on one terminal line: control characters (ESC starts
    terminal escapes; BEL, CR, newlines) shown as `\\x1b`, lone surrogates (no UTF-8 encodes them) as
    U+FFFD. Every piece of user text that reaches a terminal goes through here."""
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(_shown_char, text)


def _shown_char(m: re.Match) -> str:
    c = m.group()
    return "\ufffd" if "\ud800" <= c <= "\udfff" else f"\\x{ord(c):02x}"


# --- stages -------------------------------------------------------------------------------------------

def check_input(text: str, warnings: list[str]) -> bool | None:
    """Whether the text is all printable (newlines aside; a fast path for repair), or None when there is
    nothing to clean: empty, whitespace-only or binary input (a warning says which)."""
    if not text or text.isspace():
        warnings.append("empty input: nothing to clean")
        return None
    # One C-level pass: no control, invisible or odd space character anywhere (most documents).
    # CR counts as a newline: repair turns it into one before anything else looks at the text.
    flat = text.replace("\n", " ")
    printable = (flat.replace("\r", " ") if "\r" in flat else flat).isprintable()
    if not printable and looks_binary(text):
        warnings.append("binary input: not text, nothing cleaned")
        return None
    return printable


def detect_site(index: SiteIndex, url: str | None, text: str, site: str | None, warnings: list[str],
                lines: list[str] | None = None, timeout: float | None = None):
    """The rule set of a document and why it was chosen: by the URL's host ("url"), else (without a URL)
    by the `site` named ("site option": a directory's site, `--site`), else by content signatures
    ("signature <n>"), else (without a URL) by the evidence of the sites' own rules in `lines`
    ("rules <id>, ..."), else by the `site` named; (None, None): generic rules only.

    A named site comes before signatures, so that no other site's signature takes a document whose
    site is known (a copied header line must not hand one site's documents to another)."""
    ruleset = index.by_url(url)
    if ruleset is not None:
        return ruleset, "url"
    if site and not (url and url_host(url)):
        ruleset = index.by_name(site)
        if ruleset is not None:
            return ruleset, "site option"
    ruleset, n = index.by_signature(text)
    if ruleset is not None:
        return ruleset, f"signature {n}"
    if not (url and url_host(url)):  # a URL names the site, known or not
        # the lines as the engine sees them (stripped)
        evidence = index.by_evidence(list(map(str.strip, text.split("\n") if lines is None else lines)), timeout)
        if evidence is not None:
            if evidence.warning:
                warnings.append(evidence.warning)
            if evidence.site is not None:
                return evidence.site, f"rules {', '.join(evidence.reasons)}"
    if site:
        ruleset = index.by_name(site)
        if ruleset is not None:
            return ruleset, "site option"
        names = index.names
        known = ", ".join(names[:KNOWN_SHOWN]) + (f", ... ({len(names):,} in all)" if len(names) > KNOWN_SHOWN else "")
        known = known or "none"
        warnings.append(f"unknown site {site!r}; known: {known}; generic rules only")
    return None, None


def check_arguments(**values) -> None:
    """TypeError naming the argument whose value is neither a str nor None (`url=5`)."""
    for name, value in values.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name}={value!r}: allowed: a str or None, not {type(value).__name__}")


def pick_layout(ruleset, date: str | None, name: str | None, warnings: list[str]):
    """The layout named, else the first valid on the document's date; None when neither decides.
    Raises ValueError for a name the site's rule file does not declare (saying which it does)."""
    if name is not None:
        for layout in getattr(ruleset, "layouts", ()):
            if layout.name == name:
                return layout
        if ruleset is None:
            raise ValueError(f"layout={name!r}: no site's rules apply to this document (layouts belong to a "
                             f"site's rule file: pass its url or site=)")
        known = ", ".join(layout.name for layout in ruleset.layouts) or "none"
        raise ValueError(f"layout={name!r}: {ruleset.source} ({ruleset.name}) has no such layout; allowed: {known}")
    iso = parse_date(date) if date else None
    if iso is None:
        return None
    return next((layout for layout in ruleset.layouts if layout.valid_on(iso)), None)


def apply_rules(plan: RulePlan, lines: list[str], trace: list[TraceEntry], timeout: float | None) -> Document:
    """The rules over prepared lines (the reference engine): a Document with what they kept and found."""
    doc = Document(lines, trace, timeout)
    run_rules(plan.rules, doc)
    return doc


def finish(doc: Document, trace: list[TraceEntry]) -> tuple[list[str], list[int]]:
    """The kept lines, finished (table pipes, markers, spaces): (body lines, their input line numbers)."""
    kept, numbers = doc.kept()
    return finish_lines(kept, numbers, trace)


def keep_article(body: list[str], numbers: list[int], trace: list[TraceEntry],
                 page: Page | None = None, judge=decide) -> tuple[list[str], list[int], list[int]]:
    """Article-finder stage (text of a site without rules): the body lines of the article on the page
    (`page`: the body described already), their numbers and their positions in the body; each line
    dropped is traced to `article-finder: <why>` (outside the article, comment thread). `judge`: the
    verdicts (`decide`, or `after_rules` after a site's rules)."""
    verdicts = judge(Page(body) if page is None else page)
    if not any(verdicts):
        return body, numbers, list(range(len(body)))
    keep = [k for k, why in enumerate(verdicts) if why is None]
    steps = {why: f"{ARTICLE_FINDER}: {why}" for why in set(verdicts) if why is not None}
    new = tuple.__new__  # (`trace_entry` without its frame: a page drops dozens of lines here)
    trace.extend([new(TraceEntry, (steps[why], "drop", n, line, None))
                  for line, n, why in zip(body, numbers, verdicts) if why is not None])
    return [body[k] for k in keep], [numbers[k] for k in keep], keep


def after_rules(page: Page) -> list[str | None]:
    """The finder's verdicts on a page that a site's rules cleaned (`article_finder: true`): comment threads,
    and lines outside the article after it; never what lies above the article, which the rules judged
    already (a title, a lead, a list-heavy article's first lines the finder would take for chrome)."""
    verdicts = decide(page)
    first = next((k for k, why in enumerate(verdicts) if why is None), len(verdicts))
    return [None if k < first and why == OUTSIDE else why for k, why in enumerate(verdicts)]


def title_from_url(fields: dict[str, str], body: list[str], slug: tuple[str, ...]) -> None:
    """The title the URL's `slug` names, into `fields`, where no rule extracted a title or one that is not
    it (a learned title rule that took a sidebar's headline): the line of the article's heading that says it."""
    if not says_title(fields.get("title") or "", slug):
        title = named_title(body, slug)
        if title:
            fields["title"] = title


def article_judge(ruleset, slug: tuple[str, ...] = ()):
    """The article finder's verdicts on a text of this site (None: the finder does not run): `decide`
    without site rules (with the title the page's URL names: `slug`, see `slug_words`), `after_rules` after
    rules whose file asks for it (`article_finder: true`), which judge what lies above the article themselves."""
    if ruleset is None:  # (the title step runs on text of sites without rules only)
        return partial(decide, slug=slug) if slug else decide
    return after_rules if getattr(ruleset, "article_finder", False) else None


def make_result(body: list[str], numbers: list[int], doc: Document, fields: dict[str, str], ruleset,
                page_meta: dict[str, str], trace: list[TraceEntry], warnings: list[str], chars_in: int) -> Result:
    """The Result: paragraphs, title and metadata (rules first, then the page's own), trace, stats."""
    metadata = {k: fields[k] for k in METADATA_FIELDS if k in fields}
    for key, value in page_meta.items():
        if key != "title" and value:
            metadata.setdefault(key, value)
    title = fields.get("title") or page_meta.get("title") or None
    text_out = "\n\n".join(body)
    if not text_out:
        warnings.append("nothing left after cleaning: the document is all chrome")
    lines_in = len(doc.lines) - doc.lines.count("")
    changed = {t.line for t in trace if t.action in ("change", "repair") and t.line is not None}
    return Result(text=text_out, title=title, site=ruleset.name if ruleset is not None else None,
                  metadata=metadata, trace=trace, warnings=warnings,
                  stats=stats(chars_in, len(text_out), lines_in, len(body), len(changed & set(numbers))))


# --- the pipeline -------------------------------------------------------------------------------------

class TextCleaner:
    """Cleans text with per-site rules. Immutable, picklable and safe to share between threads.

    `accelerate=False` runs the reference engine (`engine.run_rules`, then `settle` until nothing
    changes); the default runs the accelerated one (`accelerator.py`), which returns the same results.
    `find_article=False` turns off the article finder (`cleaner.core.article`), which otherwise keeps
    only the article of a text whose site has no rules, after the generic rules, and of a text whose
    site's rule file asks for it (`article_finder: true`: a learned file's), after the site's rules.
    """

    def __init__(self, sites: Sequence = (), generic=None, *, regex_timeout: float | None = 2.0,
                 accelerate: bool = True, catalog=None, cached_sites: int = CACHED_SITES,
                 find_article: bool = True):
        self.index = SiteIndex(sites, catalog, self._lazy_site if catalog is not None else None)
        self.find_article = find_article
        self.generic = generic
        self.regex_timeout = regex_timeout
        self.accelerate = accelerate
        self.catalog, self.cached_sites = catalog, cached_sites
        # (Layout rules,) site rules, then generic rules: one plan per site (None: no site) and layout.
        self._plans: dict[tuple[str | None, str | None], RulePlan] = {}
        for rs in sites:
            self._plans.update(_site_plans(rs, generic))
        self._generic_plan: RulePlan | None = None  # documents of no site: built on first use
        self._cache: OrderedDict[str, tuple] = OrderedDict()  # sites loaded on demand, least recent first
        self._lock = threading.Lock()

    def __getstate__(self):
        self._plan(None, None)  # a worker receives it built: its first document must not pay for it
        state = self.__dict__.copy()
        state["_cache"], state["_lock"] = OrderedDict(), None  # the index travels, not compiled sites
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def sites(self) -> list[str]:
        return self.index.names

    def _lazy_entry(self, name: str) -> tuple:
        """(rule set, its plans) of a site of the catalog, compiled on first use and kept in a bounded
        cache; a file that does not load raises its RuleError each time (remembered, not re-read)."""
        with self._lock:
            entry = self._cache.get(name)
            if entry is not None:
                self._cache.move_to_end(name)
        if entry is None:
            try:
                rs = self.catalog.compile(name)
                entry = (rs, _site_plans(rs, self.generic))
            except ValueError as exc:  # RuleError: one line naming the file, rule and key
                entry = (exc, {})
            with self._lock:
                self._cache[name] = entry
                while len(self._cache) > self.cached_sites:
                    self._cache.popitem(last=False)
        if isinstance(entry[0], Exception):
            raise type(entry[0])(str(entry[0]))
        return entry

    def _lazy_site(self, name: str):
        return self._lazy_entry(name)[0]

    def _plan(self, ruleset, layout: str | None) -> RulePlan:
        if ruleset is None:
            if self._generic_plan is None:  # (a race builds it twice, alike)
                self._generic_plan = RulePlan(_chain(None, self.generic))
            return self._generic_plan
        plan = self._plans.get((ruleset.name, layout))
        return plan if plan is not None else self._lazy_entry(ruleset.name)[1][ruleset.name, layout]

    def clean_text(self, text: str, url: str | None = None, site: str | None = None, *, ruleset=None,
                   page_meta: dict[str, str] | None = None, warnings: list[str] | None = None,
                   printable: bool | None = None, chars_in: int | None = None, date: str | None = None,
                   layout: str | None = None, article: bool | None = None) -> Result:
        """Clean one text: check → repair → prepare → detect site (and layout) → rules → finish → settle
        (→ find the article: text of a site without rules, or whose rule file says `article_finder: true`).

        `ruleset`: the site already known (from an HTML page); `page_meta`: metadata the input adapter
        found, used where the rules found none; `printable`: given when the caller ran `check_input`
        itself (False: repair checks every character); `date`: the document's date (ISO), which picks
        the site's layout (else the page's date, else the layout whose rules fit); `layout`: a layout
        by name; `article`: whether the article finder runs on a text without site rules or whose site
        asks for it (default: the cleaner's `find_article`). Raises RuleTimeout if a rule's regex exceeds
        its budget.
        """
        check_arguments(url=url, site=site, date=date, layout=layout)
        warnings = [] if warnings is None else warnings
        chars_in = len(text) if chars_in is None else chars_in
        if printable is None:
            printable = check_input(text, warnings)
            if printable is None:
                return Result("", warnings=warnings, stats=stats(chars_in, 0, 0, 0, 0))
            text = sanitize_text(text, printable, warnings)
        trace: list[TraceEntry] = []
        repaired, text = repair_document(text, trace, printable=printable)
        lines = prepare_lines(repaired, trace, text)
        reason = "url" if ruleset is not None else None  # a page's own URL (HTML)
        if ruleset is None:
            ruleset, reason = detect_site(self.index, url, text if lines is repaired else "\n".join(lines), site,
                                          warnings, lines, self.regex_timeout)
        page_meta = page_meta or {}
        chosen = self.choose_layout(ruleset, layout, date or page_meta.get("date"), lines, warnings)
        plan = self._plan(ruleset, chosen.name if chosen else None)
        finder = self.find_article if article is None else article
        slug = slug_words(url)  # the title the URL names
        judge = article_judge(ruleset, slug) if finder else None
        proofs: list | None = [] if judge else None
        body, numbers, doc, fields = self.clean_lines(plan, lines, trace, warnings, proofs)
        if judge:
            body, numbers = self.find_article_in(plan, body, numbers, trace, fields, warnings, proofs, judge)
        if slug and not page_meta.get("title"):
            title_from_url(fields, body, slug)
        result = make_result(body, numbers, doc, fields, ruleset, page_meta, trace, warnings, chars_in)
        result.layout = chosen.name if chosen else None
        result.site_reason = reason
        return result

    def find_article_in(self, plan: RulePlan, body: list[str], numbers: list[int], trace: list[TraceEntry],
                        fields: dict[str, str], warnings: list[str], proofs: list,
                        judge=decide) -> tuple[list[str], list[int]]:
        """The article-finder stage, then (where it dropped lines) rules and finder again until nothing
        changes: the rules may act on what the finder left (a guard now met, a line now at the end).
        That second pass is spared where the rules' pass proves it would change nothing (`proofs`) and
        the finder keeps all of its own output. `judge`: the finder's verdicts (see `keep_article`)."""
        page = Page(body)
        kept, kept_numbers, keep = keep_article(body, numbers, trace, page, judge)
        if len(kept) == len(body):
            return body, numbers
        if proofs and proofs[0](keep) and not any(judge(page.within(keep))):
            return kept, kept_numbers

        def one_pass(lines: list[str], sub: list[TraceEntry]):
            again, idx, doc, _ = self.clean_lines(plan, lines, sub, [])
            # the rules left the finder's output as it was: the page of those lines is `page.within(keep)`
            # (described as afresh, what belongs to each line taken over)
            described = page.within(keep) if again == kept else None
            return (*keep_article(again, idx, sub, described, judge)[:2], doc)

        return settle(one_pass, kept, kept_numbers, trace, fields, warnings)

    def choose_layout(self, ruleset, layout: str | None, date: str | None, lines: list[str], warnings: list[str]):
        """The layout a document is cleaned with: the one named, else the one of its `date`, else the one
        whose rules fit (`fit_layout`); None where the site has no layouts and none is named."""
        if layout is None and not (ruleset is not None and getattr(ruleset, "layouts", ())):
            return None
        return pick_layout(ruleset, date, layout, warnings) or self.fit_layout(ruleset, lines)

    def fit_layout(self, ruleset, lines: list[str]):
        """The layout whose own rules take the most lines of the document (ties: the first declared)."""
        best, score = ruleset.layouts[0], -1
        for layout in ruleset.layouts:
            plan = self._plan(ruleset, layout.name)
            doc = Document(lines, [], self.regex_timeout)
            if self.accelerate:
                run_rules_fast(plan, doc)
            else:
                run_rules(plan.rules, doc)
            own = {r.id for r in layout.rules}
            taken = sum(1 for t in doc.trace if t.rule in own)
            if taken > score:
                best, score = layout, taken
        return best

    def clean_lines(self, plan: RulePlan, lines: list[str], trace: list[TraceEntry], warnings: list[str],
                    proofs: list | None = None):
        """Rules, finish and settle over prepared lines: (body, line numbers, first Document, fields).
        `proofs`: see `clean_lines_fast` (the reference engine gives none)."""
        if self.accelerate:
            return clean_lines_fast(plan, lines, trace, warnings, self.regex_timeout, proofs)

        def one_pass(lines: list[str], trace: list[TraceEntry]):
            doc = apply_rules(plan, lines, trace, self.regex_timeout)
            return (*finish(doc, trace), doc)

        body, numbers, doc = one_pass(lines, trace)
        fields = dict(doc.fields)
        warnings.extend(doc.warnings)
        body, numbers = settle(one_pass, body, numbers, trace, fields, warnings)
        return body, numbers, doc, fields


def _site_plans(rs, generic) -> dict:
    """The plans of a site (None: no site): its rules then the generic ones, and per layout its own first."""
    name = rs.name if rs is not None else None
    plans = {(name, None): RulePlan(_chain(rs, generic))}
    for layout in getattr(rs, "layouts", ()):
        plans[name, layout.name] = RulePlan((*layout.rules, *_chain(rs, generic)))
    return plans


def _chain(site, generic) -> tuple:
    return (*(site.rules if site else ()), *(generic.rules if generic else ()))


def looks_binary(text: str) -> bool:
    """NUL bytes, or more than 5 % control characters, in the first 8 KB."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    if sample.replace("\n", "").replace("\r", "").replace("\t", "").replace(" ", "").isprintable():
        return False  # fast path: no control characters at all
    return len(_CONTROLS.findall(sample)) > len(sample) * 0.05  # (one scan, not one per character)


def replace_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (from JSON `\\ud800` escapes, `surrogateescape`) -> U+FFFD: no UTF-8 encodes
    them. Returns (text, how many were replaced)."""
    return LONE_SURROGATES.subn("\ufffd", text)


def sanitize_text(text: str, printable: bool, warnings: list[str]) -> str:
    """The text with lone surrogates replaced (a warning says how many); printable text has none."""
    if printable:
        return text
    text, n = replace_surrogates(text)
    if n:
        warnings.append(f"{n} lone surrogate(s) (no UTF-8 encodes them) replaced by U+FFFD")
    return text


def stats(chars_in: int, chars_out: int, lines_in: int, lines_kept: int, lines_changed: int) -> dict[str, int]:
    return {"chars_in": chars_in, "chars_out": chars_out, "lines_in": lines_in, "lines_kept": lines_kept,
            "lines_removed": lines_in - lines_kept, "lines_changed": lines_changed}
