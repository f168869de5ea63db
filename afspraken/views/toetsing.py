"""Pages (under construction)."""

beheer_patterns: list = []
bestuur_patterns: list = []
audit_patterns: list = []
