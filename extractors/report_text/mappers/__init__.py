"""Report tables -> dataset rows, one module per target table; each module exports ``MAPPERS``
({(target, layout): mapper(ex, table, spec)}) for :mod:`extractors.report_text.extract`. :mod:`.programme` is
the reading the budget and KPI modules share; :mod:`.budget_checks` and :mod:`.kpis` also export
``finish_source``, a step run after all of a source's tables are mapped."""
