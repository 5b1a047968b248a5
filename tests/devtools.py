"""Drive headless Chromium through the Chrome DevTools Protocol, for tests that use the release page as a reader
does (type into a field, click a header, take a screenshot).

Chromium is started with ``--remote-debugging-port=0``; it writes the port it chose into ``DevToolsActivePort``
in its profile folder; the page's WebSocket address comes from ``http://127.0.0.1:<port>/json/list`` and the
protocol is spoken with the locked ``websockets`` client (sync API). Only 127.0.0.1 is contacted.
Typing is ``Input.insertText`` into the focused element (the page gets real ``input`` events), a click is
``Input.dispatchMouseEvent`` (pressed, released) at the element's centre, as a mouse would.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

START_TIMEOUT = 60


class Browser:
    """One headless Chromium showing ``url``; use as a context manager (the process group is killed on exit)."""

    def __init__(self, chromium: str, url: str, profile: Path, width: int = 1280, height: int = 900) -> None:
        self.profile = profile
        self.url = url
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=*",
               f"--user-data-dir={profile}", f"--window-size={width},{height}", url]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True, env={**os.environ, "HOME": str(profile.parent)})
        self._id = 0
        self._size = (width, height)
        self._stack = ExitStack()
        self.ws = None

    def __enter__(self) -> Browser:
        try:
            port = self._port()
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
                    pages = [t for t in json.load(reply) if t.get("type") == "page"]
                if pages or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            if not pages:
                raise RuntimeError("Chromium shows no page")
            self.ws = self._stack.enter_context(connect(pages[0]["webSocketDebuggerUrl"], max_size=None,
                                                        open_timeout=30))
            self.send("Emulation.setDeviceMetricsOverride", width=self._size[0], height=self._size[1],
                      deviceScaleFactor=1, mobile=False)
            self.wait_for(f"location.href === {json.dumps(self.url)} && document.readyState === 'complete'")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            if self.proc.poll() is not None:
                raise RuntimeError(f"Chromium exited ({self.proc.returncode}): {self.proc.stderr.read()[-2000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"Chromium wrote no {marker} within {START_TIMEOUT}s")

    def send(self, method: str, **params: Any) -> dict:
        """Call a DevTools method; returns its ``result``. Raises RuntimeError with the protocol's error."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page. Raises RuntimeError on a script exception."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"!!({condition})"):
            if time.monotonic() > deadline:
                raise TimeoutError(condition)
            time.sleep(0.05)

    def type_into(self, selector: str, text: str) -> None:
        """Focus the element ``selector`` and type ``text`` into it."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def click(self, selector: str) -> None:
        """Scroll the element ``selector`` into view and click its centre with the left mouse button."""
        box = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); "
                            "return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def screenshot(self, path: Path) -> Path:
        """Save the visible part of the page as PNG to ``path``."""
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        return path
