from django.contrib.admin.apps import AdminConfig


class HandoffAdminConfig(AdminConfig):
    """django.contrib.admin, with Handoff's own site as `admin.site` (Unfold is installed with
    its basic app config, which leaves the default site to this one)."""

    default_site = "config.admin.HandoffAdminSite"
