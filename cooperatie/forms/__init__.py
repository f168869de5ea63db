"""Forms of the cooperatie pages, one module per page module."""
