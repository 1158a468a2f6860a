"""Communication plans' key contacts and stakeholders as a sheet: who, their role and team,
and how to reach them."""

from escalations.incidents.models import CommunicationPlan, ContactChannel, PlanContact
from escalations.spreadsheets.base import Choice, Lookup, SheetResource, Whole, column, in_workspace
from escalations.spreadsheets.formats import SheetLayout
from escalations.tickets.models import Team


class ContactResource(SheetResource):
    layout = SheetLayout(
        title="Contacts",
        heading="Key contacts and stakeholders of the communication plans",
    )
    parents = {CommunicationPlan: "plan__in"}

    workspace = column("plan__workspace__slug", "Workspace", readonly=True)
    plan = column("plan", "Plan", Lookup(CommunicationPlan, "plan", in_workspace, "title"))
    position = column("position", "Position", Whole())
    name = column("name", "Name")
    role = column("role", "Role")
    team = column("team", "Team", Lookup(Team, "team", in_workspace, "slug", optional=True))
    channel = column("channel", "Channel", Choice(ContactChannel.choices))
    address = column("address", "Address")

    class Meta(SheetResource.Meta):
        model = PlanContact
        name = "Contacts"
        fields = (
            "workspace",
            "plan",
            "position",
            "name",
            "role",
            "team",
            "channel",
            "address",
            "remove",
        )
        import_id_fields = ("plan", "name")

    def get_queryset(self):
        return PlanContact.objects.select_related("plan__workspace", "team").order_by(
            "plan__workspace__slug", "plan__title", "position", "id"
        )

    def check_instance(self, instance) -> None:
        from django.core.exceptions import ValidationError

        if instance.team_id and instance.team.workspace_id != instance.plan.workspace_id:
            raise ValidationError({"team": "The team belongs to another workspace."})
