"""Factories build valid directory objects directly: they are test fixtures, not domain writes.

Tickets, messages and escalations are made through the services, so their audit rows exist.
"""

import factory
from django.contrib.auth.models import Group, User

from escalations.core.actors import Actor
from escalations.tickets.models import Agent, CustomerTier, Team, TeamMembership, Tier, Workspace
from escalations.tickets.models import Customer as CustomerModel
from escalations.tickets.roles import AGENT, MANAGER, READ_ONLY
from escalations.tickets.services.tickets import ticket_create


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    tier = Tier.L1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=AGENT)
    display_name = factory.Sequence(lambda n: f"Agent {n}")
    skills = factory.LazyFunction(list)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if extracted:
            TeamMembership.objects.create(team=extracted, agent=self)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerModel

    name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.LazyAttribute(lambda c: f"c{c.name.split()[-1]}@example.org")
    company = "Example GmbH"
    tier = CustomerTier.STANDARD
    crm_data = factory.LazyFunction(lambda: {"plan": "pro", "health_score": 80})


def make_ticket(*, workspace=None, team=None, actor=None, **kwargs):
    workspace = workspace or (team.workspace if team else WorkspaceFactory())
    kwargs.setdefault("subject", "Printer on fire")
    kwargs.setdefault("customer", CustomerFactory())
    return ticket_create(
        workspace=workspace, team=team, actor=actor or Actor.system("test"), **kwargs
    )


ROLES = {"manager": MANAGER, "agent": AGENT, "read_only": READ_ONLY}
