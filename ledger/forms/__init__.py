"""Forms of the ledger pages, one module per page module."""
