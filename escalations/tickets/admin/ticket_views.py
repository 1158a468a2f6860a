"""The ticket page's actions: a status button, the escalation form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.tickets.admin.escalation_forms import EscalationForm
from escalations.tickets.admin.ticket_forms import TransitionForm
from escalations.tickets.models import Ticket
from escalations.tickets.selectors.workflows import ticket_status
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.transitions import ticket_move


def transition_form_view(model_admin, request, *, ticket: Ticket):
    """Apply one status button; a refusal comes back as the only message on the ticket page."""
    form = TransitionForm(request.POST)
    if not form.is_valid():
        model_admin.message_user(
            request, _("The status change was incomplete: reload the page."), messages.ERROR
        )
        return HttpResponseRedirect(ticket_change_url(ticket))
    before = ticket_status(ticket)
    try:
        moved = ticket_move(
            ticket=ticket,
            to_status=form.cleaned_data["to_status"],
            actor=Actor.for_user(request.user),
            reason=form.cleaned_data["reason"],
            expected_status=form.cleaned_data["expected_status"],
        )
    except IllegalTransition as exc:
        model_admin.message_user(request, exc.message, messages.ERROR)
    else:
        after = ticket_status(moved)
        model_admin.log_change(request, moved, f"{before.name} → {after.name}")
        model_admin.message_user(
            request,
            _("Ticket {ref} is now {status}.").format(ref=moved.reference, status=after.name),
            messages.SUCCESS,
        )
    return HttpResponseRedirect(ticket_change_url(ticket))


def may_escalate(request) -> bool:
    user = request.user
    return (
        user.has_perm("escalations.add_escalation")
        and user.has_perm("escalations.change_ticket")
        and user.has_perm("escalations.transition_ticket")
    )


def escalate_form_view(model_admin, request, *, ticket: Ticket | None):
    """The escalation form, for a given ticket or (from the escalation list) a chosen one."""
    if not may_escalate(request):
        raise PermissionDenied
    form = EscalationForm(
        request.POST or None, ticket=ticket, initial={"to_status": request.GET.get("to_status")}
    )
    if request.method == "POST" and form.is_valid():
        target = form.ticket
        data = form.cleaned_data
        try:
            escalation = escalation_create(
                ticket=target,
                kind=data["kind"],
                trigger="admin_form",
                to_team=data["to_team"],
                to_agent=data["to_agent"],
                summary=data["summary"],
                reasons=data["reasons"],
                summary_required=form.summary_required,
                to_status=data.get("to_status") or None,
                actor=Actor.for_user(request.user),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except IllegalTransition as exc:
            form.add_error(None, exc.message)
        else:
            owner = (
                f"assigned to {escalation.to_agent}, who has been notified"
                if escalation.to_agent
                else "waiting in the team's queue (its lead has been told)"
            )
            model_admin.message_user(
                request,
                f"Ticket {target.reference} was escalated to {escalation.to_team}: {owner}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(ticket_change_url(target))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Escalate {ticket}" if ticket else "Escalate a ticket",
        "opts": model_admin.model._meta,
        "original": ticket,
        "status_name": ticket_status(ticket).name if ticket else "",
        "form": form,
        "cancel_url": ticket_change_url(ticket)
        if ticket
        else reverse("admin:escalations_escalation_changelist"),
    }
    return TemplateResponse(request, "escalations/admin/ticket_escalate.html", context)


def ticket_change_url(ticket) -> str:
    return reverse("admin:escalations_ticket_change", args=[ticket.pk])
