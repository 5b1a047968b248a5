"""US Federal Register API: presidential documents on AI (executive orders, memoranda). Work in progress."""
