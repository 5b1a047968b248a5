"""The host name an Airflow component records (``[core] hostname_callable``): ``$ATLAS_HOSTNAME`` when set, else the
FQDN as Airflow's default. The cluster of :mod:`deploy.cluster` runs every component on one machine and names each
(``worker1``, ``worker2``...), so that a task instance's ``hostname`` tells which worker ran it."""
from __future__ import annotations

import os
import socket


def get() -> str:
    return os.environ.get("ATLAS_HOSTNAME") or socket.getfqdn()
