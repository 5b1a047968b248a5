"""Release stage: validated tables -> an immutable, versioned release folder and what comes with it.

``publish`` (atomic publication, manifest, the release database and its views), ``versions`` (CalVer release
versions), ``diff`` and ``changelog`` (record-level changes), ``package`` (Frictionless data package,
CITATION.cff, LICENSE.md, SHA256SUMS), ``page`` and ``charts`` (the release page), ``history`` (every local
release in one database); Jinja2 templates in ``templates/``.
"""
