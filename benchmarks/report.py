"""Size and opening time of a `cleaner report` page in headless Chromium.

    python benchmarks/report.py REPORT.html [REPORT2.html ...]

Drives Chromium over its DevTools pipe (no extra Python package): opens each page from disk and
waits until the page's script has unpacked and rendered its data (`<body data-ready>`). Prints the file
size, the wall time from navigation to rendered (the first of 3 openings and the best), and the page's
own figure (`performance.now()` when rendered: from navigation start).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class Chromium:
    """A headless Chromium driven over --remote-debugging-pipe (fd 3: commands in, fd 4: events out)."""

    def __init__(self, binary: str):
        self.profile = tempfile.mkdtemp()
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={self.profile}", "--window-size=1400,900", "about:blank"],
            pass_fds=(3, 4, to_child_r, from_child_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: _to_3_and_4(to_child_r, from_child_w))
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf, self.next_id = b"", 0
        target = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buf:
                chunk = os.read(self.from_child, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed its pipe")
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expr: str):
        return self.call("Runtime.evaluate", self.session, expression=expr, returnByValue=True)["result"].get("value")

    def open(self, url: str, timeout: float = 30.0) -> tuple[float, float]:
        """(seconds from navigation to rendered, the page's performance.now() in ms when rendered)."""
        self.call("Page.navigate", self.session, url="about:blank")
        t0 = time.perf_counter()
        self.call("Page.navigate", self.session, url=url)
        while time.perf_counter() - t0 < timeout:
            ready = self.evaluate("document.body && document.body.dataset.ready")
            if ready:
                return time.perf_counter() - t0, float(self.evaluate("document.body.dataset.loaded"))
            time.sleep(0.005)
        raise TimeoutError(f"{url}: not rendered after {timeout}s")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def _to_3_and_4(read_end: int, write_end: int) -> None:
    a, b = os.dup(read_end), os.dup(write_end)  # neither may be clobbered by the other's dup2
    os.dup2(a, 3)
    os.dup2(b, 4)


def main(pages: list[str]) -> None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        sys.exit("chromium not found")
    browser = Chromium(binary)
    try:
        for page in pages:
            path = Path(page).resolve()
            runs = [browser.open(path.as_uri()) for _ in range(3)]
            (first, first_own), (wall, own) = runs[0], min(runs)
            print(f"{page}: {path.stat().st_size / 1e6:.2f} MB; rendered {first:.2f} s after navigation the first "
                  f"time (page's clock {first_own:.0f} ms), {wall:.2f} s at best of 3 ({own:.0f} ms)")
    finally:
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
