"""``python -m warehouse.cli``: the ``atlas`` command line."""
from warehouse.cli import app

app()
