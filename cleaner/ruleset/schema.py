"""JSON Schema of a rule file (rules/*.yaml), generated from the vocabulary (`vocabulary.py`)."""
from __future__ import annotations

from cleaner.core.sites import SITE_PATTERN
from cleaner.ruleset.vocabulary import (ACTIONS, DATE_ORDERS, EXAMPLE, FIELDS, MATCH, REGISTRY, RULE_KEYS, STRINGS,
                                        action_keys)

__all__ = ["ACTIONS", "ACTION_KEYS", "DATE_ORDERS", "EXAMPLE", "FIELDS", "FILE", "HTML_DATA_KEYS", "LAYOUT", "MATCH",
           "RULE"]

RULE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "description", "action", "match"],
    "properties": {
        **{k.name: k.schema for k in RULE_KEYS},
        **{k.name: k.schema for cls in REGISTRY.values() for k in cls.keys},
    },
}

# Keys that only make sense with some actions (checked after the schema, with a clear message).
ACTION_KEYS = action_keys()

_HOST = SITE_PATTERN

HTML_SELECTOR_KEYS = ("body", "strip", "title", "date", "author", "publisher")
# A learned template's fit check: a body selector takes a page only where it yields `min_words` words,
# at most `max_link_share` of them link text (else the next selector, else the generic extractor).
HTML_FIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["min_words"],
    "properties": {"min_words": {"type": "integer", "minimum": 1},
                   "max_link_share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
}
# Why each selector is there (a learned section's evidence), with an example `rules check` runs: the
# HTML `input` cleaned as a page of the site gives `output`.
HTML_EVIDENCE = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "selector", "description"],
        "properties": {
            "key": {"enum": list(HTML_SELECTOR_KEYS)},
            "selector": {"type": "string", "minLength": 1},
            "description": {"type": "string", "minLength": 1},
            "example": {"type": "object", "additionalProperties": False, "required": ["input", "output"],
                        "properties": {"input": {"type": "string", "minLength": 1}, "output": {"type": "string"}}},
        },
    },
}
HTML_DATA_KEYS = ("fit", "evidence")  # the html: keys that hold no selector list
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

# A layout of the site, valid between two dates: its own rules run before the file's shared rules.
LAYOUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "rules"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "description": {"type": "string", "minLength": 1},
        "valid_from": _DATE,
        "valid_until": _DATE,
        "rules": {"type": "array", "minItems": 1, "items": RULE},
    },
}

FILE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "site": {"type": "string", "pattern": _HOST},
        "description": {"type": "string", "minLength": 1},
        "domains": {"type": "array", "items": {"type": "string", "pattern": _HOST}, "minItems": 1},
        "signatures": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["regex", "description"],
                "properties": {"regex": {"type": "string", "minLength": 1},
                               "description": {"type": "string", "minLength": 1},
                               # cheap pre-test: the regex only runs on text containing one of these
                               "contains": STRINGS},
            },
        },
        # recognition from content by the site's own rules (core/sites.py)
        "recognition": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"min_score": {"type": "number", "exclusiveMinimum": 0},
                           "weights": {"type": "object",
                                       "propertyNames": {"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                                       "additionalProperties": {"type": "number", "minimum": 0}}},
        },
        # the article finder (core/article.py) runs after the site's rules: a learned file's choice
        "article_finder": {"type": "boolean"},
        "include": {"type": "array", "items": {"type": "string", "pattern": "^_[a-z0-9._-]+$"}},
        "wordlists": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "additionalProperties": STRINGS,
        },
        "html": {
            "type": "object",
            "additionalProperties": False,
            "properties": {**{k: STRINGS for k in HTML_SELECTOR_KEYS}, "fit": HTML_FIT, "evidence": HTML_EVIDENCE},
        },
        "rules": {"type": "array", "items": RULE},
        "layouts": {"type": "array", "minItems": 1, "items": LAYOUT},
    },
}
