"""The delivery log of outgoing webhooks: what was sent where, each attempt's answer, when the
next attempt is due, and sending again by hand."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from escalations.core.actors import Actor
from escalations.rules.models import WebhookDelivery
from escalations.rules.services.webhooks import webhook_retry_now


class DeliveryStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("delivered", "Delivered"),
            ("retrying", "Retrying"),
            ("gave_up", "Gave up"),
            ("queued", "Queued"),
        ]

    def queryset(self, request, queryset):
        pending = {"delivered_at__isnull": True, "gave_up_at__isnull": True}
        return {
            "delivered": queryset.filter(delivered_at__isnull=False),
            "retrying": queryset.filter(**pending, next_attempt_at__isnull=False),
            "gave_up": queryset.filter(gave_up_at__isnull=False),
            "queued": queryset.filter(**pending, next_attempt_at__isnull=True),
        }.get(self.value(), queryset)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ModelAdmin):
    list_display = (
        "created_at",
        "integration",
        "path",
        "ticket",
        "state_label",
        "attempts",
        "status_code",
        "next_attempt_at",
        "error_short",
    )
    list_filter = (DeliveryStateFilter, "integration", "status_code")
    list_select_related = ("integration", "ticket")
    actions = ["deliver_again"]
    readonly_fields = (
        "integration",
        "ticket",
        "path",
        "payload",
        "attempts",
        "status_code",
        "error",
        "created_at",
        "delivered_at",
        "next_attempt_at",
        "gave_up_at",
    )

    @display(description="State")
    def state_label(self, obj):
        return obj.state.capitalize()

    @display(description="Last error")
    def error_short(self, obj):
        return obj.error[:120]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @action(description="Deliver the selected webhooks again now", permissions=["change"])
    def deliver_again(self, request, queryset):
        actor = Actor.for_user(request.user)
        queued, refused = 0, []
        for delivery in queryset.filter(delivered_at__isnull=True):
            try:
                webhook_retry_now(delivery=delivery, actor=actor)
                queued += 1
            except ValidationError as exc:
                refused.append(f"{delivery}: {'; '.join(exc.messages)}")
        self.message_user(request, f"{queued} delivery(ies) queued again.")
        for line in refused:
            self.message_user(request, line, messages.WARNING)
