"""The drawn grid of the matrix and RACI workbooks, read back with openpyxl: the colour legend
stands over the grid's value columns, beside the column of row headings, not above it."""

import io

import pytest
from openpyxl import load_workbook

from escalations.governance.admin.matrix_sheet import HIGHLIGHT_FILLS, MatrixCellResource
from escalations.governance.admin.raci_sheet import LETTER_FILLS, RaciResource
from tests.helpers.spreadsheets import export_file


def grid_sheet(resource):
    return load_workbook(io.BytesIO(export_file(resource))).worksheets[1]


def fill_of(cell) -> str:
    return (cell.fill.start_color.rgb or "")[-6:] if cell.fill.fill_type else ""


@pytest.mark.parametrize(
    ("resource", "first_heading", "legend"),
    [
        (MatrixCellResource, "Level", [(label, fill) for label, fill in HIGHLIGHT_FILLS.items()]),
        (
            RaciResource,
            "Activity",
            [
                ("A Accountable (one per activity)", LETTER_FILLS["A"]),
                ("R Responsible", LETTER_FILLS["R"]),
                ("C Consulted", ""),
                ("I Informed", ""),
            ],
        ),
    ],
    ids=["matrix", "raci"],
)
def test_the_legend_stands_over_the_grids_value_columns(
    workspaces, resource, first_heading, legend
):
    sheet = grid_sheet(resource)
    headings = next(row for row in sheet.iter_rows() if row[0].value == first_heading)
    legend_row = sheet[headings[0].row - 1]

    assert legend_row[0].value is None  # above the column of row headings: nothing
    read = [(cell.value, fill_of(cell)) for cell in legend_row[1 : 1 + len(legend)]]
    assert read == legend
    assert [cell.column for cell in legend_row[1 : 1 + len(legend)]] == [
        cell.column for cell in headings[1 : 1 + len(legend)]
    ]
