"""Template catalog and spreadsheet cost: the time to instantiate each of the ten templates
(the slowest is the figure), and the time to export a 10,000-cell escalation matrix to XLSX
(and to CSV) and to import 1,000 changed rows back.

    uv run python bench/catalog.py             # embedded SQLite
    DATABASE_URL=postgres://... uv run python bench/catalog.py

Runs in a throw-away test database and prints one JSON line.
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = 3  # instantiations of each template; its median counts
SIDE = 100  # levels x severities of the big matrix: 10,000 cells
IMPORT_ROWS = 1000


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def big_matrix():
    from escalations.governance.models import EscalationMatrix, EscalationMatrixCell, Highlight
    from escalations.tickets.models import Workspace

    workspace = Workspace.objects.create(name="Big matrix", slug="big-matrix")
    levels = [f"L{n}" for n in range(1, SIDE + 1)]
    severities = [f"SEV{n}" for n in range(1, SIDE + 1)]
    matrix = EscalationMatrix.objects.create(
        workspace=workspace, title="Big", levels=levels, severities=severities
    )
    shades = list(Highlight.values)
    EscalationMatrixCell.objects.bulk_create(
        EscalationMatrixCell(
            matrix=matrix,
            level=level,
            severity=severity,
            contact=f"On-call {level}/{severity}",
            channel="pager",
            respond_within_minutes=5 * (i + j + 1),
            highlight=shades[j % len(shades)],
        )
        for i, level in enumerate(levels)
        for j, severity in enumerate(severities)
    )
    return EscalationMatrix.objects.filter(pk=matrix.pk)


def main() -> None:
    from escalations.governance.admin.matrix_sheet import MatrixCellResource
    from escalations.spreadsheets.formats import SheetCSV, SheetXLSX
    from templates_catalog.instantiate import template_instantiate
    from templates_catalog.models import WorkflowTemplate

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        per_template = {}
        for template in WorkflowTemplate.objects.order_by("position"):
            runs = [
                timed(
                    lambda t=template, n=n: template_instantiate(template=t, name=f"{t.slug} {n}")
                )
                for n in range(ROUNDS)
            ]
            per_template[template.slug] = statistics.median(runs) * 1000
        matrices = big_matrix()
        resource = MatrixCellResource()
        xlsx: dict = {}
        export_s = timed(
            lambda: xlsx.update(data=SheetXLSX().export_data(resource.export(matrices)))
        )
        csv_s = timed(lambda: SheetCSV().export_data(resource.export(matrices)))
        dataset = SheetXLSX().create_dataset(xlsx["data"])
        changed = dataset.subset(rows=range(IMPORT_ROWS))
        contact = changed.headers.index("Contact")
        for n in range(changed.height):
            row = list(changed[n])
            row[contact] = f"{row[contact]} (new)"
            changed[n] = row
        result = {}
        import_s = timed(lambda: result.update(r=MatrixCellResource().import_data(changed)))
        assert not result["r"].has_errors() and not result["r"].has_validation_errors()
        assert result["r"].totals["update"] == IMPORT_ROWS
        slowest = max(per_template, key=per_template.get)
        print(
            json.dumps(
                {
                    "instantiate_max_ms": round(per_template[slowest], 1),
                    "instantiate_slowest": slowest,
                    "instantiate_median_ms": round(statistics.median(per_template.values()), 1),
                    "export_10k_rows_s": round(export_s, 2),
                    "export_10k_rows_csv_s": round(csv_s, 2),
                    "xlsx_bytes": len(xlsx["data"]),
                    "import_1k_rows_s": round(import_s, 2),
                    "database": connection.vendor,
                    "python": platform.python_version(),
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
