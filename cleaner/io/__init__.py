"""Readers and writers for batch cleaning: text/HTML files, JSONL[.gz|.zst], WARC, Parquet."""

from ._extras import MissingExtra, require
from .formats import INPUT_FORMATS, InputFile, detect_format, discover, split_name
from .readers import JsonlLines, ParquetRecords, WarcRecords, load_record, read_file_record, read_records
from .records import REJECT_KINDS, Fields, Record, Reject, decode_jsonl_line
from .writers import (
    OUTPUTS, EncodeError, JsonlWriter, Output, ParquetWriter, TextDirWriter, TextStreamWriter, sweep_temporaries,
)

__all__ = [
    "INPUT_FORMATS", "OUTPUTS", "REJECT_KINDS", "EncodeError", "Output", "Fields", "InputFile", "JsonlLines", "JsonlWriter", "MissingExtra",
    "ParquetRecords", "ParquetWriter", "Record", "Reject", "TextDirWriter", "TextStreamWriter", "WarcRecords",
    "decode_jsonl_line", "detect_format", "discover", "load_record", "read_file_record", "read_records", "require",
    "split_name", "sweep_temporaries",
]
