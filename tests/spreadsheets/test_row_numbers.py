"""A problem in an imported file names the row the person sees in their spreadsheet program:
the sheet's row number in an XLSX workbook (under its title, notes and header), the line
number in a CSV file."""

import io

from openpyxl import load_workbook

from escalations.governance.admin.matrix_sheet import MatrixCellResource
from escalations.spreadsheets.formats import SheetCSV, SheetXLSX
from tests.helpers.spreadsheets import errors_of, export_file, import_file

RESPOND = "Respond within (minutes)"


def edited_workbook(edit) -> bytes:
    """The matrix export as a spreadsheet program saves it after edit(sheet)."""
    book = load_workbook(io.BytesIO(export_file(MatrixCellResource, SheetXLSX)))
    edit(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def header_row(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == "Workspace")


def column_of(sheet, name: str) -> int:
    row = header_row(sheet)
    return next(c.column for c in sheet[row] if c.value == name)


def test_an_xlsx_problem_names_the_sheet_row(workspaces):
    seen = {}

    def edit(sheet):
        seen["row"] = header_row(sheet) + 15  # the 15th row under the header
        sheet.cell(row=seen["row"], column=column_of(sheet, RESPOND), value="soon")

    problems = errors_of(import_file(MatrixCellResource, edited_workbook(edit), SheetXLSX))
    assert seen["row"] > 15
    assert problems == [
        f"row {seen['row']}, {RESPOND}: Give a number of minutes, 0 or more; not 'soon'."
    ]


def test_an_xlsx_problem_below_a_blank_row_still_names_its_sheet_row(workspaces):
    seen = {}

    def edit(sheet):
        below = header_row(sheet) + 3
        sheet.insert_rows(below)  # a blank row the import skips
        seen["row"] = below + 2
        sheet.cell(row=seen["row"], column=column_of(sheet, RESPOND), value="-1")

    problems = errors_of(import_file(MatrixCellResource, edited_workbook(edit), SheetXLSX))
    assert [p.split(",")[0] for p in problems] == [f"row {seen['row']}"]


def test_a_repeated_xlsx_row_names_both_sheet_rows(workspaces):
    seen = {}

    def edit(sheet):
        first = header_row(sheet) + 1
        seen["first"], seen["copy"] = first, sheet.max_row + 1
        for cell in sheet[first]:
            sheet.cell(row=seen["copy"], column=cell.column, value=cell.value)

    problems = errors_of(import_file(MatrixCellResource, edited_workbook(edit), SheetXLSX))
    assert problems == [
        f"row {seen['copy']}, __all__: Row {seen['copy']} repeats row {seen['first']}: the same "
        "Matrix, Level, Severity. Keep one of them."
    ]


def test_a_csv_problem_names_the_line(workspaces):
    lines = export_file(MatrixCellResource, SheetCSV).splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")  # line 4 of the file: the third row under the header
    cells[header.index(RESPOND)] = "soon"
    lines[3] = ",".join(cells)
    data = "Escalation matrix, edited\n" + "\n".join(lines) + "\n"  # a title line above

    problems = errors_of(import_file(MatrixCellResource, data, SheetCSV))
    assert problems == [f"row 5, {RESPOND}: Give a number of minutes, 0 or more; not 'soon'."]


def test_a_repeated_csv_line_names_both_lines(workspaces):
    lines = export_file(MatrixCellResource, SheetCSV).splitlines()
    data = "\n".join([*lines, "", lines[1]]) + "\n"  # a blank line, then line 2 again
    copy = len(lines) + 2

    problems = errors_of(import_file(MatrixCellResource, data, SheetCSV))
    assert problems == [
        f"row {copy}, __all__: Line {copy} repeats line 2: the same Matrix, Level, Severity. "
        "Keep one of them."
    ]
