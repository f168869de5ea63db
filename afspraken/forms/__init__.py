"""Forms of the afspraken pages, one module per page module."""
