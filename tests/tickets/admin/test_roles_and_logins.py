from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from escalations.tickets.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_every_role_permission_exists_and_is_granted():
    existing = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    for role, permissions in ROLE_PERMISSIONS.items():
        assert permissions <= existing, permissions - existing
        group = Group.objects.get(name=role)
        assert group.permissions.count() == len(permissions)


def test_a_manager_gives_a_new_login_the_agent_role(client, manager_user):
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "sam", "password1": "a-long-pass-9876", "password2": "a-long-pass-9876"},
    )
    assert response.status_code == 302
    sam = User.objects.get(username="sam")
    page = client.get(reverse("admin:auth_user_change", args=[sam.pk]))
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == set(
        ROLE_PERMISSIONS
    )
    agents = Group.objects.get(name="Agents")
    response = client.post(
        reverse("admin:auth_user_change", args=[sam.pk]),
        {"username": "sam", "is_active": "on", "is_staff": "on", "groups": [agents.pk]},
    )
    assert response.status_code == 302
    sam.refresh_from_db()
    assert list(sam.groups.all()) == [agents] and not sam.is_superuser


def test_a_manager_cannot_see_or_touch_superusers(client, manager_user):
    root = User.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    client.force_login(manager_user)
    listing = client.get(reverse("admin:auth_user_changelist"))
    assert root not in listing.context["cl"].result_list
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code in (302, 404)


def test_an_agent_cannot_manage_logins(client, agent_user):
    client.force_login(agent_user)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_refused_admin_page_is_the_admins_own_page_saying_why(client, agent_user):
    client.force_login(agent_user)

    response = client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 403
    assert response.templates[0].name == "admin/refused.html"
    text = unescape(response.content.decode())
    assert "Escalation workflows" in text and "You cannot do this here" in text
    assert "Your role does not allow this." in text


ADMIN_PAGES = {
    # page: what each role gets (manager, agent, read-only, integration)
    "escalations_ticket_changelist": (200, 200, 200, 302),
    "escalations_ticket_add": (200, 200, 403, 302),
    "escalations_aiverdict_changelist": (200, 200, 200, 302),
    "escalations_escalationpolicy_changelist": (200, 200, 200, 302),
    "escalations_escalationpolicy_add": (200, 403, 403, 302),
    "escalations_team_add": (200, 403, 403, 302),
    "escalations_signedcaller_changelist": (200, 403, 403, 302),
    "escalations_webhooksubscription_add": (200, 403, 403, 302),
    "escalations_rule_add": (200, 403, 403, 302),
    "auth_user_changelist": (200, 403, 403, 302),
}


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_admin_permission_matrix(client, page):
    from escalations.tickets.roles import AGENT, INTEGRATION, MANAGER, READ_ONLY
    from tests.helpers.factories import UserFactory

    roles = (MANAGER, AGENT, READ_ONLY, INTEGRATION)
    answers = []
    for role in roles:
        user = UserFactory(username=f"{page[:20]}-{role[:6]}", is_staff=role != INTEGRATION)
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        answers.append(client.get(reverse(f"admin:{page}")).status_code)
    assert tuple(answers) == ADMIN_PAGES[page]
