"""Parallel, streaming, resumable batch cleaning (the engine of `cleaner clean`).

Modules: `plan` (inputs -> shards), `feed` (shards -> ordered tasks), `worker` (cleaning, worker
side), `pool` (processes, kill-and-replace), `sink` (ordered output), `resume` (OUT/.cleaner
bookkeeping), `stats` (counters), `runner` (ties them together).
"""

from .plan import PlanError
from .pool import PoolError, default_workers
from .resume import OptionsChanged, OutputInUse
from .runner import BatchConfig, Progress, RunReport, run_batch
from .stats import Stats

__all__ = [
    "BatchConfig", "OptionsChanged", "OutputInUse", "PlanError", "PoolError", "Progress", "RunReport", "Stats",
    "default_workers", "run_batch",
]
