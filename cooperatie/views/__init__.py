"""Pages of the cooperatie app, one module per portal area."""
