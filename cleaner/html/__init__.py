"""HTML -> text lines: per-site CSS selectors (selectolax/Lexbor), trafilatura for unknown sites."""

from cleaner.html.decode import decode_html, looks_like_html, page_url
from cleaner.html.extract import extract_html
from cleaner.html.model import HtmlConfig, HtmlExtraction

__all__ = ["HtmlConfig", "HtmlExtraction", "decode_html", "extract_html", "looks_like_html", "page_url"]
