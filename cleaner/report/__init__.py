"""`cleaner report`: what the rules do across a sample of a dump, as one self-contained HTML page or text.

- `explain`: the per-line view of one document (shared with `cleaner explain`);
- `rulesets`: loading one or more rule directories and telling shipped, learned and hand-written sets apart;
- `collect`: streaming, reservoir sampling, cleaning and the counts (no HTML);
- `render`: the HTML page (data embedded as gzip'd JSON, rendered lazily by the page's script) and the
  plain-text summary.
"""
