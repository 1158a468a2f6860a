"""Spreadsheet files laid out for people, and read back.

An XLSX export has the rows to edit on its first sheet, under a title and a bold header; rows
are filled in the colour of their priority (or of what the sheet highlights). Where the rows
form a grid (a matrix, a RACI table) a second sheet draws it. Strings stay strings: a value
that starts with "=" is written as text, never as a formula. On import the header row is found
by its first column, so the title above it and the drawn grid are ignored.
"""

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

HEADER_FILL = "1F2937"
HEADER_FONT = "FFFFFF"
FIRST_COLUMN = "Workspace"  # every sheet's rows start with the workspace they belong to
MAX_WIDTH = 60


@dataclass
class Grid:
    """A drawn table: a title, column headings, and cells of (text, fill colour or "")."""

    title: str
    headings: list[str]
    rows: list[list[tuple[str, str]]]
    # (text, fill) on the line under the title, over the value columns
    legend: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SheetLayout:
    title: str  # the sheet's name, at most 31 characters
    heading: str  # the line above the header
    row_fill: Callable[[dict], str] = lambda row: ""
    grids: Callable[[tablib.Dataset], list[Grid]] = lambda dataset: []
    grid_title: str = "Grid"
    notes: list[str] = field(default_factory=list)


class SheetFileError(ValueError):
    """A file that cannot be read in the chosen format; the message says so in plain words."""


def layout_of(dataset: tablib.Dataset) -> SheetLayout | None:
    return getattr(dataset, "sheet_layout", None)


def _write(cell, value, style: str = "") -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula
    if style:
        cell.style = style


class Styles:
    """Named styles, registered once per workbook: setting a named style on a cell is cheap,
    setting a font or fill object on each of 100,000 cells is not."""

    def __init__(self, book):
        self.book, self.known = book, set()

    def get(self, kind: str, colour: str = "") -> str:
        name = f"handoff {kind} {colour}".strip()
        if name not in self.known:
            from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

            style = NamedStyle(name=name)
            if kind == "title":
                style.font = Font(bold=True, size=14)
            elif kind in ("note", "legend"):
                style.font = Font(italic=True, color="374151")
            elif kind == "header":
                style.font = Font(bold=True, color=HEADER_FONT)
                colour = HEADER_FILL
            elif kind in ("grid", "grid-first"):
                style.alignment = Alignment(wrap_text=True, vertical="top")
                style.font = Font(bold=kind == "grid-first")
            if colour:
                style.fill = PatternFill("solid", start_color=colour, end_color=colour)
            self.book.add_named_style(style)
            self.known.add(name)
        return name


def _sizes(sheet, widths: dict[int, int]) -> None:
    """Columns as wide as their text; printed landscape, one page wide."""
    from openpyxl.utils import get_column_letter

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width + 2)


def _rows_sheet(sheet, dataset: tablib.Dataset, layout: SheetLayout, styles: Styles) -> None:
    sheet.title = layout.title[:31]
    _write(sheet.cell(row=1, column=1), layout.heading, styles.get("title"))
    top = 2
    for note in layout.notes:
        _write(sheet.cell(row=top, column=1), note, styles.get("note"))
        top += 1
    header_row = top + 1
    widths: dict[int, int] = {}
    header = styles.get("header")
    for index, name in enumerate(dataset.headers, start=1):
        _write(sheet.cell(row=header_row, column=index), name, header)
        widths[index] = len(str(name))
    headers = dataset.headers
    for offset, values in enumerate(dataset, start=1):
        colour = layout.row_fill(dict(zip(headers, values, strict=True)))
        style = styles.get("row", colour) if colour else ""
        for index, value in enumerate(values, start=1):
            _write(sheet.cell(row=header_row + offset, column=index), value, style)
            size = len(str(value)) if value is not None else 0
            if size > widths[index]:
                widths[index] = size
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if dataset.height:
        last = sheet.cell(row=header_row + dataset.height, column=len(headers))
        sheet.auto_filter.ref = f"A{header_row}:{last.coordinate}"
    _sizes(sheet, widths)


def _grid_sheet(sheet, grids: list[Grid], layout: SheetLayout, styles: Styles) -> None:
    sheet.title = layout.grid_title[:31]
    row = 1
    widths: dict[int, int] = {}
    for grid in grids:
        _write(sheet.cell(row=row, column=1), grid.title, styles.get("title"))
        if grid.legend:
            row += 1
            # over the value columns, where the colours are; the first column heads the rows
            for index, (label, colour) in enumerate(grid.legend, start=2):
                _write(sheet.cell(row=row, column=index), label, styles.get("legend", colour))
        row += 1
        for index, heading in enumerate(grid.headings, start=1):
            _write(sheet.cell(row=row, column=index), heading, styles.get("header"))
            widths[index] = max(widths.get(index, 0), len(heading))
        for cells in grid.rows:
            row += 1
            lines = max((str(text).count("\n") + 1 for text, _ in cells), default=1)
            sheet.row_dimensions[row].height = 15 * lines + 2
            for index, (text, colour) in enumerate(cells, start=1):
                kind = "grid-first" if index == 1 else "grid"
                _write(sheet.cell(row=row, column=index), text, styles.get(kind, colour))
                longest = max((len(line) for line in str(text).splitlines()), default=0)
                widths[index] = max(widths.get(index, 0), longest)
        row += 2
    _sizes(sheet, widths)


def workbook_bytes(dataset: tablib.Dataset) -> bytes:
    """The dataset as an XLSX file laid out by its sheet layout (plain rows if it has none)."""
    from openpyxl import Workbook

    layout = layout_of(dataset) or SheetLayout(title=dataset.title or "Rows", heading="")
    book = Workbook()
    styles = Styles(book)
    _rows_sheet(book.active, dataset, layout, styles)
    grids = layout.grids(dataset)
    if grids:
        _grid_sheet(book.create_sheet(), grids, layout, styles)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset_from_rows(
    rows: list[list], numbers: list[int] | None = None, row_word: str = "row"
) -> tablib.Dataset:
    """The rows under the header: the first row (of the first 20) with a cell saying
    "Workspace", else the first row that is not blank. Blank rows are left out.

    `numbers` are the rows' numbers as the person sees them (the sheet's row numbers, a CSV
    file's line numbers), `row_word` what they are called ("row" or "line"); the dataset keeps
    them as `source_rows` and `row_word`, so that a problem names the row in the file."""
    rows = [list(row) for row in rows]
    numbers = numbers or list(range(1, len(rows) + 1))
    start = next(
        (
            i
            for i, row in enumerate(rows[:20])
            if any(str(v).strip().lower() == FIRST_COLUMN.lower() for v in row if v is not None)
        ),
        next((i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), None),
    )
    dataset = tablib.Dataset()
    dataset.source_rows, dataset.row_word = [], row_word
    if start is None:
        return dataset
    headers = [str(value).strip() if value is not None else "" for value in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    dataset.headers = headers
    for number, row in zip(numbers[start + 1 :], rows[start + 1 :], strict=True):
        values = (row + [None] * len(headers))[: len(headers)]
        if any(value not in (None, "") for value in values):
            dataset.append(values)
            dataset.source_rows.append(number)
    return dataset


def dataset_from_workbook(data: bytes) -> tablib.Dataset:
    """The first sheet with a "Workspace" header (the rows sheet), else the active one."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # zipfile, XML and openpyxl errors all mean the same to the person: wrong kind of file
        raise SheetFileError(
            _(
                "This file is not an XLSX workbook. Save it from your spreadsheet program as "
                "an Excel workbook (.xlsx), or choose CSV if it is a CSV file."
            )
        ) from None
    chosen = None
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
        if any(
            str(v).strip().lower() == FIRST_COLUMN.lower()
            for row in rows[:20]
            for v in row
            if v is not None
        ):
            chosen = rows
            break
    if chosen is None:
        chosen = [list(row) for row in book.active.iter_rows(min_row=1, values_only=True)]
    book.close()
    return dataset_from_rows(chosen)


def text_of(data: bytes) -> str:
    """Spreadsheet programs save CSV as UTF-8 (with or without a BOM), UTF-16 or Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class SheetXLSX(base_formats.XLSX):
    """XLSX laid out for people (see the module's docstring)."""

    def create_dataset(self, in_stream):
        return dataset_from_workbook(in_stream)

    def export_data(self, dataset, **kwargs):
        return workbook_bytes(dataset)


class SheetCSV(base_formats.CSV):
    """Plain CSV rows. On import: any common encoding, comma, semicolon or tab, title rows
    above the header and blank rows are all fine."""

    def is_binary(self):
        # read as bytes, so that the file's own encoding decides (see text_of), not the
        # admin's utf-8
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        content = text_of(in_stream) if isinstance(in_stream, bytes) else in_stream
        content = content.removeprefix("\ufeff")
        if "\x00" in content:
            raise SheetFileError(
                _(
                    "This file is not a CSV file: it holds binary data. Choose XLSX if it is a "
                    "workbook, or save it from your spreadsheet program as CSV."
                )
            )
        lines = content.splitlines()[:20]
        header = next(
            (line for line in lines if FIRST_COLUMN.lower() in line.lower()),
            next((line for line in lines if line.strip()), ""),
        )
        delimiter = max(",;\t", key=header.count)
        rows, numbers = [], []
        reader = csv.reader(io.StringIO(content), delimiter=delimiter)
        try:
            while True:
                first_line = reader.line_num + 1  # a quoted cell may span lines
                try:
                    rows.append(next(reader))
                except StopIteration:
                    break
                numbers.append(first_line)
        except csv.Error as exc:
            raise SheetFileError(
                _("This file cannot be read as CSV: %(problem)s.") % {"problem": exc}
            ) from None
        return dataset_from_rows(rows, numbers, row_word="line")


FORMATS = [SheetXLSX, SheetCSV]
