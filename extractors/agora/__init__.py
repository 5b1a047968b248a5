"""ETO AGORA from Zenodo: AI laws, bills, orders and standards worldwide. Work in progress."""
