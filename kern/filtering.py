"""Which filters of a FilterSet read which model fields, and the narrowing of a
FilterSet to the fields one user may see. Shared by the API
(`kern.api.filtering`) and the filter forms above the UI lists, so that a role
may filter and search on the same fields in both.

A filter reads the model field its `field_name` starts with; a filter with a
`method` reads what its filterset declares in `method_fields`, and one that
declares nothing counts as reading every hidden field. The search `q` of a
filterset with `search_fields` searches only the fields the user sees.
"""

from __future__ import annotations


def root_field(path: str) -> str:
    return path.lstrip("-").split("__")[0]


def method_fields(filterset) -> dict[str, tuple[str, ...]]:
    """The fields each method filter reads, as the filterset classes declare
    them (merged along the class hierarchy)."""
    declared: dict[str, tuple[str, ...]] = {}
    for klass in reversed(type(filterset).__mro__):
        declared |= vars(klass).get("method_fields", {})
    return declared


def fields_read(filterset, name: str, filter_) -> frozenset[str] | None:
    """The model fields a filter reads; None: unknown (a method filter that
    declares nothing)."""
    declared = method_fields(filterset)
    if name in declared:
        return frozenset(root_field(path) for path in declared[name])
    if filter_.method is not None:
        return None
    return frozenset({root_field(filter_.field_name)})


def narrow_to_visible(filterset, hidden: frozenset[str]) -> set[str]:
    """Narrow the search of `filterset` to the fields not in `hidden`, and
    return the names of its filters that read a hidden field (the caller
    decides what becomes of them: the API ignores them, a page leaves them
    out)."""
    if not hidden:
        return set()
    if hasattr(filterset, "search_fields"):
        filterset.search_fields = tuple(
            path for path in filterset.search_fields if root_field(path) not in hidden
        )
    reading_hidden = set()
    for name, filter_ in filterset.filters.items():
        reads = fields_read(filterset, name, filter_)
        if reads is None or reads & hidden:
            reading_hidden.add(name)
    return reading_hidden
