"use strict";
// cleaner report: unpacks the embedded data (gzip'd JSON) and renders it. No network.
const T0 = performance.now();
const $ = (id) => document.getElementById(id);
const LABEL = { k: "kept", c: "changed", d: "dropped", x: "cut", m: "metadata", M: "kept+meta" };
const LIST_CHUNK = 150, LINE_CHUNK = 600;
let D = null, IMPACT = false, notice = "", shown = [], listDrawn = 0, sortKey = null, sortDir = -1;
const state = { rule: "", site: "", doc: "", q: "", empty: false, warn: false, changed: false, line: "" };
const fmt = (n) => (n || 0).toLocaleString("en-US");
const plural = (n, word) => `${fmt(n)} ${word}${n === 1 ? "" : "s"}`;

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function unpack() {
  const b64 = $("data").textContent.trim();
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

// ---- state in the address: #rule=…&site=…&doc=…&q=…&empty=1&warn=1&changed=1&line=…
function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  for (const k of Object.keys(state)) {
    const v = p.get(k);
    state[k] = typeof state[k] === "boolean" ? v === "1" : (v || "");
  }
}
function writeHash() {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v) p.set(k, v === true ? "1" : v);
  const s = p.toString().replace(/%2F/g, "/");
  if (location.hash.slice(1) !== s) history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
}

// ---- derived data
const ruleKeys = () => D.rules.map((r) => r.key);
function rowRules(row) { const r = row[2]; return Array.isArray(r) ? r : r >= 0 ? [r] : []; }
function docRuleSet(d) {
  if (!d._rules) {
    d._rules = new Map();  // rule index -> lines hit
    for (const row of d.rows) for (const r of rowRules(row)) d._rules.set(r, (d._rules.get(r) || 0) + 1);
    for (const row of d.old_rows || []) for (const r of rowRules(row)) if (!d._rules.has(r)) d._rules.set(r, 0);
  }
  return d._rules;
}
function docText(d) {
  if (d._text === undefined) d._text = d.rows.map((r) => (r[4] !== undefined ? r[3] + "\n" + r[4] : r[3])).join("\n").toLowerCase();
  return d._text;
}
function siteChip(d) {
  return h("span", { class: "site" + (d.ruled ? "" : " norules"), title: d.ruled ? "site rules: " + d.site : "no site rules: the generic rules alone" }, d.site);
}
function docName(d) {
  if (d.title) return d.title;
  if (d.url) return d.url.replace(/^https?:\/\/(www\.)?/, "").replace(/^[^/]*\/(?=.)/, "/");  // the site is beside it
  const first = d.rows.find((r) => r[1] === "k" || r[1] === "c");
  return first ? first[first.length > 4 ? 4 : 3].slice(0, 140) : d.id;
}

// ---- summary
function renderSummary() {
  const s = D.summary, m = D.meta;
  const removed = s.chars_in - s.chars_out;
  const inputs = m.inputs.length > 3 ? `${m.inputs.slice(0, 3).join(", ")} and ${m.inputs.length - 3} more` : m.inputs.join(", ");
  $("what").textContent = `${inputs} · rules: ${m.rules}` + (IMPACT ? ` · against: ${m.against}` : "");
  $("what").title = m.inputs.join("\n");
  const card = (big, small, title) => h("div", { class: "card", title }, h("b", {}, big), h("span", {}, small));
  const kinds = {};
  for (const x of D.sets) kinds[x.kind] = (kinds[x.kind] || 0) + 1;
  const sets = h("div", { class: "card sets" }, h("span", {}, "rule sets: " + (Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ") || "none")),
    h("div", { class: "set-list" },
    D.sets.length ? D.sets.map((x) => h("div", { title: `${x.source}\n${x.description}` },
      h("span", { class: "site kind-" + x.kind }, x.kind), h("b", { style: "display:inline;font-size:13px" }, x.name),
      h("span", { class: "dim" }, ` ${x.rules} rule${x.rules === 1 ? "" : "s"}, ${fmt(x.docs)} doc${x.docs === 1 ? "" : "s"}`)))
      : h("div", {}, "none: no rules ran")));
  const cards = [
    card(fmt(s.docs), s.read > s.docs ? `documents (sample of ${fmt(s.read)})` : "documents"),
    card(fmt(s.sites), "sites"),
    card(s.chars_in ? `${(100 * removed / s.chars_in).toFixed(1)} %` : "0", `characters removed (${fmt(removed)})`),
    card(fmt(s.empty), "ended empty"),
    card(fmt(s.warned), "with warnings"),
  ];
  if (s.rejected) cards.push(card(fmt(s.rejected), "rejected", D.rejects.map((r) => `${r.source}: ${r.reason}`).join("\n")));
  if (IMPACT) cards.push(card(fmt(D.changed.length), "outputs changed"));
  $("summary").replaceChildren(...cards, sets);
}

// ---- rules
const COLS = () => [
  ["rule", "rule", (r) => r.key],
  ["lines", "lines", (r) => r.hits.new || 0, "lines taken or changed"],
  ["docs", "docs", (r) => r.docs.new || 0, "documents hit"],
  ...(IMPACT ? [["before", "before", (r) => r.hits.old || 0, "lines before the change"],
    ["gained", "+", (r) => r.gained || 0, "lines gained"], ["lost", "−", (r) => r.lost || 0, "lines lost"]] : []),
];
function fired(r) { return (r.hits.new || 0) > 0 || (IMPACT && ((r.lost || 0) > 0 || (r.gained || 0) > 0)); }
function renderRules() {
  const cols = COLS();
  $("rules").tHead.replaceChildren(h("tr", {}, cols.map(([k, label, , title]) =>
    h("th", { class: k === "rule" ? "" : "num", title, onclick: () => {
      sortDir = sortKey === k ? -sortDir : (k === "rule" ? 1 : -1); sortKey = k; drawRules();
    } }, label + (sortKey === k ? (sortDir < 0 ? " ▾" : " ▴") : "")))));
  drawRules();
  const inSample = new Set(D.sets.filter((x) => x.docs).map((x) => x.name));
  const never = D.rules.filter((r) => r.in.includes("new") && !r.hits.new && inSample.has(r.site));
  const untried = [...new Set(D.rules.filter((r) => r.in.includes("new") && !inSample.has(r.site)).map((r) => r.site))];
  $("never").replaceChildren(
    h("div", {}, h("b", {}, `Never fired on the sample (${never.length}): `),
      never.length ? never.map((r, i) => [i ? ", " : "", h("span", { title: r.description }, r.key)]) : "none"),
    untried.length ? h("div", { style: "margin-top:4px" }, h("b", {}, `No document of these rule sets in the sample (${untried.length}): `), untried.join(", ")) : "");
}
function drawRules() {
  const cols = COLS(), q = $("rule-q").value.trim().toLowerCase();
  let rules = D.rules.map((r, i) => [r, i]).filter(([r]) => fired(r));
  if (q) rules = rules.filter(([r]) => (r.key + " " + r.action + " " + r.description).toLowerCase().includes(q));
  if (state.site) rules = rules.filter(([r]) => r.site === state.site || ["generic", "step", "html"].includes(r.site));
  const key = sortKey || (IMPACT ? "impact" : "lines");
  const get = key === "impact" ? (r) => (r.gained || 0) + (r.lost || 0) + (r.hits.new || 0) / 1e6 : cols.find((c) => c[0] === key)[2];
  const dir = sortKey ? sortDir : -1;
  rules.sort(([a], [b]) => { const x = get(a), y = get(b); return (x < y ? -1 : x > y ? 1 : 0) * dir || a.key.localeCompare(b.key); });
  const body = [];
  for (const [r, i] of rules) {
    const on = state.rule === r.key;
    body.push(h("tr", { class: "rule" + (on ? " on" : ""), "data-rule": r.key, onclick: () => setRule(on ? "" : r.key) },
      h("td", {}, h("div", { class: "id" }, h("span", { class: "site" }, r.site === "step" ? "built-in" : r.site), r.id),
        h("div", { class: "desc" }, h("span", { class: "act" }, r.action), r.description)),
      h("td", { class: "num" }, fmt(r.hits.new)),
      h("td", { class: "num" }, fmt(r.docs.new)),
      IMPACT ? [h("td", { class: "num" }, fmt(r.hits.old)), h("td", { class: "num gain" }, r.gained ? "+" + fmt(r.gained) : ""),
        h("td", { class: "num loss" }, r.lost ? "−" + fmt(r.lost) : "")] : []));
    if (on) body.push(ruleDetail(r, cols.length));
  }
  if (!rules.length) body.push(h("tr", {}, h("td", { colspan: cols.length, class: "dim" }, q ? "No rule matches." : "No rule fired.")));
  $("rules").tBodies[0].replaceChildren(...body);
  const on = $("rules").querySelector("tr.rule.on"), box = $("rules").closest(".scroll");
  if (on && (on.offsetTop < box.scrollTop || on.offsetTop > box.scrollTop + box.clientHeight - 60)) box.scrollTop = on.offsetTop - 40;
}
function ruleDetail(r, span) {
  const set = (D.sets.concat(D.old_sets || [])).find((s) => s.name === r.site);
  return h("tr", { class: "detail" }, h("td", { colspan: span },
    h("div", {}, h("b", {}, "source: "), h("code", {}, r.source),
      set ? [" ", h("span", { class: "site kind-" + set.kind }, set.kind)] : "",
      IMPACT && r.in.length < 2 ? h("span", { class: r.in[0] === "new" ? "gain" : "loss" }, r.in[0] === "new" ? " (new rule)" : " (removed rule)") : ""),
    h("div", {}, `${plural(r.hits.new, "line")} in ${plural(r.docs.new, "document")}` + (IMPACT ? `; before: ${plural(r.hits.old, "line")} in ${plural(r.docs.old, "document")}` : "")),
    (r.top || []).length > 1 ? [h("div", { style: "margin-top:4px" }, h("b", {}, "lines it takes most often:")),
      r.top.map(([text, n]) => h("div", {}, h("span", { class: "dim" }, `${fmt(n)}× `), h("span", { class: "mono" }, text)))] : "",
    r.examples.length ? [h("div", { style: "margin-top:4px" }, h("b", {}, "examples:")), r.examples.map(exampleLink)] : "",
    r.longest && !r.examples.some((e) => e[0] === r.longest[0] && e[1] === r.longest[1])
      ? [h("div", { style: "margin-top:4px" }, h("b", {}, "the longest line it took:")), exampleLink(r.longest)] : ""));
}
function exampleLink([di, n, text]) {
  return h("a", { class: "ex", href: "#", onclick: (e) => { e.preventDefault(); e.stopPropagation(); openDoc(di, n); } },
    h("span", { class: "dim" }, `${shortId(D.docs[di].id)}:${n < 0 ? "html" : n} `), h("span", { class: "mono" }, text));
}

// ---- documents
function filterDocs() {
  const ri = state.rule ? ruleKeys().indexOf(state.rule) : -1, q = state.q.toLowerCase();
  const out = [];
  const order = IMPACT && state.changed ? D.changed : D.docs.map((_, i) => i);
  for (const i of order) {
    const d = D.docs[i];
    if (state.site && d.site !== state.site) continue;
    if (state.rule && !docRuleSet(d).has(ri)) continue;
    if (state.empty && d.out) continue;
    if (state.warn && !d.warn.length) continue;
    if (state.changed && !d.score) continue;
    if (q && !docText(d).includes(q)) continue;
    out.push(i);
  }
  return out;
}
function renderList() {
  shown = filterDocs();
  listDrawn = 0;
  $("doc-count").textContent = `${fmt(shown.length)} of ${fmt(D.docs.length)}`;
  $("doc-list").replaceChildren();
  $("doc-list").dataset.count = shown.length;
  drawMore();
  if (!shown.length) $("doc-list").append(h("div", { class: "doc dim" }, "No document matches the filters."));
}
function drawMore() {
  const list = $("doc-list"), ri = state.rule ? ruleKeys().indexOf(state.rule) : -1;
  list.querySelector("button.more")?.remove();
  const end = Math.min(shown.length, listDrawn + LIST_CHUNK);
  for (; listDrawn < end; listDrawn++) {
    const i = shown[listDrawn], d = D.docs[i];
    const hits = ri >= 0 ? docRuleSet(d).get(ri) : null;
    list.append(h("div", { class: "doc" + (String(i) === state.doc ? " on" : ""), "data-doc": i, onclick: () => openDoc(i) },
      h("div", { class: "t" }, siteChip(d), docName(d),
        d.out ? "" : h("span", { class: "flag empty" }, "empty"), d.warn.length ? h("span", { class: "flag warn" }, "warning") : "",
        d.score ? h("span", { class: "flag chg" }, "changed") : ""),
      h("div", { class: "n" }, hits !== null ? `${hits} line${hits === 1 ? "" : "s"} · ` : "",
        IMPACT && d.score ? `Δ ${fmt(d.score)} · ` : "", `${fmt(d.in)} → ${fmt(d.out)} chars`)));
  }
  if (listDrawn < shown.length) {
    const more = h("button", { class: "more", onclick: drawMore }, `show ${fmt(Math.min(LIST_CHUNK, shown.length - listDrawn))} more`);
    list.append(more);
    new IntersectionObserver((es, ob) => { if (es[0].isIntersecting) { ob.disconnect(); drawMore(); } }, { root: list }).observe(more);
  }
}
function highlight(text, q) {
  if (!q) return [text];
  const lower = text.toLowerCase(), out = [];
  let at = 0, i;
  while ((i = lower.indexOf(q, at)) >= 0) { out.push(text.slice(at, i), h("mark", {}, text.slice(i, i + q.length))); at = i + q.length; }
  out.push(text.slice(at));
  return out;
}
function changeView(old, now, q) {
  // the new text with what changed marked, then the old text around what it lost (a long line once)
  let p = 0, e = 0;
  while (p < old.length && p < now.length && old[p] === now[p]) p++;
  while (e < old.length - p && e < now.length - p && old[old.length - 1 - e] === now[now.length - 1 - e]) e++;
  const C = 30, before = old.slice(Math.max(0, p - C), p), after = old.slice(old.length - e, old.length - e + C);
  return [highlight(now.slice(0, p), q), h("ins", {}, now.slice(p, now.length - e)), highlight(now.slice(now.length - e), q),
    h("span", { class: "was" }, "was: ", p > C ? "…" : "", before, h("del", {}, old.slice(p, old.length - e) || "∅"), after,
      e > C ? "…" : "")];
}
function ruleLabel(row) {
  // the rule id alone (the document's site is in its header); the full key in the tooltip
  return rowRules(row).map((r, j) => [j ? ", " : "", h("span", { class: "ru-k", title: `${D.rules[r].key}: ${D.rules[r].description}`,
    onclick: (e) => { e.stopPropagation(); setRule(D.rules[r].key); } }, D.rules[r].site === "generic" ? D.rules[r].key : D.rules[r].id)]);
}
const shortId = (id) => (id.length > 40 && id.includes("/") ? "…/" + id.split("/").pop() : id);
function renderDoc() {
  const view = $("doc-view");
  const i = state.doc === "" ? -1 : Number(state.doc), d = D.docs[i];
  const note = notice ? h("div", { class: "warnings notice" }, notice) : "";
  if (!d) { view.replaceChildren(note, h("p", { class: "dim" }, shown.length ? "Choose a document." : "")); return; }
  const q = state.q.toLowerCase(), ri = state.rule ? ruleKeys().indexOf(state.rule) : -1, mark = Number(state.line || 0);
  const meta = [["id", d.id], ["url", d.url], ["site", d.ruled ? d.site + (d.why ? ` (${d.why})` : "") : `${d.site} (no site rules)`], ["characters", `${fmt(d.in)} in → ${fmt(d.out)} out`],
    ["extraction", d.how && d.how !== "text" ? d.how : null],
    ["title", d.title], ...Object.entries(d.meta || {})];
  if (IMPACT) meta.push(["before", d.old_error ? "error: " + d.old_error : `${fmt(d.old_out)} chars out` + (d.old_site !== d.site ? ` (${d.old_site})` : "")]);
  const parts = [note, h("h3", {}, docName(d)),
    h("dl", { class: "kv" }, meta.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    d.warn.length ? h("div", { class: "warnings" }, d.warn.map((w) => h("div", {}, "⚠ " + w))) : ""];
  if (IMPACT) {
    parts.push(h("h3", {}, d.score ? `Output diff (before → now, ${fmt(d.score)} characters)` : "Output unchanged"));
    if (d.score) parts.push(h("div", { class: "diff" }, d.diff.map(([op, t]) =>
      op === "=" ? h("div", { class: "d-s" }, `… ${t} unchanged paragraph${t === 1 ? "" : "s"}`)
        : h("div", { class: op === "-" ? "d-m" : op === "+" ? "d-p" : "d-c" }, op === " " && t.length > 240 ? t.slice(0, 240) + " …" : t))));
  }
  const old = new Map((d.old_rows || []).map((r) => [r[0], r]));
  const lines = h("div", { class: "lines" });
  const drawLines = (upTo) => {
    lines.replaceChildren();
    for (const row of d.rows.slice(0, upTo)) {
      const [n, s, , text, nw] = row, before = old.get(n);
      lines.append(h("div", { class: `ln s-${s}` + (ri >= 0 && rowRules(row).includes(ri) ? " hit" : "") + (n === mark ? " mark" : ""), "data-n": n },
        h("span", { class: "no", title: n < 0 ? "a block of the page the HTML extraction left out" : null }, n < 0 ? "html" : n), h("span", { class: "st" }, LABEL[s]), h("span", { class: "ru" }, ruleLabel(row)),
        h("span", { class: "tx" }, nw !== undefined ? changeView(text, nw, q) : highlight(text, q),
          before ? h("span", { class: "before" }, ` ← was ${LABEL[before[1]]}`, rowRules(before).length ? [" by ", ruleLabel(before)] : "",
            before[3] !== undefined ? `: ${before[3]}` : "") : "")));
    }
    if (upTo < d.rows.length) lines.append(h("button", { class: "more", onclick: () => drawLines(d.rows.length) }, `show all ${fmt(d.rows.length)} lines`));
  };
  const markAt = mark ? d.rows.findIndex((r) => r[0] === mark) + 1 : 0;
  drawLines(Math.max(LINE_CHUNK, markAt + 50));
  const dropped = d.rows.filter((r) => r[0] < 0).length;
  parts.push(h("h3", {}, `Lines (${fmt(d.rows.length)})` + (dropped ? `: ${fmt(dropped)} page block${dropped === 1 ? "" : "s"} the extraction left out, then the text the rules saw` : "")), lines);
  view.replaceChildren(...parts);
  const target = view.querySelector(".ln.mark") || (ri >= 0 && view.querySelector(".ln.hit"));
  // scroll the document pane only, never the page
  view.scrollTop = target ? target.offsetTop - view.clientHeight / 3 : 0;
}

// ---- wiring
function apply(listToo = true, fromLink = false) {
  // a link (#doc=N) names a document: open it even outside the filters, and say so (never open another)
  notice = "";
  $("f-site").value = state.site; $("f-rule").value = state.rule; $("f-q").value = state.q;
  $("f-empty").checked = state.empty; $("f-warn").checked = state.warn; $("f-changed").checked = state.changed;
  drawRules();
  if (listToo) renderList();
  const linked = fromLink && state.doc !== "";
  if (linked && !D.docs[Number(state.doc)]) {
    notice = `This report has no document ${state.doc} (it has ${fmt(D.docs.length)}, numbered from 0).`;
  } else if (linked && !shown.includes(Number(state.doc))) {
    notice = "This document is outside the current filters: it is not in the list on the left.";
  } else if (state.doc === "" || (listToo && !shown.includes(Number(state.doc)))) {
    state.doc = shown.length ? String(shown[0]) : "";
  }
  writeHash();
  for (const el of $("doc-list").querySelectorAll(".doc.on")) el.classList.remove("on");
  $("doc-list").querySelector(`[data-doc="${state.doc}"]`)?.classList.add("on");
  renderDoc();
}
function setRule(key) { state.rule = key; state.line = ""; apply(); }
function openDoc(i, n) { state.doc = String(i); state.line = n ? String(n) : ""; apply(false); }
function init() {
  IMPACT = D.meta.against !== null;
  $("f-changed-l").hidden = !IMPACT;
  const bySite = {};
  for (const d of D.docs) { const x = (bySite[d.site] ||= [0, 0]); x[0] += d.in; x[1] += d.out; }
  for (const site of Object.keys(D.site_docs)) {
    const [cin, cout] = bySite[site] || [0, 0];
    $("f-site").append(h("option", { value: site }, `${site} (${plural(D.site_docs[site], "doc")}, ${cin ? Math.round(100 * (cin - cout) / cin) : 0} % removed)`));
  }
  for (const r of D.rules.filter(fired).sort((a, b) => a.key.localeCompare(b.key))) $("f-rule").append(h("option", { value: r.key }, r.key));
  const on = (id, ev, fn) => $(id).addEventListener(ev, fn);
  on("f-site", "change", (e) => { state.site = e.target.value; apply(); });
  on("f-rule", "change", (e) => setRule(e.target.value));
  for (const k of ["empty", "warn", "changed"]) on("f-" + k, "change", (e) => { state[k] = e.target.checked; apply(); });
  let timer;
  on("f-q", "input", (e) => { clearTimeout(timer); timer = setTimeout(() => { state.q = e.target.value.trim(); apply(); }, 200); });
  on("rule-q", "input", drawRules);
  window.addEventListener("hashchange", () => { readHash(); apply(true, true); });
  renderSummary();
  renderRules();
}
unpack().then((data) => {
  D = data;
  init();
  readHash();
  apply(true, true);
  document.body.dataset.loaded = Math.round(performance.now());  // since navigation started
  document.body.dataset.ready = Math.round(performance.now() - T0);  // since this script started
}).catch((e) => {
  $("summary").replaceChildren(h("div", { class: "card" }, "This page could not unpack its data: " + e));
  document.body.dataset.error = String(e);
});
