"""JSON Schema of a rule file (rules/*.yaml). The single reference for the rule vocabulary."""
from __future__ import annotations

ACTIONS = ("drop", "drop-block", "cut-tail", "cut-head", "extract", "rewrite")
FIELDS = ("title", "author", "publisher", "date", "source_url")
DATE_ORDERS = ("dmy", "mdy", "ymd")

_POSINT = {"type": "integer", "minimum": 1}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}

MATCH = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "regex": {"type": "string", "minLength": 1},
        "literal": _STRINGS,
        "words": {"anyOf": [{"type": "string", "minLength": 1}, _STRINGS]},
        "max_chars": _POSINT,
        "min_chars": {"type": "integer", "minimum": 0},
        "contains": _STRINGS,
    },
    "anyOf": [{"required": ["regex"]}, {"required": ["literal"]}, {"required": ["words"]}],
}

EXAMPLE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["input", "output"],
    "properties": {
        "input": {"type": "string"},
        "output": {"type": "string"},
        "title": {"type": ["string", "null"]},
        "metadata": {"type": "object", "propertyNames": {"enum": list(FIELDS[1:])},
                     "additionalProperties": {"type": "string"}},
    },
}

RULE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "description", "action", "match"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "description": {"type": "string", "minLength": 1},
        "action": {"enum": list(ACTIONS)},
        "match": MATCH,
        "region": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"head": _POSINT, "tail": _POSINT},
            "minProperties": 1,
            "maxProperties": 1,
        },
        "requires": _STRINGS,
        "followers": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"max_lines": _POSINT, "max_chars": _POSINT, "match": MATCH},
        },
        "guard": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"max_line_chars": _POSINT, "min_chars_before": _POSINT},
            "minProperties": 1,
        },
        "keep": {"type": "boolean"},
        "replace": {"type": "string"},
        "date_order": {"enum": list(DATE_ORDERS)},
        "example": EXAMPLE,
        "examples": {"type": "array", "items": EXAMPLE, "minItems": 1},
    },
}

# Keys that only make sense with one action (checked after the schema, with a clear message).
ACTION_KEYS = {
    "followers": ("drop-block",),
    "guard": ("cut-tail",),
    "keep": ("extract",),
    "date_order": ("extract",),
    "replace": ("rewrite",),
}

FILE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "site": {"type": "string", "pattern": r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"},
        "description": {"type": "string", "minLength": 1},
        "domains": {"type": "array", "items": {"type": "string", "pattern": r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"},
                    "minItems": 1},
        "signatures": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["regex", "description"],
                "properties": {"regex": {"type": "string", "minLength": 1},
                               "description": {"type": "string", "minLength": 1},
                               # cheap pre-test: the regex only runs on text containing one of these
                               "contains": {"type": "array", "minItems": 1,
                                            "items": {"type": "string", "minLength": 1}}},
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
        "include": {"type": "array", "items": {"type": "string", "pattern": "^_[a-z0-9._-]+$"}},
        "wordlists": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "additionalProperties": _STRINGS,
        },
        "html": {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: _STRINGS for k in ("body", "strip", "title", "date", "author", "publisher")},
        },
        "rules": {"type": "array", "items": RULE},
    },
}
