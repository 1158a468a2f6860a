"""Writes for the directory: workspaces, their statuses and fields, teams, agents, customers,
and the built-in groups with their permissions.

These are configuration: django-simple-history records every version with who and when.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models

from escalations.core.config_cache import config_service
from escalations.tickets.models import Agent, MembershipRole, Team, TeamMembership
from escalations.tickets.roles import ROLE_PERMISSIONS


@config_service
def directory_save(*, instance: models.Model) -> models.Model:
    """Validate and save a directory object (workspace, status, field, team, agent, customer)."""
    instance.full_clean()
    instance.save()
    return instance


@config_service
def directory_delete(*, instance: models.Model) -> None:
    """Delete a directory object; rows that tickets still point to are protected."""
    instance.delete()


@config_service
def agent_create(
    *,
    username: str,
    display_name: str,
    email: str = "",
    password: str | None = None,
    skills: list[str] | None = None,
    capacity: int = 10,
    is_available: bool = True,
    teams: list[Team] | None = None,
    lead_of: list[Team] | None = None,
    groups: list[str] = ("Agents",),
) -> Agent:
    """Create a login and its agent profile, member of the given teams."""
    user_model = get_user_model()
    first, _, last = display_name.partition(" ")
    user = user_model(username=username, email=email, first_name=first, last_name=last)
    user.is_staff = True
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.set(Group.objects.filter(name__in=groups))
    agent = directory_save(
        instance=Agent(
            user=user,
            display_name=display_name,
            skills=skills or [],
            capacity=capacity,
            is_available=is_available,
        )
    )
    leads = {team.pk for team in lead_of or []}
    for team in {*(teams or []), *(lead_of or [])}:
        directory_save(
            instance=TeamMembership(
                team=team,
                agent=agent,
                role=MembershipRole.LEAD if team.pk in leads else MembershipRole.MEMBER,
            )
        )
    return agent


@config_service
def roles_sync() -> None:
    """Create the built-in groups and give each exactly its permissions."""
    wanted = set().union(*ROLE_PERMISSIONS.values())
    apps = {name.split(".", 1)[0] for name in wanted}
    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(content_type__app_label__in=apps).select_related(
            "content_type"
        )
    }
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permissions[c] for c in sorted(codenames) if c in permissions])
