"""The pure core: text in, clean text out. No I/O beyond loading rule files, no global state."""
