"""Import and export buttons for configuration pages: XLSX laid out for people, and CSV.
The list has both buttons (*Export* takes the list as filtered) and the "Export selected"
action.

Exporting needs the model's "export" permission; importing needs its "import" permission and
the right to change it. An import always starts as a dry run that shows every row's change;
a file with any bad row can't be confirmed, and nothing of it is saved."""

from import_export.admin import ExportActionMixin, ImportExportMixin
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from escalations.spreadsheets.formats import FORMATS, SheetFileError


class SpreadsheetAdmin(ImportExportMixin, ExportActionMixin):
    import_form_class = ImportForm
    export_form_class = ExportForm
    formats = FORMATS

    def _may(self, request, action: str) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def has_import_permission(self, request):
        return self._may(request, "import") and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self._may(request, "export")

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SheetFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
