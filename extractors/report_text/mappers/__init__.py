"""Report tables -> dataset rows, one module per target table; each module exports ``MAPPERS``
({(target, layout): mapper(ex, table, spec)}) for :mod:`extractors.report_text.extract`."""
