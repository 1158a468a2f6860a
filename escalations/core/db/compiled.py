"""Reads of a fixed shape, and inserts of new rows, whose SQL is compiled once per connection.

Django turns a QuerySet into SQL every time it runs. For the few reads every API delivery
makes (the ticket under lock, its SLA clocks, its pending deadlines, the configuration token)
that compilation costs more CPU than the database spends answering. A `CompiledRead` builds
its QuerySet once per database connection with marker values in place of its arguments, keeps
the SQL and where each marker landed among the parameters, and afterwards only puts the
arguments in and runs the SQL through the connection's own cursor (so transactions, query
logging and execute wrappers apply as usual). Rows come back through the compiler's own
converters and model population: the results are what the QuerySet itself gives.

Only arguments that Django passes as query parameters can be markers (values compared in
WHERE); anything else belongs in the QuerySet as a constant. Building checks that each marker
appears exactly once among the parameters, and refuses the QuerySet otherwise.

`insert_one` and `insert_many` write new rows with an INSERT compiled once per connection,
model and number of rows, with each field's own preparation of its value, and give each object
its new id: what `save()` (for models without save signals) and `bulk_create` do.

All of this leans on parts of Django that are not its public API: the iterable classes and
`get_related_populators` of django.db.models.query; the QuerySet's `_iterable_class`,
`_fields`, `_prefetch_related_lookups` and `_known_related_objects`; the query's
`extra_select`, `values_select`, `annotation_select` and `select_for_update`, and its SQL
compiler (`as_sql`, `select`, `klass_info`, `col_count`, `has_extra_select`,
`annotation_col_map`, `has_composite_fields`, `get_converters`, `apply_converters`); the
model's `_meta.concrete_fields` and `auto_field`, `_state` and
`_prepare_related_fields_for_save`; and `transaction.mark_for_rollback_on_error`. It was
checked on the Django releases in `VALIDATED_DJANGO` (first and last, as (major, minor)): a
test fails when the installed Django is outside them, and system check handoff.W004 warns of
it while the setting below is on.

The setting `HANDOFF_COMPILED_SQL` (environment variable of the same name; on by default),
read on every call, turns all of it off: a `CompiledRead` then runs the QuerySet its function
builds with the real arguments, `insert_one` saves with `save(force_insert=True)` and
`insert_many` with `bulk_create`, through the ORM alone. The results are the same (the same
rows, the same objects, each new one with its id); only the CPU per call is higher. A read
whose shape cannot be compiled, refused with ImproperlyConfigured while the setting is on, runs
all the same while it is off. Turn it off to run on a Django release not yet checked; CI runs
the test suite both ways.
"""

import threading
from collections.abc import Callable

import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import signals
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError

# Arguments are ids: markers are integers no table will hold.
_MARKER = -7_340_216_099_301_117
_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1

# The Django releases (major, minor), first and last, this module was checked on.
VALIDATED_DJANGO = ((5, 2), (5, 2))


def compiled_sql_enabled() -> bool:
    """The HANDOFF_COMPILED_SQL setting, as it is now (tests change it)."""
    return getattr(settings, "HANDOFF_COMPILED_SQL", True)


def django_validated(version: tuple | None = None) -> bool:
    """Whether a Django version (the installed one by default) is one this module was checked
    on."""
    first, last = VALIDATED_DJANGO
    return first <= tuple((version or django.VERSION)[:2]) <= last


class _PerThread(threading.local):
    """Plans by (alias, connection), per thread: connections belong to threads, and the plans
    (whose compilers refer to their connection) go with the thread."""

    def __init__(self):
        self.plans = {}


class _Plan:
    def __init__(self, queryset, using: str, arity: int):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ImproperlyConfigured("A compiled read cannot prefetch.")
        self.kind = queryset._iterable_class
        if self.kind not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ImproperlyConfigured("A compiled read gives models or values_list rows.")
        query = queryset.query
        if self.kind is not ModelIterable and queryset._fields:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            wanted = [*queryset._fields]
            wanted += [name for name in query.annotation_select if name not in wanted]
            if wanted != names:  # Django would reorder the columns of each row
                raise ImproperlyConfigured("Name the columns of a compiled read in query order.")
        self.compiler = query.get_compiler(using=using)
        sql, params = self.compiler.as_sql()
        self.sql, self.params = sql, list(params)
        self.slots = []
        for n in range(arity):
            marker = _MARKER - n
            found = [i for i, p in enumerate(self.params) if type(p) is int and p == marker]
            if len(found) != 1:
                raise ImproperlyConfigured(f"Argument {n} is not one query parameter.")
            self.slots.append(found[0])
        features = self.compiler.connection.features
        self.locks = queryset.query.select_for_update and features.has_select_for_update
        selected = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        if self.compiler.has_composite_fields(selected):
            raise ImproperlyConfigured("A compiled read cannot select composite fields.")
        self.converters = self.compiler.get_converters(selected)
        # Columns the compiler adds after the selected ones (ordering on a DISTINCT query).
        self.trim = self.compiler.col_count if self.compiler.has_extra_select else None
        if self.kind is ModelIterable:
            select, klass_info = self.compiler.select, self.compiler.klass_info
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.model = klass_info["model"]
            self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, select, using)
            self.annotations = self.compiler.annotation_col_map


class CompiledRead:
    """`build(*markers)` gives the QuerySet; calling the read with the arguments (ids) gives
    a list of what iterating that QuerySet with those arguments would give (with
    HANDOFF_COMPILED_SQL off, by iterating `build(*arguments)`)."""

    def __init__(self, build: Callable, arity: int = 1):
        self._build = build
        self._arity = arity
        self._local = _PerThread()

    def __call__(self, *args, using: str = DEFAULT_DB_ALIAS) -> list:
        if len(args) != self._arity:
            raise TypeError(f"This read takes {self._arity} argument(s).")
        if any(not _ID_MIN <= value <= _ID_MAX for value in args):
            return []  # no row has an id out of range (Django's own lookups say the same)
        if not compiled_sql_enabled():
            return list(self._build(*args).using(using))
        connection = connections[using]
        plan = self._local.plans.get((using, connection))
        if plan is None:
            markers = [_MARKER - n for n in range(self._arity)]
            plan = _Plan(self._build(*markers), using, self._arity)
            self._local.plans[(using, connection)] = plan
        if plan.locks and connection.get_autocommit():
            raise TransactionManagementError("A locking read needs a transaction.")
        params = list(plan.params)
        for slot, value in zip(plan.slots, args, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.trim is not None:
            rows = [row[: plan.trim] for row in rows]
        values = plan.compiler.apply_converters(rows, plan.converters) if plan.converters else rows
        if plan.kind is FlatValuesListIterable:
            return [row[0] for row in values]
        if plan.kind is ValuesListIterable:
            return [tuple(row) for row in values]
        return [_model(plan, row, using) for row in values]


def _model(plan: _Plan, row, using: str):
    obj = plan.model.from_db(using, plan.init_list, row[plan.start : plan.end])
    for populator in plan.populators:
        populator.populate(row, obj)
    for name, position in (plan.annotations or {}).items():
        setattr(obj, name, row[position])
    return obj


class _InsertPlan:
    def __init__(self, model, connection, rows: int):
        q = connection.ops.quote_name
        meta = model._meta
        self.fields = [
            f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field
        ]
        self.pk = meta.pk
        columns = ", ".join(q(f.column) for f in self.fields)
        row = f"({', '.join(['%s'] * len(self.fields))})"
        self.sql = (
            f"INSERT INTO {q(meta.db_table)} ({columns}) "
            f"VALUES {', '.join([row] * rows)} RETURNING {q(self.pk.column)}"
        )


_inserts = _PerThread()
MAX_ROWS = 50  # larger batches go through bulk_create


def insert_one(obj, using: str = DEFAULT_DB_ALIAS):
    """Save a new row as `obj.save()` would, with the INSERT compiled once per connection and
    model. Models with save signals, and objects that already have an id, take the ORM's own
    way; with HANDOFF_COMPILED_SQL off, every object does (`save(force_insert=True)`)."""
    model = type(obj)
    if (
        obj.pk is not None
        or not connections[using].features.can_return_columns_from_insert
        or signals.pre_save.has_listeners(model)
        or signals.post_save.has_listeners(model)
    ):
        obj.save(using=using)
        return obj
    if not compiled_sql_enabled():
        obj.save(using=using, force_insert=True)
        return obj
    obj._prepare_related_fields_for_save(operation_name="save")
    return _insert(model, [obj], using)[0]


def insert_many(objs: list, using: str = DEFAULT_DB_ALIAS) -> list:
    """Insert new rows of one model as `bulk_create` does (no save signals), with the INSERT
    for that many rows compiled once per connection; each object gets its id. With
    HANDOFF_COMPILED_SQL off, `bulk_create` itself inserts them."""
    if not objs:
        return objs
    model = type(objs[0])
    if (
        not compiled_sql_enabled()
        or len(objs) > MAX_ROWS
        or not connections[using].features.can_return_rows_from_bulk_insert
        or any(type(obj) is not model or obj.pk is not None for obj in objs)
    ):
        return model._default_manager.using(using).bulk_create(objs)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    return _insert(model, objs, using)


def _insert(model, objs: list, using: str) -> list:
    connection = connections[using]
    if model._meta.auto_field is None:
        model._default_manager.using(using).bulk_create(objs)
        return objs
    key = (connection, model, len(objs))
    plan = _inserts.plans.get(key)
    if plan is None:
        plan = _inserts.plans[key] = _InsertPlan(model, connection, len(objs))
    params = [
        f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in plan.fields
    ]
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        # One statement takes its ids from the sequence in the order of its rows.
        new_ids = sorted(row[0] for row in cursor.fetchall())
    for obj, new_id in zip(objs, new_ids, strict=True):
        for converter in plan.pk.get_db_converters(connection):
            new_id = converter(new_id, plan.pk, connection)
        setattr(obj, plan.pk.attname, new_id)
        obj._state.adding = False
        obj._state.db = using
    return objs
