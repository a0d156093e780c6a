"""Optional heavy dependencies, imported on first use with a one-line hint naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

_EXTRA_FOR = {
    "fastwarc": "warc",
    "pyarrow": "parquet",
    "zstandard": "zstd",
    "datatrove": "datatrove",
    "orjson": "datatrove",
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def require(module: str, what: str | None = None) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        extra = _EXTRA_FOR.get(top, "all")
        need = f" for {what}" if what else ""
        raise MissingExtra(
            f"{top} is needed{need} but is not installed: pip install 'cleaner[{extra}]'"
        ) from exc
