"""Pages of the ledger app, one module per portal area."""
