"""Reads and inserts compiled once per connection give what the ORM itself gives; with
HANDOFF_COMPILED_SQL off they are the ORM's own, and give the same."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from escalations.core.actors import Actor
from escalations.core.db.compiled import CompiledRead, insert_many, insert_one
from escalations.core.events import event_build
from escalations.core.models import EventType, TicketEvent
from escalations.tickets.models import Customer, Message, Ticket
from tests.helpers.factories import CustomerFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["compiled", "orm"])
def either_way(request, settings):
    """The test runs with HANDOFF_COMPILED_SQL on and again with it off."""
    settings.HANDOFF_COMPILED_SQL = request.param


@pytest.fixture
def compiled(settings):
    """Refusing a read is done while compiling it: the ORM's own way runs any QuerySet, so
    these tests pin the setting on (also in CI's run with HANDOFF_COMPILED_SQL=0)."""
    settings.HANDOFF_COMPILED_SQL = True


both_ways = pytest.mark.usefixtures("either_way")
compiled_only = pytest.mark.usefixtures("compiled")

with_customer = CompiledRead(lambda pk: Ticket.objects.select_related("customer").filter(pk=pk))
messages_of = CompiledRead(
    lambda ticket_id: (
        Message.objects.filter(ticket=ticket_id)
        .order_by("-created_at", "-id")
        .values_list("id", "is_internal", "created_at")
    )
)


@both_ways
def test_a_compiled_read_gives_the_same_objects_as_the_queryset(ticket):
    ticket.custom_fields = {"order": "NW-1", "amount": 12.5}
    ticket.save(update_fields=["custom_fields"])
    (compiled,) = with_customer(ticket.pk)
    plain = Ticket.objects.select_related("customer").get(pk=ticket.pk)
    for field in Ticket._meta.concrete_fields:
        assert getattr(compiled, field.attname) == getattr(plain, field.attname), field.name
    assert compiled.custom_fields == {"order": "NW-1", "amount": 12.5}
    assert compiled.created_at.tzinfo is not None
    assert compiled._state.adding is False and compiled._state.db == "default"
    with CaptureQueriesContext(connection) as reads:
        assert compiled.customer.email == plain.customer.email  # joined, not read again
    assert len(reads) == 0


@both_ways
def test_a_compiled_read_converts_values_as_the_queryset_does(ticket, actor):
    from escalations.tickets.services.messages import message_add

    message_add(ticket=ticket, author_kind="agent", body="Note", actor=actor, is_internal=True)
    expected = list(
        Message.objects.filter(ticket=ticket.pk)
        .order_by("-created_at", "-id")
        .values_list("id", "is_internal", "created_at")
    )
    assert messages_of(ticket.pk) == expected
    assert expected[0][1] is True  # a boolean, also on SQLite


@both_ways
def test_a_compiled_read_takes_new_arguments_each_time(l1_team, actor):
    first = make_ticket(team=l1_team, actor=actor, subject="One")
    second = make_ticket(team=l1_team, actor=actor, subject="Two")
    assert [t.subject for t in with_customer(first.pk)] == ["One"]
    assert [t.subject for t in with_customer(second.pk)] == ["Two"]
    assert with_customer(10**9) == []


@both_ways
def test_an_id_no_column_can_hold_finds_nothing_instead_of_failing(ticket):
    assert with_customer(2**70) == []
    assert with_customer(-(2**70)) == []


@compiled_only
def test_a_read_whose_argument_is_not_a_query_parameter_is_refused():
    # F() expressions are compiled into the SQL: the marker never becomes a parameter.
    not_a_parameter = CompiledRead(lambda pk: Ticket.objects.filter(pk=F("id")))
    with pytest.raises(ImproperlyConfigured):
        not_a_parameter(1)
    twice = CompiledRead(lambda pk: Ticket.objects.filter(pk=pk).filter(team=pk))
    with pytest.raises(ImproperlyConfigured):
        twice(1)


@both_ways
@pytest.mark.django_db(transaction=True)
def test_a_locking_read_needs_a_transaction_where_the_database_locks(l1_team):
    ticket = make_ticket(team=l1_team)
    locked = CompiledRead(lambda pk: Ticket.objects.select_for_update().filter(pk=pk))
    with transaction.atomic():
        assert [t.pk for t in locked(ticket.pk)] == [ticket.pk]
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            locked(ticket.pk)
    else:  # SQLite locks the whole database on write; Django ignores the clause there too
        assert [t.pk for t in locked(ticket.pk)] == [ticket.pk]


@both_ways
def test_a_compiled_insert_stores_the_row_the_orm_would(ticket):
    built = event_build(
        ticket=ticket,
        event_type=EventType.NOTE_ADDED,
        actor=Actor.system("test"),
        to_value="x" * 300,
        data={"message": 7},
    )
    insert_one(built)
    assert built.pk is not None and built._state.adding is False
    stored = TicketEvent.objects.get(pk=built.pk)
    assert (stored.ticket_id, stored.event_type, stored.data) == (
        ticket.pk,
        EventType.NOTE_ADDED,
        {"message": 7},
    )
    assert stored.to_value == "x" * 250 and stored.created_at == built.created_at
    assert stored.stay_seconds is None


@both_ways
def test_a_model_with_save_signals_is_saved_by_the_orm():
    # Customers keep a history through post_save: the compiled insert must not skip it.
    customer = CustomerFactory.build()
    insert_one(customer)
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert customer.history.count() == 1


@both_ways
def test_many_rows_inserted_at_once_each_get_their_own_id(ticket):
    actor = Actor.system("test")
    built = [
        event_build(ticket=ticket, event_type=EventType.FIELD_CHANGED, actor=actor, to_value=str(n))
        for n in range(5)
    ]
    insert_many(built)
    assert [e.pk for e in built] == sorted(e.pk for e in built)
    stored = dict(
        TicketEvent.objects.filter(pk__in=[e.pk for e in built]).values_list("pk", "to_value")
    )
    assert stored == {e.pk: e.to_value for e in built}
    again = [event_build(ticket=ticket, event_type=EventType.FIELD_CHANGED, actor=actor)]
    assert insert_many(again)[0].pk > built[-1].pk
    assert insert_many([]) == []


@compiled_only
def test_a_read_whose_columns_django_would_reorder_is_refused():
    from django.db.models import Count

    reordered = CompiledRead(
        lambda team_id: (
            Ticket.objects.filter(team=team_id).annotate(n=Count("id")).values_list("n", "subject")
        )
    )
    with pytest.raises(ImproperlyConfigured):
        reordered(1)


@both_ways
def test_a_read_gives_only_the_selected_columns_when_ordering_adds_some(ticket, actor):
    from escalations.tickets.services.messages import message_add

    message_add(ticket=ticket, author_kind="agent", body="Hi", actor=actor)
    kinds = CompiledRead(
        lambda ticket_id: (
            Message.objects.filter(ticket=ticket_id)
            .distinct()
            .order_by("created_at")
            .values_list("author_kind")
        )
    )
    expected = list(
        Message.objects.filter(ticket=ticket.pk)
        .distinct()
        .order_by("created_at")
        .values_list("author_kind")
    )
    assert kinds(ticket.pk) == expected == [("customer",), ("agent",)]


@both_ways
@pytest.mark.django_db(transaction=True)
def test_a_thread_that_ends_leaves_no_connection_behind():
    import gc
    import threading
    import weakref

    from django.db import connections

    refs = []

    def work():
        refs.append(weakref.ref(connections["default"]))
        with_customer(10**9)
        insert_many([])
        connections["default"].close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    assert len(refs) == 3 and all(ref() is None for ref in refs)


@both_ways
def test_an_insert_takes_a_related_row_saved_after_it_was_assigned(ticket):
    from django.contrib.auth.models import User

    user = User(username="late")
    event = event_build(
        ticket=ticket, event_type=EventType.NOTE_ADDED, actor=Actor(kind="user", user=user)
    )
    with pytest.raises(ValueError):
        insert_one(event)  # an unsaved login, as the ORM refuses it
    user.save()
    insert_one(event)
    assert TicketEvent.objects.get(pk=event.pk).actor_user_id == user.pk
