"""The help desk's composed screens: the ticket, escalation and workspace pages in the admin
and the ticket, escalation, team and workspace endpoints of the REST API. Each shows one
ticket (or workspace) with its context from every domain — SLA clocks, rule dry runs, AI
verdicts, request types, procedures, reports — so this package sits above all of them and
nothing imports it but the admin site and the URL map. Each domain renders its own part
(`sla/admin/ticket_sla.py`, `rules/admin/dry_run.py`, `sla/api/serializers.py`, ...)."""
