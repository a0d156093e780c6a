"""The accelerated engine: the same results as `engine.run_rules` and the settling loop, faster.

Three tricks, none of which changes an outcome (tests/test_differential.py compares the two engines):

- candidate lines: a screen (`screen.py`), built once per rule list, finds every rule's candidate lines
  in one go; a rule with a region, or a pass that only needs to look at some lines (`focus`), tests its
  few lines with the matcher's cheap pre-tests (`_prefilter`) before the regex;
- a later settling pass looks only at the lines whose text changed since the rules saw them, except for
  positional rules (regions, requires, guards), which look at every line;
- the proof (`settled`) that a second pass cannot change anything, from what the first pass recorded in
  the Document (`examined`, `guarded`, `rewritten`; a guarded marker's guard tested again on the body),
  spares that pass on most documents.
"""
from __future__ import annotations

from collections.abc import Sequence

from cleaner.core.engine import Document, head_or_tail, settle
from cleaner.core.normalize import finish_lines, prepare_lines
from cleaner.core.result import TraceEntry
from cleaner.core.screen import Screen


class RulePlan:
    """One rule list (a site's rules, then the generic rules) and what the accelerator derives from it."""

    __slots__ = ("rules", "screen", "runnable", "positional", "first_only")

    def __init__(self, rules: Sequence):
        self.rules = tuple(rules)
        self.screen = Screen(self.rules)
        # The rules a further pass over an unchanged body would run: all of them, except rules that require
        # others none of which can fire without removing its line (so none fires on such a body).
        keeps = {r.id for r in self.rules if r.effect.keeps_firing_line}
        self.runnable = tuple(r for r in self.rules if not r.requires or r.requires & keeps)
        self.positional = tuple(r for r in self.runnable if r.positional)
        self.first_only = frozenset(r.id for r in self.rules if r.effect.first_only)


def clean_lines_fast(plan: RulePlan, lines: list[str], trace: list[TraceEntry], warnings: list[str],
                     timeout: float | None, proofs: list | None = None):
    """`TextCleaner.clean_lines` through the accelerator: candidate lines only, and a settling pass only
    where the first cannot prove it unnecessary (then each pass looks at the lines that changed).
    `proofs`: where the body settled, gets `proof(keep)`, which says whether a fresh cleaning of the
    body's lines at positions `keep` (a later step dropped the others) is sure to change nothing."""
    seen: list[str] = []

    def one_pass(lines: list[str], trace: list[TraceEntry], focus=None):
        nonlocal seen
        doc = Document(lines, trace, timeout)
        run_rules_fast(plan, doc, focus)
        kept, numbers = doc.kept()
        seen = kept
        if doc.rewritten:  # the rules before a rewrite have not seen the new text
            seen = [doc.rewritten.get(n - 1, line) for line, n in zip(kept, numbers)]
        body, body_numbers = finish_lines(kept, numbers, trace, collapsed=not doc.rewritten)
        if len(body) != len(seen):
            alive = set(body_numbers)
            seen = [line for line, n in zip(seen, numbers) if n in alive]
        return body, body_numbers, doc

    def next_pass(lines: list[str], trace: list[TraceEntry]):
        return one_pass(lines, trace, focus_of(lines, seen))

    body, numbers, doc = one_pass(lines, trace)
    fields = dict(doc.fields)
    warnings.extend(doc.warnings)
    last = [(doc, body, numbers)]
    if not settled(plan, doc, body, numbers, seen):
        last = []
        body, numbers = settle(next_pass, body, numbers, trace, fields, warnings,
                               lambda doc, body, numbers: settled(plan, doc, body, numbers, seen), last)
    if proofs is not None and last:
        # the pass the body settled on (its lines numbered in that pass's Document), and what it saw
        last_doc, final, at = last[0]
        proofs.append(lambda keep: settled(plan, last_doc, [final[k] for k in keep], [at[k] for k in keep],
                                           [seen[k] for k in keep]))
    return body, numbers, doc, fields


def run_rules_fast(plan: RulePlan, doc: Document, focus: Sequence[int] | None = None) -> None:
    """`engine.run_rules(plan.rules, doc)`, testing only candidate lines.

    With `focus` (sorted line indices: the lines whose text changed since these rules last saw them),
    rules that are not positional only look at those lines; positional rules look at every line.
    """
    rules = plan.rules
    cands: list[list[int] | None] = []
    if focus is None or any(r.positional and r.head is None and r.tail is None for r in rules):
        cands = plan.screen.candidates(doc.lines)
    for k, rule in enumerate(rules):
        if rule.requires and rule.requires.isdisjoint(doc.fired):
            continue
        if rule.head is not None or rule.tail is not None:
            live = doc.live()
            region = head_or_tail(rule, live)
            doc.examined[rule] = region
            candidates = _prefilter(rule.match, doc, region)
        elif focus is not None and not rule.positional:
            if not focus:
                continue
            candidates = _prefilter(rule.match, doc, focus)
        else:
            if rule.positional:
                doc.examined[rule] = None
            found = cands[k]
            candidates = doc.live() if found is None else found
            if doc.rewritten and found is not None:  # rewritten lines were screened as they were
                candidates = sorted(set(candidates).union(doc.rewritten))
        if candidates:
            rule.effect.apply(rule, doc, candidates)


def _prefilter(m, doc: Document, idx: Sequence[int]) -> list[int]:
    """The lines among a few (a region, the focus) that pass the matcher's cheap tests."""
    lines, alive = doc.lines, doc.alive
    lo, hi = m.min_chars, m.max_chars if m.max_chars is not None else 1 << 62
    words, longest, pattern = m.words, m.longest_word, m.pattern
    contains, prefixes, suffixes = m.contains, m.prefixes, m.suffixes
    out = []
    for i in idx:
        line = lines[i]
        if not alive[i] or not lo <= len(line) <= hi:
            continue
        if words and len(line) <= longest and line.casefold() in words:
            out.append(i)
            continue
        if pattern is None:
            continue
        if contains:
            for c in contains:
                if c in line:
                    break
            else:
                continue
        if (prefixes and not line.startswith(prefixes)) or (suffixes and not line.endswith(suffixes)):
            continue
        out.append(i)
    return out


def focus_of(lines: list[str], seen: list[str]) -> list[int]:
    """The lines whose text differs from what the rules last saw of them."""
    return [i for i, (line, old) in enumerate(zip(lines, seen)) if line != old]


def settled(plan: RulePlan, doc: Document, body: list[str], numbers: list[int], seen: list[str]) -> bool:
    """Whether a fresh cleaning of `body` is sure to return it unchanged, judged from what the pass
    that made it did; when not sure, another pass runs.

    Every rule saw each body line's text in that pass and left it. So a fresh pass can differ only
    where a rule would take a line whose text changed after the rules saw it (finishing; rewrites
    always take another pass), where a positional rule's region now takes in a line it did not see
    and would take, or where a cut-tail or cut-head guard kept a marker whose guard the body's lines no
    longer meet (its article-sized followers gone, or article text above it: tested on the body,
    `_guards_hold`). A rule that requires
    others only runs again if one of them fires without removing its line (an extract that keeps it,
    a keep). A rule that acts on its first match only (cut-head) did not test the lines after it, so
    where it fired another pass runs.
    """
    if doc.rewritten or doc.protected or not plan.first_only.isdisjoint(doc.fired):
        return False  # a rewritten or protected line, or lines after a first-only rule's marker
    if body != seen and not _none_would_take(plan, body, seen, doc.timeout):
        return False
    try:
        if doc.guarded and not _guards_hold(plan, doc, body, numbers):
            return False
        return not any(_would_take_new(rule, doc, numbers) for rule in plan.positional)
    except TimeoutError:
        return False  # the next pass runs it again and names the rule


def _guards_hold(plan: RulePlan, doc: Document, body: list[str], numbers: list[int]) -> bool:
    """Whether a fresh pass over the body keeps again each marker that a cut-tail or cut-head guard kept
    and that is still in it. Every guarded cut-tail rule that matches such a marker kept it (a matching
    line it did not keep would have been cut, and every line after it); a fresh pass, in which no other rule
    acts, tests its guard among the body's lines, which may lack the article-sized lines that met it. (A
    guarded cut-head that matches such a marker may not have tested it: testing it again only costs a
    pass.)"""
    guarded = set(doc.guarded)
    markers = [k for k, n in enumerate(numbers) if n - 1 in guarded]
    if not markers:
        return True
    for rule in plan.positional:
        if not getattr(rule.effect, "guarded", False):
            continue  # (a cut rule without a guard that matched a marker in its region cut there)
        keeps = rule.effect.guard_keeps
        for k in markers:
            if rule.match.match(body[k], doc.timeout) and not keeps(body, range(k), range(k + 1, len(body))):
                return False
    return True


def _would_take_new(rule, doc: Document, numbers: list[int]) -> bool:
    """Whether a positional rule could act differently on the body: it did not run (its requirements
    were unmet) and may now, or a line that moved into its region would match it."""
    if rule not in doc.examined:
        return True
    region = doc.examined[rule]
    if region is None:
        return False  # it saw every line
    now = head_or_tail(rule, numbers)
    unseen = {n - 1 for n in now}.difference(region)
    return any(rule.match.match(doc.lines[i], doc.timeout) for i in unseen)


def _none_would_take(plan: RulePlan, body: list[str], seen: list[str], timeout: float | None) -> bool:
    """Whether no rule would take the body lines whose text finishing changed (pipes stripped, …), as a
    fresh pass would see them, and no normaliser would change them again: testing those few lines
    spares a whole pass."""
    n = len(body)
    try:
        for j, (line, old) in enumerate(zip(body, seen)):
            if line == old:
                continue
            if prepare_lines([line], [])[0] != line or finish_lines([line], [1], [])[0] != [line]:
                return False  # preparing or finishing it again changes it (`| | a | |` loses one pipe a pass)
            for rule in plan.runnable:
                if (rule.head is not None and j >= rule.head) or (rule.tail is not None and j < n - rule.tail):
                    continue  # outside the rule's region
                if rule.match.match(line, timeout):
                    return False
    except TimeoutError:
        return False  # the next pass runs it again and names the rule
    return True
