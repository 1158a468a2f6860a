"""A real spreadsheet program reads every exported XLSX: LibreOffice, headless, turns each file
into CSV, sheet by sheet, and the rows come out as exported. On a machine without LibreOffice
this skips with the reason; CI installs it and counts a skip as a failure."""

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.spreadsheets import RESOURCES, export_file

# Comma-separated, UTF-8, every sheet to its own file (LibreOffice 7.2 and later).
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str:
    found = os.environ.get("HANDOFF_SOFFICE") or shutil.which("soffice")
    if not found:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    return found


def convert_all(program: str, folder: Path) -> Path:
    """Every .xlsx in the folder through LibreOffice; the CSV files land in folder/csv."""
    out = folder / "csv"
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            ALL_SHEETS_CSV,
            "--outdir",
            str(out),
            *sorted(str(p) for p in folder.glob("*.xlsx")),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def test_libreoffice_opens_every_exported_workbook(workspaces, tmp_path):
    program = soffice()
    datasets = {}
    for resource in RESOURCES:
        path = tmp_path / f"{resource.__name__}.xlsx"
        path.write_bytes(export_file(resource))
        datasets[resource.__name__] = resource().export()
    out = convert_all(program, tmp_path)
    for name, dataset in datasets.items():
        sheet = out / f"{name}-{dataset.title}.csv"
        assert sheet.exists(), f"LibreOffice did not read {name}: {sorted(out.iterdir())}"
        rows = list(csv.reader(sheet.open(encoding="utf-8")))
        header = rows.index(list(dataset.headers))
        assert rows[0][0] == dataset.sheet_layout.heading
        read = [row[: len(dataset.headers)] for row in rows[header + 1 :] if any(row)]
        assert read == [[as_text(v) for v in row] for row in dataset], name


def test_the_matrix_and_raci_workbooks_draw_their_grids(workspaces, tmp_path):
    from escalations.governance.admin.matrix_sheet import MatrixCellResource
    from escalations.governance.admin.raci_sheet import RaciResource

    program = soffice()
    for resource in (MatrixCellResource, RaciResource):
        (tmp_path / f"{resource.__name__}.xlsx").write_bytes(export_file(resource))
    out = convert_all(program, tmp_path)
    grid = list(csv.reader((out / "MatrixCellResource-Grid.csv").open(encoding="utf-8")))
    headings = next(row for row in grid if row and row[0] == "Level")
    assert headings[1:5] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert any(row and row[0] == "L1" and "within" in row[1] for row in grid)
    table = list(csv.reader((out / "RaciResource-Table.csv").open(encoding="utf-8")))
    assert any(row and row[0] == "Activity" and len(row) > 2 for row in table)
    assert Path(out / "RaciResource-RACI.csv").exists()
