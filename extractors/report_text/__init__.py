"""Source kind: report documents converted to text (the five Taiwanese documents under ``sources/``).

``extract.extract_source`` reads one snapshot: ``tables`` finds the captioned and anchored tables as printed,
``mappers/`` turn them into dataset rows (one module per target table), ``prose`` finds policies named in
running text, headings and slides. Per-source settings are data: ``specs/<source_id>.yaml`` (tables) and
``specs/<source_id>.prose.yaml`` (prose), shared vocabularies in ``rules/``.
"""
