"""The fetch layer every live source shares: one careful HTTP client per source.

- **Where.** Each source has a base URL (its ``settings.yaml``) that ``ATLAS_<SOURCE_ID>_URL`` replaces, keeping
  the real paths and query parameters, so a local server can play the API. Requests go only to the source's
  allow-list of hosts (plus the host of that override); redirects are followed by hand, and one to any other
  host is refused.
- **How politely.** A User-Agent naming the project and its repository; at most one request per
  ``min_interval`` seconds per source (Federal Register about 5/s, Zenodo 60/min); connect and read timeouts.
- **Faults.** Connection errors, time-outs, a body cut short, 5xx and 429 are retried with exponential backoff
  and jitter (tenacity); a ``Retry-After`` header is honoured, and one longer than ``max_retry_after`` ends the
  fetch at once (a quota is never retried blindly). Other 4xx, a body over ``max_bytes`` and a body that is not
  the promised format are permanent. Every error is a :class:`FetchError` naming source, URL and cause.
- **Change.** Conditional requests (``If-None-Match`` / ``If-Modified-Since``): a 304 comes back as a response
  with ``not_modified`` true and no body.
"""
from __future__ import annotations

import email.utils
import json
import os
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import tenacity

from extractors.core.config import ConfigError, read_yaml
from extractors.core.snapshot_writer import RecordedFile

PROJECT_NAME = "GenAI-Policy-Atlas"
# Where an API operator can read about the client; set ATLAS_PROJECT_URL to the repository the deployment runs.
PROJECT_URL = os.environ.get("ATLAS_PROJECT_URL") or "https://github.com/genai-policy-atlas/genai-policy-atlas"
USER_AGENT = f"{PROJECT_NAME}/0.1 (open dataset pipeline; +{PROJECT_URL})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class FetchError(RuntimeError):
    """A fetch that cannot succeed: ``source_id``, ``url`` and ``cause`` are in the message."""

    def __init__(self, source_id: str, url: str, cause: str):
        self.source_id, self.url, self.cause = source_id, url, cause
        super().__init__(f"source {source_id}: {url}: {cause}")

    def __reduce__(self):
        return type(self), (self.source_id, self.url, self.cause)


class TransientFetchError(FetchError):
    """A fault that may pass (connection, time-out, cut body, 5xx, 429): retried; raised once retries run out."""

    def __init__(self, source_id: str, url: str, cause: str, retry_after: float | None = None):
        super().__init__(source_id, url, cause)
        self.retry_after = retry_after

    def __reduce__(self):
        return type(self), (self.source_id, self.url, self.cause, self.retry_after)


class QuotaExceeded(FetchError):
    """The server asked us to wait longer than the source allows (``Retry-After`` over ``max_retry_after``)."""


class NotConfigured(FetchError):
    """The source cannot be fetched here: a credential it needs (an API key) is not configured. The fetch is
    skipped, not failed: the build goes on with what is pinned (nothing, for a source never fetched)."""


class SchemaDrift(FetchError):
    """A response whose shape changed: a missing JSON key, a renamed CSV column. Names the field."""


@dataclass(frozen=True)
class SourceSettings:
    """How to reach one live source (``extractors/<source>/settings.yaml``, key ``fetch``).

    Times in seconds, sizes in bytes. ``allowed_hosts``: host names requests may go to."""

    source_id: str
    base_url: str
    allowed_hosts: tuple[str, ...]
    min_interval: float = 1.0
    max_bytes: int = 50 * 2**20
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_retry_after: float = 120.0
    extra: dict = field(default_factory=dict)

    @property
    def url_variable(self) -> str:
        """``ATLAS_<SOURCE_ID>_URL``: the environment variable that replaces the base URL."""
        return f"ATLAS_{self.source_id.upper()}_URL"

    def base(self) -> str:
        """The base URL in use: the environment override, else the configured one (no trailing slash)."""
        return (os.environ.get(self.url_variable) or self.base_url).rstrip("/")

    def hosts(self) -> frozenset[str]:
        """Allowed hosts: the configured ones and the host of an ``ATLAS_<SOURCE_ID>_URL`` override."""
        return frozenset(self.allowed_hosts) | {urlsplit(self.base()).hostname or ""}


_KNOWN = {"base_url", "allowed_hosts", "min_interval", "max_bytes", "connect_timeout", "read_timeout", "attempts",
          "backoff", "max_backoff", "max_retry_after"}


def load_settings(path: Path, source_id: str) -> SourceSettings:
    """Read the ``fetch`` mapping of a source's settings file. Raises ConfigError naming file, line and key."""
    doc = read_yaml(Path(path), ConfigError)
    data = (doc.data or {}).get("fetch") if isinstance(doc.data, dict) else None
    if not isinstance(data, dict) or not data.get("base_url") or not data.get("allowed_hosts"):
        raise doc.error(("fetch",), "fetch", "needs a mapping with base_url and allowed_hosts")
    known = {k: v for k, v in data.items() if k in _KNOWN}
    known["allowed_hosts"] = tuple(known["allowed_hosts"])
    return SourceSettings(source_id=source_id, extra={k: v for k, v in data.items() if k not in _KNOWN}, **known)


@dataclass
class Response:
    """One answer: ``url`` as finally requested, ``status``, ``body`` (b"" for 304), headers (lower-case keys)."""

    source_id: str
    url: str
    params: dict | None
    status: int
    body: bytes
    headers: dict[str, str]
    retrieved_at: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    def json(self) -> object:
        """The body parsed as JSON; FetchError ("not valid JSON ...") otherwise."""
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(self.source_id, self.url, f"response is not valid JSON ({exc})") from exc

    def record(self, name: str, note: str | None = None) -> RecordedFile:
        """This response as a file of a new snapshot version, with its provenance."""
        return RecordedFile(name=name, body=self.body, url=self.url, params=self.params, status=self.status,
                            etag=self.etag, last_modified=self.last_modified,
                            media_type=(self.headers.get("content-type") or "").split(";")[0] or None,
                            retrieved_at=self.retrieved_at, note=note)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None when absent."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    parsed = email.utils.parsedate_to_datetime(value)
    return max(0.0, (parsed - datetime.now(timezone.utc)).total_seconds()) if parsed else None


def same_host(a: str, b: str) -> bool:
    """Whether two URLs name the same host (request headers such as an API key stay with their host)."""
    return urlsplit(a).hostname == urlsplit(b).hostname


class Fetcher:
    """One ``requests`` session for one source. ``sleep`` and ``clock`` can be replaced in tests."""

    def __init__(self, settings: SourceSettings, session: requests.Session | None = None, sleep=time.sleep):
        self.settings = settings
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._sleep = sleep
        self._last_request = 0.0
        self.requests_made = 0

    def url(self, path: str) -> str:
        """``path`` (``/api/v1/documents.json``) on the base URL in use."""
        return self.settings.base() + "/" + path.lstrip("/")

    def get(self, path_or_url: str, params: dict | None = None, *, etag: str | None = None,
            last_modified: str | None = None, max_bytes: int | None = None,
            headers: dict | None = None) -> Response:
        """GET with retries (see module docstring); ``path_or_url`` is a path on the base URL or a full URL on an
        allowed host; ``headers``: extra request headers (an API key), sent to the first host only (dropped on a
        redirect to another host). Returns the final Response (2xx or 304). Raises FetchError (permanent),
        QuotaExceeded, or TransientFetchError once the attempts run out."""
        url = path_or_url if "://" in path_or_url else self.url(path_or_url)
        headers = {**(headers or {}), **{k: v for k, v in (("If-None-Match", etag),
                                                            ("If-Modified-Since", last_modified)) if v}}
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(TransientFetchError),
            stop=tenacity.stop_after_attempt(self.settings.attempts), wait=self._wait, sleep=self._sleep,
            reraise=True)
        try:
            return retrying(self._once, url, params, headers, max_bytes or self.settings.max_bytes)
        except TransientFetchError as exc:
            raise TransientFetchError(exc.source_id, exc.url, f"{exc.cause} (gave up after "
                                      f"{self.settings.attempts} attempts)", exc.retry_after) from exc

    def _wait(self, state: tenacity.RetryCallState) -> float:
        """Exponential backoff with full jitter, or the server's ``Retry-After`` when it asks for longer."""
        s = self.settings
        backoff = min(s.max_backoff, s.backoff * 2 ** (state.attempt_number - 1))
        exc = state.outcome.exception() if state.outcome else None
        asked = getattr(exc, "retry_after", None)
        return max(asked or 0.0, random.uniform(0, backoff))

    def _pace(self) -> None:
        wait = self._last_request + self.settings.min_interval - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        self._last_request = time.monotonic()

    def _check_host(self, url: str, requested: str | None = None) -> None:
        """FetchError unless ``url``'s host is allowed; ``requested``: the URL that redirected to it."""
        host = urlsplit(url).hostname or ""
        if host not in self.settings.hosts():
            moved = f"redirected to {url}: " if requested else ""
            raise FetchError(self.settings.source_id, requested or url, f"{moved}host {host!r} is not in the "
                             f"source's allow-list ({', '.join(sorted(self.settings.hosts()))}); refused")

    def open_stream(self, url: str, params: dict | None, headers: dict, *, retried: bool = True) -> requests.Response:
        """GET ``url`` streamed, following redirects by hand: the allow-list is checked at every hop and
        ``headers`` (an API key) are dropped on a move to another host. Returns the final answer, still open (the
        caller closes it). A connection error or time-out raises TransientFetchError (``retried``: :meth:`get`
        tries again) or else FetchError saying it is not retried; more than MAX_REDIRECTS hops raise FetchError."""
        sid = self.settings.source_id
        for _ in range(MAX_REDIRECTS + 1):
            self._check_host(url)
            self._pace()
            self.requests_made += 1
            try:
                resp = self.session.get(url, params=params, headers=headers, stream=True, allow_redirects=False,
                                        timeout=(self.settings.connect_timeout, self.settings.read_timeout))
            except (requests.ConnectionError, requests.Timeout) as exc:
                if retried:
                    raise TransientFetchError(sid, url, f"{type(exc).__name__}: {exc}") from exc
                raise FetchError(sid, url, f"download failed: {type(exc).__name__}: {exc} (not retried)") from exc
            if resp.status_code in REDIRECT_STATUSES and resp.headers.get("location"):
                resp.close()
                target = urljoin(resp.url, resp.headers["location"])
                self._check_host(target, requested=resp.url)
                headers = headers if same_host(url, target) else {}
                url, params = target, None
                continue
            return resp
        raise FetchError(sid, url, f"more than {MAX_REDIRECTS} redirects")

    def _once(self, url: str, params: dict | None, headers: dict, max_bytes: int) -> Response:
        with self.open_stream(url, params, headers) as resp:
            return self._answer(resp, params, max_bytes)

    def _answer(self, resp: requests.Response, params: dict | None, max_bytes: int) -> Response:
        sid, url, status = self.settings.source_id, resp.url, resp.status_code
        if status in RETRY_STATUSES:
            wait = _retry_after(resp.headers.get("retry-after"))
            if wait is not None and wait > self.settings.max_retry_after:
                raise QuotaExceeded(sid, url, f"HTTP {status}; Retry-After {wait:.0f} s is over the "
                                    f"{self.settings.max_retry_after:.0f} s this source allows: not retried")
            raise TransientFetchError(sid, url, f"HTTP {status}", retry_after=wait)
        if status != 304 and not 200 <= status < 300:
            snippet = resp.raw.read(300, decode_content=True).decode("utf-8", "replace").strip()
            raise FetchError(sid, url, f"HTTP {status}: {snippet}")
        length = resp.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(sid, url, f"response of {int(length)} bytes is over the {max_bytes}-byte cap")
        body = self._read(resp, max_bytes)
        return Response(sid, url, params, status, body, {k.lower(): v for k, v in resp.headers.items()},
                        datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def _read(self, resp: requests.Response, max_bytes: int) -> bytes:
        sid, url = self.settings.source_id, resp.url
        chunks, size = [], 0
        try:
            for chunk in resp.iter_content(chunk_size=1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(sid, url, f"response is over the {max_bytes}-byte cap; download stopped")
                chunks.append(chunk)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise TransientFetchError(sid, url, f"body cut short after {size} bytes ({type(exc).__name__})") \
                from exc
        return b"".join(chunks)
