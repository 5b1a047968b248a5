"""The publish lock: one run at a time writes into a release root.

``<root>/.lock`` is held with ``flock`` while a run publishes or repairs. A run that finds it held waits a while
(polling; ``$ATLAS_PUBLISH_LOCK_WAIT`` seconds, default 30) and logs that it waits, then gives up with
:class:`PublishLockHeld`. The lock is released by the kernel when its holder dies, so a killed run never leaves it held.
"""
from __future__ import annotations

import fcntl
import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"
LOCK_WAIT_ENV = "ATLAS_PUBLISH_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 30.0
POLL_INTERVAL = 0.2

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """Publication refused (lock held, release exists, inputs missing); nothing was changed."""


class PublishLockHeld(PublishError):
    """Another run still held the publish lock after the wait: transient, a later try may succeed
    (``warehouse.pipeline.is_transient``)."""


def lock_wait_seconds(wait: float | None = None) -> float:
    """How long to wait for a held lock: ``wait`` if given, else ``$ATLAS_PUBLISH_LOCK_WAIT``, else 30 s."""
    if wait is not None:
        return max(0.0, float(wait))
    text = os.environ.get(LOCK_WAIT_ENV, "").strip()
    try:
        return max(0.0, float(text)) if text else DEFAULT_LOCK_WAIT
    except ValueError as exc:
        raise PublishError(f"{LOCK_WAIT_ENV}={text!r} is not a number of seconds") from exc


def _acquire(fh, root: Path, wait: float) -> None:
    """Take the lock on ``fh``, polling for up to ``wait`` seconds while another run holds it."""
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError as exc:
            if time.monotonic() >= deadline:
                raise PublishLockHeld(f"another run is publishing into {root} (lock held; waited {wait:g} s, "
                                   f"set {LOCK_WAIT_ENV} to wait longer)") from exc
            if not announced:
                log.warning("another run is publishing into %s (lock held): waiting up to %g s", root, wait)
                announced = True
            time.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))


@contextmanager
def publish_lock(root: Path, wait: float | None = None):
    """Exclusive lock on the release root: two runs cannot publish at once. A held lock is waited on for
    :func:`lock_wait_seconds` (``wait``), then PublishLockHeld."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "w") as fh:
        _acquire(fh, root, lock_wait_seconds(wait))
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
