"""PR108 sql-injection: SQL text built from non-constant values and then executed."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.scan.context import FileContext
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._flow import (
    Built,
    Scope,
    Scopes,
    Strings,
    call_line,
    enclosing_function,
    migration_functions,
)

# Methods that run the SQL text they are given; argument 0 or one of these keywords.
_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "exec_driver_sql",
        "execute_many",
        # asyncpg / databases / aiosqlite helpers
        "fetch",
        "fetchrow",
        "fetchval",
        "fetch_all",
        "fetch_one",
        "fetch_val",
        "iterate",
        # peewee, Tortoise ORM
        "execute_sql",
        "execute_query",
        "execute_query_dict",
        # Django Manager.raw, pandas
        "raw",
        "read_sql",
        "read_sql_query",
    }
)
# Of those, the ones that take nothing but SQL (the text need not look like a query).
_SQL_ONLY_METHODS = frozenset({"executescript", "exec_driver_sql", "read_sql", "read_sql_query"})
_DB_API = ("execute", "executemany", "executescript")
_QUERY_KEYWORDS = ("sql", "query", "statement", "operation", "raw_query", "stmt")
# Callables whose argument is SQL by definition (no need for it to look like SQL).
_SQL_FUNCTIONS = frozenset(
    {
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        "sqlmodel.text",
        "psycopg2.sql.SQL",
        "psycopg.sql.SQL",
        "django.db.models.RawSQL",
        "django.db.models.expressions.RawSQL",
    }
)
_SINK_NAMES = _METHODS | {"extra", "text", "SQL", "RawSQL"}
_EXTRA_ARGS = ("select", "where", "params", "tables", "order_by", "select_params")
_SQL_TEXT = re.compile(
    r"\bselect\b.*\bfrom\b|\binsert\s+(?:or\s+\w+\s+)?into\b|\bupdate\b.*\bset\b"
    r"|\bdelete\s+from\b|\b(?:create|drop|alter|truncate)\s+(?:temp\w*\s+)?"
    r"(?:table|index|view|schema|database|sequence|trigger|function|role|user)\b"
    r"|\breplace\s+into\b|\bpragma\b|\bwhere\b|\border\s+by\b|\bgroup\s+by\b"
    r"|\bvalues\s*\(|\bunion\s+(?:all\s+)?select\b|\bset\s+search_path\b|\bgrant\s+\w+\s+on\b",
    re.IGNORECASE | re.DOTALL,
)


@rule("PR108", "sql-injection", "sql-injection", severity="error", confidence="low")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds SQL text built with an f-string, `%` formatting, `.format()`, `+` or
        `str.join` from non-constant values and then executed: DB-API `execute`,
        `executemany`, `executescript`, SQLAlchemy `text()` and `exec_driver_sql`,
        asyncpg/databases `fetch*`, peewee `execute_sql`, pandas `read_sql`, psycopg
        `sql.SQL()`, Django `Manager.raw()`, `QuerySet.extra(where=/select=/tables=/
        order_by=)` and `RawSQL`; also request data passed as the SQL itself
        (`extra(order_by=[request.GET["sort"]])`). The SQL may be built in earlier
        statements of the same function (`query = f"..."`, `query += ...`, clauses appended
        to a list and joined) or in the function enclosing a nested one, returned by a
        function of the same file, or handed to a function of the same file that executes
        its argument. Not flagged: values passed as parameters (`execute(sql, params)`,
        `text()` with bind parameters, `raw(sql, [x])`, keywords named like the statement's
        placeholders: `execute_query("... $uuids", uuids=uuids)`) and, next to them, the
        text a helper returns for an enumeration member
        (`get_return_columns(GraphProvider.NEO4J)`); interpolated module-level, ALL_CAPS
        or class-body constants, members of an Enum or constant attributes of a class of the
        file (`_State.accepted`) and Enum values (`LinkType.event.value`), and loops over
        literals spelled out in the function or in a module-level literal (`for user, digest
        in [("admin", hash("x"))]`, `for value, name in NAME_FORMATS.items()`,
        `", ".join(RENAMES.keys())`, a comprehension over one such as the dict reversed),
        over a literal tuple held in a local (`tables = ("a", "b")`; `for table in tables`),
        a list filled only from such a loop, a class-body literal list
        (`for schema in self.schemas`), or a helper's parameter the call sets to one
        (`_sql_in(CASE_ACTIONS)`); the request object handed to a method named `execute` of
        a bulk action, command or task (`action.execute(request, objects, form)`);
        parameters that every call in the file (of a function not passed around or
        decorated) sets to a literal or to a loop variable over literals; integer primary
        keys (`values_list("id", flat=True)`); numbers (`int(x)`, `%d`, parameters typed
        `int`/`UUID`/`Literal`/an Enum, Flask `<int:id>` route parameters, `next()` of an
        `itertools.count()`, arithmetic that yields a number or raises such as
        `math.ceil(n / step) * step` or `top + int(buffer)`, the index of `enumerate()`
        (`:tag_{i}` naming a bind parameter), a helper's parameter typed `int` or an Enum
        whatever its caller passes (`interval(n, unit: Span)`), a capture of a regular
        expression that admits no quote (`m.group(1)` of `r"'([0-9]{4}-[0-9]{2})'"`),
        a setting read with a numeric
        default such as `context.get("query_timeout", _TIMEOUT)`); server-made values
        (`uuid4()`, `now()`, `http_date(...)`, an attribute every assignment of the file
        sets to a UUID: `self.ws_uuid = WorkspaceUUID.new(id)`); the application's
        configuration (`settings.X`, `current_app.config["HISTORY_LIMIT"]`); placeholder
        lists such as `", ".join(["%s"] * len(ids))`, also cut to length
        (`("(%s,%s)," * len(rows))[:-1]`); quoted or escaped values:
        `sql.Identifier`, `quote_name`, SQLAlchemy's `column(name)`, quotes doubled by
        `.replace("'", "''")` anywhere in a chain of replaces, and the project's own quoting
        helpers, named so, also when awaited or given more arguments (`identifier()`,
        `quote_ident()`, `literal_string()`, `escape_like()`,
        `await _quoted_identifier(conn, name)`; not `literal_column()`, which inserts its
        text verbatim); names checked against a fixed allow-list (`if col in ALLOWED`),
        looked up in a constant map or read from the database's own catalog by a constant
        query (`SELECT name FROM sqlite_master`, `information_schema`, `pg_indexes`,
        `conn.execute(text("... pg_class")).fetchall()`, also through a helper of the file
        that returns those rows, or what any runner returns when handed only a constant
        catalog query: `rows, err = self.run_query("SELECT tbl_name FROM sqlite_master")`)
        or through SQLAlchemy's inspector
        (`sa.inspect(bind).get_columns(t)`); names of the Django schema, which the models'
        code defines: `field.db_column`, `model._meta.db_table`, the `.name` or `.column`
        of a model field (a parameter typed as a Django `Field`, `self` in a `Field`
        subclass, `_meta.get_field()` or a loop over `_meta.get_fields()`; not any object's
        `.name`); in a schema migration
        (`upgrade()`/`downgrade()` of an Alembic revision, the functions a Django
        `Migration` runs, and what they call), values spliced outside quotes: the names of
        the schema being changed, which cannot be parameters (`ALTER TABLE {table} DROP
        CONSTRAINT {name}`, a column list `", ".join(columns)`, an index name a helper builds
        without quotes: `CREATE INDEX "{index_name}"`; `WHERE ref = '{row.ref}'` or a
        fragment holding one is still judged, and other code kept
        in the same file is not a migration); and SQL fragments that come with their own
        parameters (`sql, params = qs.query.sql_with_params()`, an unquoted `{where}`, the
        `{query.where}`/`{query.sort}` of a query object executed with its own `query.vars`,
        as alerta's `Query` is), and a statement the caller wrote, named like one, wrapped
        whole as a subquery where SQL goes (`f"SELECT * FROM ({sql}) AS sub LIMIT 0"`,
        also tidied first: `strip_trailing_semicolon(sql)`). `.format(**params)` with
        `params` a dict literal or `dict(...)` built in the function is judged by that
        dict's values.
    Why it matters:
        A value spliced into SQL text is parsed as SQL: a quote in a user name ends the
        string and the rest runs as code (`' OR 1=1 --` logs in as anyone,
        `'; DROP TABLE users; --` deletes data). Parameters are sent apart from the
        statement and can never change its structure.
    Example:
        `cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")`
    Fix:
        Pass values as parameters and keep the SQL text constant:
        `cursor.execute("SELECT * FROM users WHERE name = %s", (name,))` (`?` for
        sqlite3, `:name` with SQLAlchemy `text()` plus a dict, `raw(sql, [name])` in
        Django). Identifiers (columns, sort order) cannot be parameters: map the input
        through a fixed allow-list or quote them with `psycopg.sql.Identifier`.
    """
    sinks: list[tuple[ast.Call, tuple[str, list[ast.expr], bool]]] = []
    for c in ctx.calls:
        func = c.func
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if last in _SINK_NAMES and (sink := _sink(ctx, c)) is not None:
            sinks.append((c, sink))
    candidates = [c for c, _ in sinks]
    wrappers: dict[str, tuple[int, str]] = {}
    scopes = Scopes(ctx)
    strings: dict[int, Strings] = {}

    def strings_for(node: ast.AST) -> Strings:
        scope = scopes.of(node)
        found = strings.get(id(scope))
        if found is None:
            found = strings[id(scope)] = Strings(ctx, scope)
        return found

    # `session.execute(text(f"..."))` is reported on the execute call, where the statement is
    outer = {id(c.args[0]): c for c in candidates if c.args and isinstance(c.args[0], ast.Call)}
    reported: set[int] = set()
    for call, (label, queries, implied) in sinks:
        for query in queries:
            if isinstance(query, ast.Constant):
                continue
            flow = strings_for(call)
            built = flow.built(query)
            if (
                built is None
                and (implied or label.endswith(_DB_API))
                and flow.request_value(query)
                and not _not_a_statement(call, query)
            ):
                # the request supplies the SQL itself: `extra(order_by=[sort])`, `execute(q)`
                built = Built("", [flow.source(query)])
                implied = True
            if built is None:
                _note_wrapper(ctx, call, query, flow, wrappers)
                continue
            bound = (
                _has_parameters(call)
                or _has_parameters(outer.get(id(call)))
                or _binds_by_name(call, built.text)
            )
            fn = enclosing_function(ctx, call)
            carriers = _parameter_carriers(call, query)
            names = _migration_names(ctx, flow, query) if built.unsafe else set()
            if built.unsafe and all(
                _trusted_fragment(part, bound, fn)
                or _literal_name(ctx, part, fn)
                or _carried_fragment(part, carriers)
                or part in names
                or _schema_name(ctx, part, fn, flow.scope)
                for part in built.unsafe
            ):
                continue
            if built.unsafe and (implied or _SQL_TEXT.search(built.text)):
                reported.add(id(call))
                yield _hit(outer.get(id(call), call), label, query, built, flow)
                break
    if not wrappers:
        return
    for call in ctx.calls:
        if id(call) in reported:
            continue
        name = _local_callee(call)
        if name not in wrappers:
            continue
        index, param = wrappers[name]
        argument = _argument(call, index, param)
        if argument is None or isinstance(argument, ast.Constant):
            continue
        flow = strings_for(call)
        built = flow.built(argument)
        carriers = _parameter_carriers(call, argument)
        if built is None or all(_carried_fragment(p, carriers) for p in built.unsafe):
            continue
        if built.unsafe and _SQL_TEXT.search(built.text):
            yield _hit(call, f"{name}", argument, built, flow, via=True)


def _sink(ctx: FileContext, call: ast.Call) -> tuple[str, list[ast.expr], bool] | None:
    """(label, the arguments holding SQL text, is it SQL by definition) for a sink call."""
    func = call.func
    if isinstance(func, ast.Attribute):
        attr = func.attr
        if attr in _METHODS:
            query = _query_argument(call)
            if query is None:
                return None
            return (_label(ctx, func), [query], attr in _SQL_ONLY_METHODS)
        if attr == "extra":
            return (_label(ctx, func), _extra_sql(call), True)
    last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if last not in ("text", "SQL", "RawSQL"):
        return None
    name = ctx.call_name(call)
    if (
        name in _SQL_FUNCTIONS
        or name in ("db.text", "sa.text")  # Flask-SQLAlchemy and the usual alias
        or (name.endswith("RawSQL") and "." not in name)
    ):
        query = _query_argument(call)
        return (name, [query], True) if query is not None else None
    return None


_PARAMETER_KEYWORDS = frozenset({"params", "parameters", "args", "values", "vars", "multiparams"})
# Objects whose attributes are SQL dialect fragments (`db.timestamp_now`, `db.big_int`).
_DIALECT_OWNERS = frozenset({"db", "database", "dialect", "self.db", "self.database"})


def _has_parameters(call: ast.Call | None) -> bool:
    """Is the statement executed with bound values (`execute(sql, params)`)?"""
    if call is None:
        return False
    values = [kw.value for kw in call.keywords if kw.arg in _PARAMETER_KEYWORDS]
    last = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    if len(call.args) >= 2 and not last.startswith("read_sql"):
        values.append(call.args[1])  # pandas `read_sql(sql, con)`: the second is the engine
    return any(
        not (isinstance(v, ast.Constant) and v.value is None)
        and not (isinstance(v, ast.Tuple | ast.List | ast.Dict) and not _items(v))
        for v in values
    )


# A named placeholder: Cypher's and asyncpg-style `$uuids`, SQLAlchemy's `:name`,
# psycopg's `%(name)s`.
_NAMED_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)|(?<![:\w]):([A-Za-z_]\w*)|%\(([A-Za-z_]\w*)\)s")


def _binds_by_name(call: ast.Call, text: str) -> bool:
    """Is a value handed to the call as a keyword named like a placeholder of the statement
    (Graphiti's `execute_query(query, uuids=uuids)` for `WHERE n.uuid IN $uuids`, as the
    Neo4j driver binds them)?"""
    names = {a or b or c for a, b, c in _NAMED_PLACEHOLDER.findall(text)}
    return any(k.arg in names for k in call.keywords if k.arg)


def _items(node: ast.Tuple | ast.List | ast.Dict) -> list[ast.expr | None]:
    return list(node.keys) if isinstance(node, ast.Dict) else list(node.elts)


def _internal_name(name: str, fn: ast.AST | None, bound: bool) -> bool:
    """Is `name` checked against an attribute collection (`if table not in
    self.table_names: return`) or, with bound values, a loop over one (`for table in
    self.table_names`)? Such names come from the application's own schema."""
    if fn is None:
        return False
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Name)
            and node.left.id == name
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and isinstance(node.comparators[0], ast.Attribute)
        ):
            return True
        if (
            bound
            and isinstance(node, ast.For | ast.AsyncFor)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and isinstance(node.iter, ast.Attribute)
        ):
            return True
    return False


def _parameter_carriers(call: ast.Call, query: ast.expr) -> set[str]:
    """Objects whose own bound values the statement is executed with: `query` in
    `_fetchall(select, query.vars)` or `execute(sql, {**query.vars, "_tags": tags})`."""
    found: set[str] = set()
    others = [a for a in call.args if a is not query] + [k.value for k in call.keywords]
    for arg in others:
        for node in ast.walk(arg):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in _PARAMETER_KEYWORDS
                and isinstance(node.value, ast.Name)
            ):
                found.add(node.value.id)
    return found


def _carried_fragment(source: str, carriers: set[str]) -> bool:
    """Is an interpolated part a fragment of an object that carries its own parameters
    (alerta's `Query(where, vars, sort, group)`: `WHERE {query.where}` executed with
    `query.vars`)? Its values are bound; its text is built from `%(name)s` placeholders."""
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in carriers
        and node.attr not in _PARAMETER_KEYWORDS
    )


def _trusted_fragment(source: str, bound: bool, fn: ast.AST | None) -> bool:
    """Is an interpolated part an identifier or SQL fragment rather than a value? Values
    passed through quote escaping (`path.replace("'", "''")`) and dialect fragments of a
    database object (`db.timestamp_now`, `db.timestamp_placeholder("now")`) always are;
    when the values of the statement are bound as parameters, attributes of the object
    (`self.table_name`) interpolated next to them are identifiers too, and so are names
    checked against or looped over an attribute collection (`self.table_names`) and the
    text a helper returns for an enumeration member (`return_columns(Provider.NEO4J)`)."""
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replace"
        and [a.value for a in node.args if isinstance(a, ast.Constant)]
        in (["'", "''"], ['"', '""'])
    ):
        return True
    if bound and isinstance(node, ast.Call) and _chosen_by_members(node):
        return True
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute) and ast.unparse(target.value) in _DIALECT_OWNERS:
        args = node.args if isinstance(node, ast.Call) else []
        return all(isinstance(a, ast.Constant) for a in args)
    if isinstance(node, ast.Name):
        return _internal_name(node.id, fn, bound)
    if bound and isinstance(node, ast.Attribute):
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id in ("self", "cls")
    return False


def _chosen_by_members(call: ast.Call) -> bool:
    """`get_entity_node_return_query(GraphProvider.NEO4J)`: a helper given only members of
    an enumeration (`Class.MEMBER`) returns the text for that dialect or provider, fixed in
    the code, whoever calls. A literal argument is not enough: `request_arg("sort")` is
    the caller's input."""
    arguments = [*call.args, *(k.value for k in call.keywords)]
    return bool(arguments) and all(
        isinstance(a, ast.Attribute)
        and isinstance(a.value, ast.Name)
        and a.value.id[:1].isupper()
        and a.attr.isupper()
        for a in arguments
    )


_NON_DB_RECEIVERS = re.compile(
    r"(?:^|_)(?:action|command|task|job|step|handler|plugin|hook|workflow|pipeline|"
    r"strategy|use_case|interactor)$"
)


def _not_a_statement(call: ast.Call, query: ast.expr) -> bool:
    """`action.execute(request, objects, form)`: the request object itself handed to a
    method named `execute` of a bulk action, command or task, not SQL text."""
    if dotted_name(query) in {"request", "self.request"}:
        return True
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    owner = dotted_name(func.value).rsplit(".", 1)[-1].lower()
    return bool(owner) and bool(_NON_DB_RECEIVERS.search(owner))


def dotted_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _literal_name(ctx: FileContext, source: str, fn: ast.AST | None) -> bool:
    """Is an interpolated name one of the program's own literals? A loop over a literal
    tuple held in a local (`tables = ("replies", "seen_files")`; `for table in tables`),
    over a list filled only from such a loop (`needs_migration.append(table)`), or over a
    class-body literal list (`for schema in self.schemas`; `namespace = schema[0]`)."""
    if fn is None or not source.isidentifier():
        return False
    return _constant_name(ctx, source, fn, set())


def _constant_name(ctx: FileContext, name: str, fn: ast.AST, seen: set[str]) -> bool:
    if name in seen:
        return True  # a cycle (`for t in found: ...; found.append(t)`) adds nothing new
    if len(seen) > 6:
        return False
    seen = seen | {name}
    sources: list[ast.expr] = []
    for node in ast.walk(fn):
        if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                sources.append(ast.Subscript(value=node.iter, slice=ast.Constant(0)))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                if node.value is None:
                    return False
                sources.append(node.value)
            elif any(
                name in {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
                for t in targets
                if not isinstance(t, ast.Name)
            ):
                return False  # unpacked or an attribute/item of it set
    if not sources:
        return False
    return all(_constant_value(ctx, v, fn, seen) for v in sources)


def _constant_value(ctx: FileContext, value: ast.expr, fn: ast.AST, seen: set[str]) -> bool:
    """Does the expression hold only literals (an item of a literal collection)?"""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Tuple | ast.List | ast.Set):
        return all(_constant_value(ctx, e, fn, seen) for e in value.elts)
    if isinstance(value, ast.Subscript):  # an item or slice of a literal collection
        return _constant_value(ctx, value.value, fn, seen)
    if isinstance(value, ast.Name):
        if value.id in seen:
            return True
        if not _constant_name(ctx, value.id, fn, seen):
            return False
        return _appends_constants(ctx, value.id, fn, seen | {value.id})
    if (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id in {"self", "cls"}
    ):
        return _class_literal(ctx, fn, value.attr)
    return False


def _appends_constants(ctx: FileContext, name: str, fn: ast.AST, seen: set[str]) -> bool:
    """`needs_migration.append(table)`: only constants are added to the collection."""
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and node.func.attr in {"append", "add", "extend", "insert"}
            and not all(_constant_value(ctx, a, fn, seen) for a in node.args)
        ):
            return False
    return True


def _class_literal(ctx: FileContext, fn: ast.AST, attr: str) -> bool:
    """A literal collection assigned in the body of the class that defines `fn`, and never
    assigned elsewhere in the file (`self.schemas = ...`)."""
    for cls in ast.walk(ctx.tree):
        if not isinstance(cls, ast.ClassDef) or fn not in cls.body:
            continue
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets)
                and isinstance(stmt.value, ast.Tuple | ast.List)
                and all(_constant_value(ctx, e, fn, set()) for e in stmt.value.elts)
            ):
                return not any(
                    isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.ctx, ast.Store)
                    for n in ast.walk(ctx.tree)
                )
    return False


# Django schema metadata, whatever object holds it: `field.db_column`, `opts.db_table`.
_SCHEMA_ATTRS = frozenset({"db_column", "db_table", "attname"})
# Of a Django model field: its attribute name and its column (`Field.name`, `Field.column`).
_FIELD_ATTRS = frozenset({"name", "column", "attname", "db_column"})
_FIELD_MODULES = ("django.db.models.", "django.contrib.postgres.fields.", "django.contrib.gis.")
# `Model._meta` members that list the model's fields.
_META_FIELDS = frozenset(
    {
        "get_fields",
        "fields",
        "concrete_fields",
        "local_fields",
        "local_concrete_fields",
        "many_to_many",
        "private_fields",
    }
)


def _schema_name(ctx: FileContext, source: str, fn: ast.AST | None, scope: Scope) -> bool:
    """Is an interpolated part a name of the Django schema? `field.db_column`,
    `model._meta.db_table`, the `.name` or `.column` of a model field (a parameter typed
    as a Django `Field`, `self` in a `Field` subclass, what `_meta.get_field()` returns or
    a loop over `_meta.get_fields()` yields), or a local only ever set to one of those.
    The models' code defines these names (or builds them from ids); no request sets them."""
    if fn is None:
        return False
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.Name):
        return _schema_local(ctx, node.id, fn, scope)
    return _schema_value(ctx, node, fn, scope)


def _schema_local(ctx: FileContext, name: str, fn: ast.AST, scope: Scope) -> bool:
    """A local bound only by assignments, each of a schema name (`db_column =
    field.db_column`, `field_name = model_field.name`)."""
    if name in scope.params or name in scope.opaque or name in scope.loops:
        return False
    if name in scope.comprehended or name in scope.items or name in scope.stores:
        return False
    values = scope.values(name)
    return bool(values) and all(_schema_value(ctx, v, fn, scope) for v in values)


def _schema_value(ctx: FileContext, node: ast.expr, fn: ast.AST, scope: Scope) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if not isinstance(node, ast.Attribute):
        return False
    if node.attr in _SCHEMA_ATTRS or _meta_chain(node.value):
        return True
    return node.attr in _FIELD_ATTRS and _django_field(ctx, node.value, fn, scope)


def _meta_chain(node: ast.expr) -> bool:
    """`model._meta.pk`: an attribute chain through a model's `_meta` options."""
    while isinstance(node, ast.Attribute):
        if node.attr == "_meta":
            return True
        node = node.value
    return False


def _django_field(ctx: FileContext, owner: ast.expr, fn: ast.AST, scope: Scope) -> bool:
    """Is `owner` a Django model field (`django.db.models.Field` or a subclass)?"""
    if isinstance(owner, ast.Call):
        func = owner.func
        return isinstance(func, ast.Attribute) and func.attr == "get_field" and _meta_chain(func)
    if not isinstance(owner, ast.Name):
        return False
    name = owner.id
    if name == "self" and isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
        cls = ctx.parents.get(fn)
        return isinstance(cls, ast.ClassDef) and _field_class(ctx, cls, 0)
    param = scope.params.get(name)
    if param is not None:
        return param.annotation is not None and _field_annotation(ctx, param.annotation)
    if name in scope.opaque or name in scope.items or name in scope.stores:
        return False
    sources = [*scope.values(name), *scope.loops.get(name, [])]
    return bool(sources) and all(_meta_field_source(s) for s in sources)


def _meta_field_source(node: ast.expr) -> bool:
    """`Model._meta.get_field("x")`, or what a loop over `Model._meta.get_fields()` or
    `Model._meta.fields` yields."""
    if isinstance(node, ast.Call):
        func = node.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr in ("get_field", "get_fields")
            and _meta_chain(func.value)
        )
    return isinstance(node, ast.Attribute) and node.attr in _META_FIELDS and _meta_chain(node)


def _field_annotation(ctx: FileContext, annotation: ast.expr) -> bool:
    """`model_field: DjangoField` (`from django.db.models import Field as DjangoField`),
    also `Field | None` and `Optional[Field]`."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        kept = [s for s in sides if not (isinstance(s, ast.Constant) and s.value is None)]
        return len(kept) == 1 and _field_annotation(ctx, kept[0])
    if isinstance(annotation, ast.Subscript) and ctx.qualname(annotation.value).endswith(
        "Optional"
    ):
        return _field_annotation(ctx, annotation.slice)
    return _django_field_name(ctx.qualname(annotation))


def _django_field_name(qualified: str) -> bool:
    return qualified.startswith(_FIELD_MODULES) and qualified.endswith("Field")


def _field_class(ctx: FileContext, cls: ast.ClassDef, depth: int) -> bool:
    """A subclass of a Django model field (`class Serial(models.IntegerField)`), directly
    or through classes of the same file."""
    if depth > 4:
        return False
    for base in cls.bases:
        if _django_field_name(ctx.qualname(base)):
            return True
        if isinstance(base, ast.Name):
            local = [c for c in ctx.classes if c.name == base.id and c is not cls]
            if local and all(_field_class(ctx, c, depth + 1) for c in local):
                return True
    return False


def _migration_names(ctx: FileContext, flow: Strings, query: ast.expr) -> set[str]:
    """Parts that a schema migration's statement gets only from names it builds without a
    quote and splices outside quotes (`CREATE INDEX "{index_name}" ON "{table}"` with
    `index_name = "%s_%s_%s" % (table, columns, digest)` made by a helper): names of the
    schema it changes, like the names it splices directly. A value that reaches a quoted
    position, or a fragment that holds quotes (`cond = f"ref = '{row.ref}'"`), is still
    judged."""
    if id(flow.scope.node) not in migration_functions(ctx):
        return set()
    texts = flow.scope.values(query.id) if isinstance(query, ast.Name) else [query]
    excused: set[str] = set()
    needed: set[str] = set()
    for text in texts:
        if not isinstance(text, ast.JoinedStr):
            other = flow.built(text)
            needed.update(other.unsafe if other is not None else [])
            continue
        before = ""
        for part in text.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                before += part.value
                continue
            if not isinstance(part, ast.FormattedValue):
                continue
            inner = flow.built(part.value)
            if inner is not None:
                outside = before.count("'") % 2 == 0 and "'" not in inner.text
                (excused if outside else needed).update(inner.unsafe)
                if outside and isinstance(part.value, ast.Name):
                    excused.add(part.value.id)
            before += "\x00"
    return excused - needed


def _query_argument(call: ast.Call) -> ast.expr | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for kw in call.keywords:
        if kw.arg in _QUERY_KEYWORDS:
            return kw.value
    return None


def _extra_sql(call: ast.Call) -> list[ast.expr]:
    """The SQL fragments of `QuerySet.extra(select, where, params, tables, order_by)`."""
    given: dict[str, ast.expr] = {}
    for index, arg in enumerate(call.args[: len(_EXTRA_ARGS)]):
        given[_EXTRA_ARGS[index]] = arg
    for kw in call.keywords:
        if kw.arg:
            given[kw.arg] = kw.value
    fragments: list[ast.expr] = []
    for key in ("select", "where", "tables", "order_by"):
        value = given.get(key)
        if isinstance(value, ast.List | ast.Tuple):
            fragments.extend(e for e in value.elts if not isinstance(e, ast.Starred))
        elif isinstance(value, ast.Dict):
            fragments.extend(value.values)
        elif value is not None:
            fragments.append(value)
    return fragments


def _label(ctx: FileContext, func: ast.Attribute) -> str:
    """The method as written (`cursor.execute`, `Person.objects.raw`)."""
    text = ast.unparse(func)
    return text if len(text) <= 50 else "..." + text[-47:]


def _hit(
    call: ast.Call, label: str, query: ast.expr, built: Built, flow: Strings, *, via: bool = False
) -> Hit:
    parts = ", ".join(f"`{p}`" for p in built.unsafe[:4])
    if len(built.unsafe) > 4:
        parts += f" and {len(built.unsafe) - 4} more"
    held = f" (held in `{query.id}`)" if isinstance(query, ast.Name) else ""
    if via:
        what = f"`{label}()`, which executes its argument, gets SQL"
    elif label.rsplit(".", 1)[-1] in ("text", "SQL", "RawSQL", "extra"):
        what = f"`{label}()` gets SQL"
    else:
        what = f"`{label}()` runs SQL"
    return Hit(
        call_line(call),
        call.end_lineno or call.lineno,
        f"{what} built from the non-constant {parts}{held}; pass values as query "
        "parameters instead of formatting them into the SQL text",
    )


def _note_wrapper(
    ctx: FileContext,
    call: ast.Call,
    query: ast.expr,
    flow: Strings,
    wrappers: dict[str, tuple[int, str]],
) -> None:
    """`def query_db(sql, args=()): return db.execute(sql, args)` makes query_db a sink."""
    if not isinstance(query, ast.Name) or query.id not in flow.scope.params:
        return
    fn = enclosing_function(ctx, call)
    if fn is None or flow.scope.node is not fn or flow.scope.values(query.id):
        return
    params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    if query.id not in params:
        return
    index = params.index(query.id)
    if params and params[0] in ("self", "cls"):
        index -= 1
    wrappers[fn.name] = (index, query.id)


def _local_callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    ):
        return func.attr
    return ""


def _argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if 0 <= index < len(call.args) and not any(
        isinstance(a, ast.Starred) for a in call.args[: index + 1]
    ):
        return call.args[index]
    return None
