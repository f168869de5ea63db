"""Pages of the afspraken app, one module per portal area."""
