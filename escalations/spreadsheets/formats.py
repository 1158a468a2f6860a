"""Spreadsheet files laid out for people, and read back.

An XLSX export has the rows to edit on its first sheet, under a title and a bold header; rows
are filled in the colour of their priority (or of what the sheet highlights). Where the rows
form a grid (a matrix, a RACI table) a second sheet draws it. Strings stay strings: a value
that starts with "=" is written as text, never as a formula. On import the header row is found
by its first column, so the title above it and the drawn grid are ignored.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
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
    legend: list[tuple[str, str]] = field(default_factory=list)  # (text, fill) after the title


@dataclass
class SheetLayout:
    title: str  # the sheet's name, at most 31 characters
    heading: str  # the line above the header
    row_fill: Callable[[dict], str] = lambda row: ""
    grids: Callable[[tablib.Dataset], list[Grid]] = lambda dataset: []
    grid_title: str = "Grid"
    notes: list[str] = field(default_factory=list)


def layout_of(dataset: tablib.Dataset) -> SheetLayout | None:
    return getattr(dataset, "sheet_layout", None)


def _write(cell, value) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula


def _fill(colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def _sizes(sheet, widths: dict[int, int]) -> None:
    """Columns as wide as their text; printed landscape, one page wide."""
    from openpyxl.utils import get_column_letter

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width + 2)


def _rows_sheet(sheet, dataset: tablib.Dataset, layout: SheetLayout) -> None:
    from openpyxl.styles import Font

    sheet.title = layout.title[:31]
    _write(sheet.cell(row=1, column=1), layout.heading)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    top = 2
    for note in layout.notes:
        _write(sheet.cell(row=top, column=1), note)
        sheet.cell(row=top, column=1).font = Font(italic=True, color="4B5563")
        top += 1
    header_row = top + 1
    widths: dict[int, int] = {}
    for index, name in enumerate(dataset.headers, start=1):
        cell = sheet.cell(row=header_row, column=index)
        _write(cell, name)
        cell.font = Font(bold=True, color=HEADER_FONT)
        cell.fill = _fill(HEADER_FILL)
        widths[index] = len(str(name))
    for offset, values in enumerate(dataset, start=1):
        colour = layout.row_fill(dict(zip(dataset.headers, values, strict=True)))
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=index)
            _write(cell, value)
            if colour:
                cell.fill = _fill(colour)
            widths[index] = max(widths[index], len(str(value if value is not None else "")))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if dataset.height:
        last = sheet.cell(row=header_row + dataset.height, column=len(dataset.headers))
        sheet.auto_filter.ref = f"A{header_row}:{last.coordinate}"
    _sizes(sheet, widths)


def _grid_sheet(sheet, grids: list[Grid], layout: SheetLayout) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = layout.grid_title[:31]
    row = 1
    widths: dict[int, int] = {}
    for grid in grids:
        _write(sheet.cell(row=row, column=1), grid.title)
        sheet.cell(row=row, column=1).font = Font(bold=True, size=13)
        if grid.legend:
            row += 1
            for index, (label, colour) in enumerate(grid.legend, start=1):
                cell = sheet.cell(row=row, column=index)
                _write(cell, label)
                cell.font = Font(italic=True, color="374151")
                if colour:
                    cell.fill = _fill(colour)
        row += 1
        for index, heading in enumerate(grid.headings, start=1):
            cell = sheet.cell(row=row, column=index)
            _write(cell, heading)
            cell.font = Font(bold=True, color=HEADER_FONT)
            cell.fill = _fill(HEADER_FILL)
            widths[index] = max(widths.get(index, 0), len(heading))
        for cells in grid.rows:
            row += 1
            lines = max((str(text).count("\n") + 1 for text, _ in cells), default=1)
            sheet.row_dimensions[row].height = 15 * lines + 2
            for index, (text, colour) in enumerate(cells, start=1):
                cell = sheet.cell(row=row, column=index)
                _write(cell, text)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if index == 1:
                    cell.font = Font(bold=True)
                if colour:
                    cell.fill = _fill(colour)
                longest = max((len(line) for line in str(text).splitlines()), default=0)
                widths[index] = max(widths.get(index, 0), longest)
        row += 2
    _sizes(sheet, widths)


def workbook_bytes(dataset: tablib.Dataset) -> bytes:
    """The dataset as an XLSX file laid out by its sheet layout (plain rows if it has none)."""
    from openpyxl import Workbook

    layout = layout_of(dataset) or SheetLayout(title=dataset.title or "Rows", heading="")
    book = Workbook()
    _rows_sheet(book.active, dataset, layout)
    grids = layout.grids(dataset)
    if grids:
        _grid_sheet(book.create_sheet(), grids, layout)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset_from_workbook(data: bytes) -> tablib.Dataset:
    """The rows under the first header row found (a row whose first cell is "Workspace");
    a sheet without one is read from its first row. Blank rows are left out."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    chosen = None
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        for index, row in enumerate(rows):
            if row and row[0] == FIRST_COLUMN:
                chosen = rows[index:]
                break
        if chosen:
            break
    if chosen is None:
        chosen = [list(row) for row in book.active.iter_rows(values_only=True)]
    book.close()
    dataset = tablib.Dataset()
    if not chosen:
        return dataset
    headers = [str(value).strip() if value is not None else "" for value in chosen[0]]
    while headers and not headers[-1]:
        headers.pop()
    dataset.headers = headers
    for row in chosen[1:]:
        values = (list(row) + [None] * len(headers))[: len(headers)]
        if any(value not in (None, "") for value in values):
            dataset.append(values)
    return dataset


class SheetXLSX(base_formats.XLSX):
    """XLSX laid out for people (see the module's docstring)."""

    def create_dataset(self, in_stream):
        return dataset_from_workbook(in_stream)

    def export_data(self, dataset, **kwargs):
        return workbook_bytes(dataset)


class SheetCSV(base_formats.CSV):
    """Plain CSV rows; a byte-order mark is accepted on import (spreadsheets add one)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return super().create_dataset(in_stream.removeprefix("\ufeff"), **kwargs)


FORMATS = [SheetXLSX, SheetCSV]
