"""Imported only in the fork server of the worker pool (a preload module): a worker whose parent dies
while it starts (the parent was SIGKILLed) exits quietly instead of printing a truncated-pickle traceback.
The parent, when alive, reports a failed start itself (PoolError)."""

from __future__ import annotations

import pickle
import sys

_default = sys.excepthook
_ORPHANED = (EOFError, ConnectionError, pickle.UnpicklingError)


def _quiet_when_orphaned(tp, exc, tb):
    if issubclass(tp, _ORPHANED):
        return
    _default(tp, exc, tb)


sys.excepthook = _quiet_when_orphaned
