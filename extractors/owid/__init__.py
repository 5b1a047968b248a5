"""Our World in Data chart API: AI indicators by country and year. Work in progress."""
