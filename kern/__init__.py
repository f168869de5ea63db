"""The platform layer: what every domain app builds on and nothing domain-specific.

The journal (hash chains, checkpoints), the write helper, append-only rows, scoping
machinery, API base classes, request id, security log, backup, CSV/XLSX safety and
the one formatting module live here. ``kern`` imports no app of this project.
"""
