"""Import and export of a cooperatie's member list (CSV or XLSX).

One package for the web pages and the `import_members` command, in four steps:

1. :func:`parse_file` (`lezen`) reads the bytes into rows of text cells, with the
   row numbers a spreadsheet shows (the header is row 1 in a normal file), and
   refuses a file it cannot read as a whole: too big, empty, a missing or
   unknown column. Every size, count and length is bounded before it is parsed.
2. `plannen` matches each row to a member of the cooperatie (`herkennen`) and
   validates it with the member form the pages use (`LidForm`); the plan says
   per row what will happen: new, updated (which fields) or unchanged, and which
   current members will be ended because they are not in the file.
3. :func:`plan_import` (`uitvoeren`), the preview, runs that plan through the
   services (`lid_update`, `lid_create_many` for all new members at once,
   `lid_end`) in a savepoint it rolls back:
   every refusal is a :class:`RowError` naming the row and the column, and
   nothing is written.
4. :func:`import_members` takes the same steps against the database as it is
   then, in one transaction, and keeps them only when no row is refused (and
   the plan is the one the user confirmed): all rows or none, each journaled.

The export (:func:`export_rows`, :func:`write_csv`, :func:`write_xlsx`, in
`schrijven`) writes the same columns, so an exported list imports again without
changes.
"""

from .kolommen import (
    COLUMN_OF_FIELD,
    COLUMNS,
    NEW,
    PREVIEW_CHARS,
    REFUSED,
    UNCHANGED,
    UPDATED,
    Column,
    MemberImportError,
    RowError,
    shown,
)
from .lezen import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_CELLS_PER_ROW,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    MAX_TOTAL_CHARS,
    ParsedFile,
    ParsedRow,
    parse_file,
)
from .plannen import (
    DATE_FORMATS,
    ImportPlan,
    PlanChangedError,
    RowPlan,
    validate_row,
)
from .schrijven import example_rows, export_rows, write_csv, write_xlsx
from .uitvoeren import ImportReport, apply_plan, import_members, plan_import

__all__ = [
    "COLUMNS",
    "COLUMN_OF_FIELD",
    "DATE_FORMATS",
    "MAX_BYTES",
    "MAX_CELLS_PER_ROW",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SHEET_ROWS",
    "MAX_TOTAL_CHARS",
    "NEW",
    "PREVIEW_CHARS",
    "REFUSED",
    "UNCHANGED",
    "UPDATED",
    "Column",
    "ImportPlan",
    "ImportReport",
    "MemberImportError",
    "ParsedFile",
    "ParsedRow",
    "PlanChangedError",
    "RowError",
    "RowPlan",
    "apply_plan",
    "example_rows",
    "export_rows",
    "import_members",
    "parse_file",
    "plan_import",
    "shown",
    "validate_row",
    "write_csv",
    "write_xlsx",
]
