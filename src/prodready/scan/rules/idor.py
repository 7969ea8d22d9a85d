"""PR106 idor: objects loaded by a request-supplied id and used without an ownership check."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from prodready.scan.context import FileContext, FunctionNode
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._web import (
    DETAIL_READS,
    DETAIL_WRITES,
    NON_OBJECT_PERMISSIONS,
    Flow,
    Handler,
    ViewClass,
    WebFile,
    class_names,
    const_int,
    dotted,
    identity_endpoint,
    is_identity,
    last,
    passes_request_to_save,
    test_scaffolding,
    tokens,
    web_file,
)
from prodready.scan.rules._web.urlconf import url_guard_conditions, urlconf_facts

MODEL_FACT = "idor-model:"  # a model whose objects belong to a user (or are users)
READ_FACT = "idor-read-model:"  # ...and whose objects are private to read as well
CALLER_FACT = "idor-caller-identity"  # some module reads who the caller is
# How an application names the person calling it, in any module: a current-user object or
# helper, a login decorator or mixin, a user kept in the session, a JWT identity. Plain
# substring tests: every file is searched, and one regular expression of these alternatives
# took a quarter of a second over Django's source.
_CALLER_WORDS = (
    "current_user",
    "current_identity",
    "current_customer",
    "current_account",
    "current_member",
    "current_principal",
    "current_tenant",
    "get_current_",
    "g.user",
    "request.user",
    "request.state.user",
    "info.context.user",
    "get_jwt_identity",
    "authenticated_userid",
    "login_required",
    "LoginRequired",
    "IsAuthenticated",
    "login_user",
    "logged_in_user",
    "authenticated_user",
    "request_user",
    'session["user',
    "session['user",
    'session.get("user',
    "session.get('user",
    'session["account',
    'session.get("account',
)

_OWNER_FIELDS = frozenset(
    {
        "user",
        "owner",
        "author",
        "creator",
        "created_by",
        "uploaded_by",
        "uploader",
        "submitted_by",
        "customer",
        "account",
        "member",
        "patient",
        "buyer",
        "tenant",
        "organization",
        "organisation",
        "org",
        "workspace",
        "profile",
        "members",
        "participants",
        "collaborators",
        "shared_with",
    }
)
_USER_MODELS = frozenset({"User", "CustomUser", "AppUser", "Account", "Member", "UserProfile"})
_USER_BASES = frozenset(
    {"AbstractUser", "AbstractBaseUser", "UserMixin", "SQLAlchemyBaseUserTable", "BaseUser"}
)
_MODEL_BASES = re.compile(r"(Model|Base|Document|Entity|Table)$")
_FK = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField", "relationship"})
_USER_REFERENCE = re.compile(
    r"(^|\W)(auth\.)?(User|AUTH_USER_MODEL|users?\.id|accounts?\.id|get_user_model)\b"
)
# Counters anyone may bump on someone else's object: votes, likes, views.
_COUNTER = re.compile(
    r"count|votes?$|likes?$|views?$|clicks?$|hits$|downloads$|score$|rating$|helpful|"
    r"popularity|last_(seen|viewed|accessed)",
    re.I,
)
# Where role-restricted code lives: handlers here are for staff, not owners.
_STAFF_AREAS = frozenset({"admin", "backoffice", "staff", "internal", "ops", "moderation"})
# Django lookups that search text or ranges rather than name one object.
_SEARCH_LOOKUP = re.compile(
    r"__(i?contains|search|i?startswith|i?endswith|regex|iregex|gte?|lte?|range|year|month)$"
)
# Models that are private to read (their name says so) and those public by nature.
_PRIVATE_NOUNS = frozenset(
    {
        "order",
        "invoice",
        "payment",
        "transaction",
        "note",
        "message",
        "document",
        "file",
        "attachment",
        "address",
        "card",
        "cart",
        "ticket",
        "statement",
        "receipt",
        "bill",
        "subscription",
        "upload",
        "record",
        "prescription",
        "appointment",
        "booking",
        "reservation",
        "wallet",
        "credential",
        "secret",
        "apikey",
        "notification",
        "inbox",
        "conversation",
        "chat",
        "draft",
        "todo",
        "expense",
        "medical",
        "patient",
        "salary",
        "payroll",
        "bank",
        "loan",
        "report",
        "diary",
        "journal",
        "contract",
        "shipment",
        "refund",
        "payout",
        "transfer",
        "export",
        "backup",
    }
)
_PUBLIC_NOUNS = frozenset(
    {
        "post",
        "article",
        "comment",
        "product",
        "recipe",
        "question",
        "answer",
        "event",
        "course",
        "book",
        "listing",
        "category",
        "tag",
        "review",
        "photo",
        "video",
        "story",
        "blog",
        "page",
        "forum",
        "thread",
        "topic",
        "board",
        "movie",
        "song",
        "track",
        "album",
        "lesson",
        "poll",
        "announcement",
        "news",
        "job",
        "series",
        "author",
        "edition",
        "publisher",
        "genre",
        "chapter",
        "episode",
        "podcast",
        "artist",
    }
)
_LOOKUPS = frozenset(
    {
        "get",
        "get_or_404",
        "first_or_404",
        "one_or_404",
        "filter",
        "filter_by",
        "where",
        "get_or_none",
        "get_by_id",
        "get_object_or_404",
        "aget",
        "afirst",
        "find_one",
    }
)
_READ_METHODS = _LOOKUPS | {
    "first",
    "all",
    "count",
    "exists",
    "order_by",
    "limit",
    "offset",
    "join",
    "select",
    "values",
    "values_list",
    "exclude",
    "paginate",
    "one",
    "scalar",
    "to_dict",
    "get_absolute_url",
}
_GET_OBJECT = frozenset({"get_object_or_404", "aget_object_or_404"})
_SESSION_GETS = frozenset({"get", "get_or_404", "query", "aget", "get_one"})
_MODEL_GETS = frozenset({"get", "get_or_none", "get_by_id", "filter", "get_or_404"})
_WRITE_TERMINALS = frozenset({"delete", "update", "adelete", "aupdate"})
# Methods that change the object itself. Saving alone is not evidence (it follows social
# actions too: `article.favourite(user); article.save()`), nor are `add_*`/`notify` calls.
_CHANGE_METHODS = re.compile(
    r"(^|_)(a?delete|update|remove|cancel|archive|restore|approve|reject|publish|"
    r"unpublish|refund|close|reopen|transfer|assign|clear|destroy|set_password)(_|$)"
)
# Lookups by a secret the caller holds (a reset token, a session id): a capability, not an id.
_CAPABILITY_KEY = re.compile(r"token|secret|session|nonce|otp|signature|hash|code$|key$", re.I)
# Fields that hold a secret: a lookup that also matches one sent by the caller
# (`get(id=watch_id, secret=secret)`, from a link in an e-mail) finds the row only for
# whoever holds the secret, whatever the id.
_SECRET_KEY = re.compile(
    r"token|secret|nonce|otp|signature|passcode|access_?code|verification_?code|api_?key", re.I
)
# A user's public handle: a profile looked up by it is the person's public page.
_HANDLE_KEYS = frozenset({"username", "handle", "nickname", "screen_name", "user__username"})
_PERSON_WORDS = frozenset({"user", "profile", "member", "contributor", "account", "person"})
_CHANGE_CALLS = re.compile(r"delete|remove|save|update|populate_obj|merge|destroy|^add$", re.I)
_EXPOSE_CALLS = re.compile(
    r"render|jsonify|json_response|JsonResponse|Response|Serializer|dump|to_dict|send_file|"
    r"make_response|model_to_dict|asdict|from_orm|model_validate|serialize",
    re.I,
)
_NOT_EXPOSED = frozenset(
    {"redirect", "url_for", "reverse", "HttpResponseRedirect", "RedirectResponse", "reverse_lazy"}
)
_PERMISSION_CALL = re.compile(
    r"perm|authori[sz]|owner|owns|owned|can_|^can$|may_|allowed|access|policy|"
    r"check_object|ensure_|require_|assert_|is_member|has_role|visible_to|belongs|"
    r"(?:^|_)acl(?:_|$)|"  # Confidant's `acl_module_check(resource_id=id)`
    r"raise_(if_)?not_|(edit|delet|view|read|writ|manag|chang|modifi)able",
    re.I,
)
# Handlers whose action is social: the caller blocks, follows or reports someone else's
# object, which is the point, not a change of that object.
_SOCIAL_ACTIONS = frozenset(
    {
        "block",
        "unblock",
        "mute",
        "unmute",
        "follow",
        "unfollow",
        "report",
        "flag",
        "friend",
        "unfriend",
        "befriend",
        "ignore",
        "unignore",
        "favourite",
        "favorite",
        "unfavourite",
        "unfavorite",
        "bookmark",
        "unbookmark",
        "star",
        "unstar",
        "like",
        "unlike",
        "vote",
        "upvote",
        "downvote",
        "react",
        "boost",
        "endorse",
    }
)
_EDIT_WORDS = frozenset(
    {"edit", "update", "change", "modify", "delete", "remove", "rename", "set", "patch"}
)
# Paging arguments of a lookup: they pick a page of results, not an object.
_PAGING = frozenset({"page", "per_page", "page_size", "page_number"})
_PAGINATE = frozenset({"paginate", "get_page", "page", "paginate_by"})
# Methods of an object that read or convert it (`user.to_outbox(**request.GET)`).
_READ_PREFIX = re.compile(r"^(to_|as_|get_|serialize|render|format|find_|list_|count_|is_|has_)")
# Models looked up by a slug that is a capability (a share link's random slug).
_SHARE_WORDS = frozenset({"share", "shared", "sharelink", "invite", "invitation"})
_CHECK_ATTR = re.compile(
    r"user|owner|author|creator|created_by|account|member|tenant|org|public|private|shared|"
    r"visib|token|secret|access|permission|team|group|customer|patient",
    re.I,
)
_DENY = frozenset(
    {
        "abort",
        "PermissionDenied",
        "HttpResponseForbidden",
        "Http404",
        "HTTPException",
        "Forbidden",
        "NotFound",
        "HTTPForbidden",
        "HTTPNotFound",
        "raise_404",
    }
)
_AUTHN_ATTRS = frozenset({"is_authenticated", "is_anonymous", "is_active", "id", "pk"})


@dataclass
class _Load:
    call: ast.Call
    model: str
    id_text: str
    terminal: str
    var: str | None
    names: set[str] = field(default_factory=set)  # the variable and names derived from it
    key: str = ""  # the field the id is matched on (`username` in `get(username=name)`)


@rule("PR106", "idor", "idor", severity="error", confidence="low")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds route handlers that load a database object by an id taken from the URL or
        the request (`Model.query.get`/`get_or_404`, `db.session.get(Model, id)`,
        `db.query(Model).filter(Model.id == id)`, `select(Model).where(...)`,
        `Model.objects.get(pk=...)`, `get_object_or_404(Model, ...)`, peewee/Tortoise
        `Model.get(id=...)`, also through a query kept in a variable) and then change it
        (assign its fields, delete it, bind it to a form or serializer with data, pass it
        request data) or return it, with no sign of an ownership or permission check: the
        query is not scoped by the current user, nothing compares the object or the id
        with the current user, no permission or ACL function is called (Confidant's
        `acl_module_check(resource_type="service", resource_id=id)`; also a method of a
        permission layer built on the spot, `CoreHandler().check_permissions(request.user,
        ..., workspace=workspace)` before listing the workspace's members), and the route
        is not restricted to a role (admin/staff decorators, object-level DRF permissions,
        `UserPassesTestMixin`, admin modules mounted behind a guard). Django
        `DetailView`/`UpdateView`/`DeleteView` and DRF detail views whose queryset is not
        scoped by the user are flagged too. Only models that belong to a user are
        considered (a foreign key or field naming a user, owner, author, customer,
        tenant...; found in any scanned file), and user models themselves for changes.
        Reads are flagged for models private by nature (orders, invoices, notes,
        messages, documents...) and, behind a login, for models not public by nature
        (posts, products, comments, series are meant to be read by others). Not flagged:
        lookups by a secret the caller holds (a reset or share token, a signed id, a share
        link's slug), also beside the id (`get(id=watch_id, secret=secret)` from an e-mailed
        link), reading a person (a user, a profile, a member) by their public handle
        (`get_object_or_404(Profile, username=username)`: their profile page; changing
        them is still flagged), ids read from a row looked up among the caller's
        (`project = get_object_or_404(Project.objects.visible_for(request.user), ...)`,
        then `Translation.objects.filter(id__in=project.locales.values_list(...))`), bumping
        a counter or a social action on someone else's object
        (votes, likes, favourites, blocking, following, reporting), saving a new child
        under it (`form.save(user, topic)`), a page number, a model's own check
        (`raise_not_deletable(request.user)`) or a form's `save(request)` on the loaded
        instance, permission objects in a view's decorators (`allows.requires(CanEdit)`),
        project permission decorators (`@can_access_domain`, `@team_members_only`) on the
        view or wrapped around it in a Django URLconf (`path("x", can_edit(views.edit))`,
        `decorated_patterns([can_edit_map], *map_urls)`; a login decorator there is not
        enough),
        lookups filtered by an object a loader returned for the current user
        (`doc = get_visible_document_or_404(request.user, slug=slug)`,
        `Revision.objects.filter(document=doc)`) or by the caller's tenant
        (`space=request.space`, `request.tenant`, `request.organization`,
        `request.current_organization`, `org=request.profile.org`) or by the caller as a
        project helper or middleware gives it for the request (`account =
        get_account(request)`, `get_current_user(request)`, `request.account`,
        `request.profile`, `request.member`, Shuup's `request.customer`; then
        `account=account`, `owner=request.customer` or
        `obj.account != account`), ids taken from
        a form given the current user (`form = TagMergeForm(user=request.user, ...)`,
        whose fields choose among that user's objects), querysets filtered through a
        helper named for the user or for access that is handed the request
        (`Routine.objects.filter(request_user_or_trainer_q(request=self.request))`),
        login/signup/password-reset/reactivation handlers, and applications in which no
        module reads who the caller is (no current user, login decorator or mixin, user in
        the session, JWT identity): a service-to-service API whose callers are other
        services holding a bearer token has no person to compare an owner with.
    Why it matters:
        Insecure direct object reference (OWASP API1, broken object-level authorization)
        is the most common serious flaw in APIs: a logged-in user changes `/orders/41` to
        `/orders/42` and reads or cancels somebody else's order. Authentication alone
        does not prevent it.
    Example:
        `note = Note.query.get_or_404(note_id)` followed by `db.session.delete(note)` in a
        route that only has `@login_required`.
    Fix:
        Scope the lookup by the current user, e.g.
        `Note.query.filter_by(id=note_id, user_id=current_user.id).first_or_404()` or
        `get_object_or_404(Order, pk=pk, owner=request.user)`; in DRF override
        `get_queryset()` to filter by `self.request.user` or add an object-level
        permission class; or compare the owner and return 403/404 before using the object.
    """
    _model_facts(ctx)
    urlconf_facts(ctx)
    if not test_scaffolding(ctx.path) and any(w in ctx.source for w in _CALLER_WORDS):
        ctx.facts.add(CALLER_FACT)
    web = web_file(ctx)
    if not web.web:
        return
    for view in web.views:
        hit = _generic_view(ctx, web, view)
        if hit is not None:
            yield hit
    # An admin module whose routes show no authentication of their own is protected where
    # it is mounted (an admin router or blueprint): its handlers act for staff.
    staff_file = bool(tokens(ctx.path) & _STAFF_AREAS) and not any(
        web.authenticated(h) for h in web.handlers
    )
    for h in web.handlers:
        fn = h.function
        if fn is None or h.authz or staff_file or tokens(h.path) & _STAFF_AREAS:
            continue
        if identity_endpoint(web, h):
            continue  # login, signup, password reset: the lookup is how identity is found
        yield from _handler(ctx, web, h, fn)


# -- models ----------------------------------------------------------------------------------
def _model_facts(ctx: FileContext) -> None:
    """Models whose rows belong to a user, and user models themselves (Django's own `User`
    is imported rather than defined). A test project's models are not the app's."""
    if test_scaffolding(ctx.path):
        return
    for local, qualified in ctx.aliases.items():
        if qualified == "django.contrib.auth.models.User":
            ctx.facts.add(MODEL_FACT + local)
    for cls in ctx.classes:
        bases = [last(ctx.qualname(b)) for b in cls.bases]
        table = any(kw.arg == "table" for kw in cls.keywords)  # SQLModel(table=True)
        model_base = any(_MODEL_BASES.search(b) for b in bases if b)
        if not table and not model_base and not set(bases) & _USER_BASES:
            continue
        if cls.name.endswith(("Schema", "Serializer", "Form", "In", "Out", "Create", "Update")):
            continue
        if _owned(ctx, cls):
            ctx.facts.add(MODEL_FACT + cls.name)
            ctx.facts.add(READ_FACT + cls.name)
        elif cls.name in _USER_MODELS or set(bases) & _USER_BASES:
            ctx.facts.add(MODEL_FACT + cls.name)


def _owned(ctx: FileContext, cls: ast.ClassDef) -> bool:
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
            value: ast.expr | None = stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        else:
            continue
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            field = target.id.lower()
            if field in _OWNER_FIELDS or field.removesuffix("_id") in _OWNER_FIELDS:
                return True
        if value is not None and isinstance(value, ast.Call):
            text = ast.unparse(value)
            if last(ctx.call_name(value)) in _FK | {"Column", "mapped_column", "Field"} and (
                _USER_REFERENCE.search(text)
            ):
                return True
    return False


# -- handlers ----------------------------------------------------------------------------------
def _handler(ctx: FileContext, web: WebFile, h: Handler, fn: FunctionNode) -> Iterator[Hit]:
    body = web.body(fn)
    flow = web.flow(fn, h, validated=False)
    identity = _identity_names(body, h)
    inner: set[int] = set()
    assigned: dict[int, str] = {}
    for node in body:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if isinstance(node.func.value, ast.Call):
                inner.add(id(node.func.value))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                for sub in ast.walk(node.value):
                    if isinstance(sub, ast.Call):
                        assigned.setdefault(id(sub), target.id)
    scope = identity | _scoped_names(body, identity)
    queries = _query_names(ctx, body, scope)
    loads: list[_Load] = []
    for node in body:
        if not isinstance(node, ast.Call) or id(node) in inner:
            continue
        load = _load(ctx, node, flow, scope, queries)
        if load is not None:
            load.var = assigned.get(id(node))
            loads.append(load)
    # `Document.query.filter_by(folder_id=folder.id)` after loading `folder`: one finding
    loaded = {ld.var for ld in loads if ld.var}
    loads = [ld for ld in loads if ld.id_text.split(".")[0] not in loaded]
    for ld in loads:
        ld.names = _aliases(body, ld.var, identity)
    if not loads or _authorised(body, identity, {ld.var for ld in loads if ld.var}):
        return
    if passes_request_to_save(body):
        return  # form.save(request) on the loaded instance: the project's save checks
    authenticated = bool(web.authenticated(h))
    social = _social_action(h)
    for ld in loads:
        change = _changed(body, ld, flow)
        if change == "changed" and social and not social & tokens(ld.model):
            change = ""  # blocking a user, reporting a post: acting on it is the point
        if change:
            condition = MODEL_FACT + ld.model
            verb = change
        elif _profile_page(ld):
            continue
        elif _exposed(body, ld) and _private_read(ld.model, authenticated):
            condition = READ_FACT + ld.model
            verb = "returned"
        else:
            continue
        if h.framework in ("django", "drf"):  # unless a URLconf wraps it in a permission
            view = h.cls.name if h.cls is not None else h.name
            condition += url_guard_conditions(ctx.path, view, permission=True)
        condition += f"&{CALLER_FACT}"
        yield Hit(
            ld.call.lineno,
            ld.call.end_lineno or ld.call.lineno,
            f"{ld.model} loaded by `{ld.id_text}` from the request is {verb} in `{h.name}` "
            "without checking that it belongs to the caller (no owner filter, owner "
            "comparison or permission check)",
            condition,
        )


def _social_action(h: Handler) -> set[str]:
    """The social verbs of a handler's name (`Block.post`, `report_post`, `follow_user`),
    unless it also says it edits (`update_report`)."""
    names = [h.name, h.path]
    if h.cls is not None:
        names.append(h.cls.name)
    words = tokens(*names)
    return set() if words & _EDIT_WORDS else words & _SOCIAL_ACTIONS


def _aliases(body: list[ast.AST], var: str | None, identity: set[str]) -> set[str]:
    """`query = Note.query.filter_by(...)`, then `notes = query.all()`: both hold the load."""
    names = {var} if var else set()
    changed = bool(names)
    while changed:
        changed = False
        for node in body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                value = node.value.value if isinstance(node.value, ast.Await) else node.value
                if (
                    isinstance(target, ast.Name)
                    and target.id not in names
                    and (_root(value) in names or _executes(value, names))
                    and not _refers(value, identity)  # article.comments.filter_by(author=me)
                ):
                    names.add(target.id)
                    changed = True
    return names


def _executes(value: ast.expr, names: set[str]) -> bool:
    """`(await session.scalars(stmt)).all()`, `session.exec(stmt).first()`."""
    for node in ast.walk(value):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"execute", "scalars", "scalar", "exec"}
            and any(_root(a) in names for a in node.args)
        ):
            return True
    return False


def _identity_names(body: list[ast.AST], h: Handler) -> set[str]:
    names = set(h.identity_params)
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if isinstance(target, ast.Name) and (
                is_identity(value) or _caller_helper(value) or _refers(value, names, direct=True)
            ):
                names.add(target.id)
    return names


_CALLER_HELPER = re.compile(r"^_?get_(?:current_|request_|logged_in_)?(?:user|account|member)$")
_REQUEST = {"request", "self.request", "req"}
# What middleware sets on the request for its caller: their account, their profile or
# membership in the current organisation (`org=request.profile.org` scopes by the tenant),
# the shop's customer they act for (Shuup's `owner=request.customer`).
_CALLER_ATTRS = frozenset(
    f"{r}.{prefix}{attr}"
    for r in _REQUEST
    for prefix in ("", "current_")
    for attr in ("account", "profile", "member", "membership", "customer")
)


def _caller_helper(value: ast.expr) -> bool:
    """`account = get_account(request)`, `get_current_user(request)`, `request.account`:
    a project helper (or middleware attribute) giving the user or account of the request
    itself, not one picked by an id."""
    if isinstance(value, ast.Attribute):
        return dotted(value) in _CALLER_ATTRS
    if not isinstance(value, ast.Call) or value.keywords or len(value.args) != 1:
        return False
    name = last(dotted(value.func))
    return bool(_CALLER_HELPER.match(name or "")) and dotted(value.args[0]) in _REQUEST


def _scoped_names(body: list[ast.AST], identity: set[str]) -> set[str]:
    """Objects a loader or a lookup returned for the current user (and what is read from
    them: `project.locales.values_list("id")`), and a form given the current user
    (`TagMergeForm(user=request.user, data=request.POST)`, whose fields look choices up
    among that user's objects) with what is taken from it (`form.cleaned_data["tags"]`,
    `[t.id for t in tags]`): a lookup filtered by one of them is scoped by the user. They
    are not the user (comparing one is no ownership check)."""
    scoped: set[str] = set()
    assigns = [
        (node.targets[0].id, node.value)
        for node in body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ]
    forms: set[str] = set()
    for name, value in assigns:
        if _user_scoped_loader(value, identity | scoped) or _user_scoped_lookup(
            value, identity | scoped
        ):
            scoped.add(name)
        elif _root(value) in scoped and isinstance(value, ast.Attribute | ast.Call):
            scoped.add(name)  # project.locales.values_list("id"): the row's own links
        elif _user_bound_form(value, identity):
            forms.add(name)
    derived = set(forms)
    for _ in range(3):  # what is computed from the form, in a few steps
        for name, value in assigns:
            if name not in derived and _refers(value, derived, direct=True):
                derived.add(name)
    return scoped | derived


def _user_bound_form(value: ast.expr, identity: set[str]) -> bool:
    if not isinstance(value, ast.Call) or not last(dotted(value.func)).endswith("Form"):
        return False
    args = [*value.args, *(k.value for k in value.keywords)]
    return any(is_identity(a) or (isinstance(a, ast.Name) and a.id in identity) for a in args)


_LOADER = re.compile(r"^(?:a?get|load|fetch|find)_\w+|\w+_or_404$")


def _user_scoped_loader(value: ast.expr, names: set[str]) -> bool:
    """`get_visible_document_or_404(request.user, slug=slug)`: a loader that is handed the
    current user returns only what that user may see, so the object is scoped by it."""
    if not isinstance(value, ast.Call):
        return False
    if not _LOADER.match(last(dotted(value.func)) or ""):
        return False
    args = [*value.args, *(k.value for k in value.keywords)]
    return any(is_identity(a) or (isinstance(a, ast.Name) and a.id in names) for a in args)


def _user_scoped_lookup(value: ast.expr, names: set[str]) -> bool:
    """`get_object_or_404(Project.objects.visible_for(request.user), slug=slug)`,
    `Order.objects.get(pk=pk, owner=request.user)`: a row looked up among the caller's
    (or what the caller may see). Ids read from it (`project.locales.values_list("id")`)
    come from the database, chosen by the row, not by the request."""
    if isinstance(value, ast.Await):
        value = value.value
    node: ast.expr = value
    lookup = False
    while isinstance(node, ast.Call):
        short = last(dotted(node.func))
        lookup = lookup or short in _LOOKUPS or short in {"first", "one", "scalar_one"}
        node = node.func.value if isinstance(node.func, ast.Attribute) else node.func
    return lookup and _refers(value, names)


def _refers(node: ast.AST, names: set[str], *, direct: bool = False) -> bool:
    """Does the expression use one of `names` (or, unless direct, the current user)?"""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
        if (
            not direct
            and isinstance(sub, ast.Attribute | ast.Call | ast.Subscript | ast.Name)
            and (is_identity(sub) or _caller_helper(sub))
        ):
            return True
    return False


def _query_names(ctx: FileContext, body: list[ast.AST], identity: set[str]) -> dict[str, str]:
    """Local names bound to a model query: `drafts = db.query(Order).filter(...)`,
    `qs = Order.objects.filter(...)` -> Order ("" when the query is scoped by the user)."""
    found: dict[str, str] = {}
    for node in body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name) or not isinstance(node.value, ast.Call | ast.Attribute):
            continue
        model = _query_model(ctx, node.value)
        if model:
            found[target.id] = "" if _refers(node.value, identity) else model
    return found


def _query_model(ctx: FileContext, node: ast.expr) -> str:
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        inner = node.func.value
        if not isinstance(inner, ast.Call):
            owner = dotted(inner)
            if owner.endswith((".objects", ".query")):
                return owner.split(".")[-2]
            if node.func.attr == "query" and node.args:
                return last(dotted(node.args[0]))
            return ""
        node = inner
    owner = dotted(node)
    return owner.split(".")[-2] if owner.endswith((".objects", ".query")) else ""


def _load(
    ctx: FileContext,
    call: ast.Call,
    flow: Flow,
    identity: set[str],
    queries: dict[str, str],
) -> _Load | None:
    """A lookup of a model by a request-derived id, not scoped by the current user."""
    chain = [call]
    inner = call
    while isinstance(inner.func, ast.Attribute) and isinstance(inner.func.value, ast.Call):
        inner = inner.func.value
        chain.append(inner)
    methods = {c.func.attr for c in chain if isinstance(c.func, ast.Attribute)}
    fname = last(ctx.call_name(inner))
    first = inner.args[0] if inner.args else None
    everything = [*inner.args, *(k.value for k in inner.keywords)]
    model = ""
    root: ast.expr | None = None
    scan: list[ast.expr] = []
    if fname in _GET_OBJECT and first is not None:
        model, root, scan = _model_name(first), first, everything[1:]
    elif fname == "select" and isinstance(first, ast.Name | ast.Attribute):
        model = last(dotted(first))
    elif isinstance(inner.func, ast.Attribute):
        owner, attr = inner.func.value, inner.func.attr
        owner_name = dotted(owner)
        if owner_name.endswith((".objects", ".query", "._default_manager")):
            model, root, scan = owner_name.split(".")[-2], owner, everything
        elif attr in _SESSION_GETS and isinstance(first, ast.Name | ast.Attribute):
            model, scan = last(dotted(first)), everything[1:]  # db.session.get(Note, id)
        elif isinstance(owner, ast.Name) and owner.id in queries:
            model, scan = queries[owner.id], everything  # drafts.filter(Order.id == id)
            if not model:
                return None  # the query was scoped by the current user
        elif isinstance(owner, ast.Name) and attr in _MODEL_GETS:
            model, scan = owner.id, everything  # peewee / Tortoise: Note.get(id=...)
    if not model or not model[0].isupper():
        return None
    if not (methods & _LOOKUPS or fname in _GET_OBJECT or fname == "select"):
        return None
    for c in chain[:-1]:
        scan.extend(c.args)
        scan.extend(k.value for k in c.keywords)
    if root is not None and _refers(root, identity):
        return None  # current_user.notes.filter_by(...), request.user.orders
    if any(_refers(a, identity) for a in scan):
        return None  # filter_by(id=..., user_id=current_user.id)
    if _held_secret(chain, flow, call.lineno):
        return None  # get(id=watch_id, secret=secret): only the secret's holder finds it
    scan = [a for a in scan if _names_object(a, chain, inner, model)]
    for a in scan:
        for operand in _operands(a):
            if flow.tainted(operand, call.lineno):
                name = flow.first_tainted_name(operand, call.lineno)
                terminal = call.func.attr if isinstance(call.func, ast.Attribute) else fname
                return _Load(call, model, name, terminal, None, key=_key_of(a, chain))
    return None


def _held_secret(chain: list[ast.Call], flow: Flow, line: int) -> bool:
    """Does the lookup also match a secret the request presents (`secret=secret`,
    `Share.token == token`)? Then the id alone finds nothing: the row is found only by
    whoever was given the secret (a link in an e-mail), which is the access check."""
    for call in chain:
        for kw in call.keywords:
            if kw.arg and _SECRET_KEY.search(kw.arg) and flow.tainted(kw.value, line):
                return True
        for arg in call.args:
            for node in ast.walk(arg):
                if (
                    isinstance(node, ast.Compare)
                    and isinstance(node.left, ast.Attribute)
                    and _SECRET_KEY.search(node.left.attr)
                    and any(flow.tainted(c, line) for c in node.comparators)
                ):
                    return True
    return False


def _key_of(arg: ast.expr, chain: list[ast.Call]) -> str:
    """The field a lookup argument matches: `username` for `username=name` or
    `User.username == name`."""
    for call in chain:
        for kw in call.keywords:
            if kw.value is arg:
                return kw.arg or ""
    if isinstance(arg, ast.Compare) and isinstance(arg.left, ast.Attribute):
        return arg.left.attr
    return ""


def _profile_page(ld: _Load) -> bool:
    """A person (a user, a profile, a member) looked up by their public handle
    (`get_object_or_404(UserProfile, username=username)`): the handle is public and showing
    that person's profile is what the page is for. Which fields it shows is a question of
    data exposure, not of ownership; changing that person is still flagged."""
    return ld.key in _HANDLE_KEYS and (
        ld.model in _USER_MODELS or _last_word(ld.model) in _PERSON_WORDS
    )


def _last_word(name: str) -> str:
    """`profile` for `UserProfile`: the noun a model's name ends with."""
    parts = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return parts[-1].lower() if parts else ""


def _names_object(arg: ast.expr, chain: list[ast.Call], inner: ast.Call, model: str) -> bool:
    """Does this lookup argument pick an object (an id, a pk, `Model.id == x`), rather than
    search text (`Model.title.ilike(q)`, `title__icontains=q`), pick a page, or present a
    capability (a token; the slug of a share link)?"""
    for call in chain:
        for kw in call.keywords:
            if kw.value is arg:
                name = kw.arg or ""
                if _CAPABILITY_KEY.search(name):
                    return False
                if name == "slug" and tokens(model) & _SHARE_WORDS:
                    return False  # ShareLink.objects.filter(slug=slug): a random secret
                method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
                if name in {"limit", "offset"} or (name in _PAGING and method in _PAGINATE):
                    return False
                return not _SEARCH_LOOKUP.search(name)
    if (  # Share.token == token
        isinstance(arg, ast.Compare)
        and isinstance(arg.left, ast.Attribute)
        and _CAPABILITY_KEY.search(arg.left.attr)
    ):
        return False
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute):
        root = arg.func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id[:1].isupper():
            return arg.func.attr in {"in_", "is_", "__eq__"}  # Model.id.in_(ids)
    for call in chain:
        paging = isinstance(call.func, ast.Attribute) and call.func.attr in {"limit", "offset"}
        if paging and arg in call.args:
            return False
    return True


def _model_name(node: ast.expr) -> str:
    """`Order`, `models.Order`, `Order.objects.filter(...)` -> Order."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    name = dotted(node)
    if name.endswith(".objects"):
        name = name.rsplit(".", 1)[0]
    return last(name)


def _operands(node: ast.expr) -> Iterator[ast.expr]:
    """The values a filter argument compares: `Note.id == note_id` -> note_id."""
    if isinstance(node, ast.Compare):
        yield node.left
        yield from node.comparators
    elif isinstance(node, ast.BoolOp):
        for v in node.values:
            yield from _operands(v)
    elif isinstance(node, ast.Call) and last(dotted(node.func)) in {"and_", "or_"}:
        for a in node.args:
            yield from _operands(a)
    elif isinstance(node, ast.Dict):
        yield from (v for v in node.values if v is not None)
    else:
        yield node


def _authorised(body: list[ast.AST], identity: set[str], loaded: set[str]) -> bool:
    """Any sign of an ownership or permission check in the handler."""
    for node in body:
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value is None for o in operands):
                continue
            if any(_refers(o, identity) for o in operands):
                return True
        elif isinstance(node, ast.If | ast.IfExp | ast.Assert | ast.While):
            if _role_test(node.test, identity):
                return True
            if isinstance(node, ast.If) and _owner_test(node, loaded):
                return True
        elif isinstance(node, ast.Call):
            short = _called_name(node)
            if short and _PERMISSION_CALL.search(short):
                return True
    return False


def _called_name(call: ast.Call) -> str:
    """The name of the function or method called, also a method of an object built in
    the same expression (`check_permissions` in `CoreHandler().check_permissions(...)`,
    `PermissionService(db).authorize(...)`): a project's permission layer is often a
    handler or service instantiated on the spot."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        return func.attr
    return last(dotted(func))


def _role_test(test: ast.expr, identity: set[str]) -> bool:
    """`if not current_user.is_admin`, `if can_edit(current_user, note)`; not a mere
    `if not current_user.is_authenticated`."""
    for sub in ast.walk(test):
        if isinstance(sub, ast.Attribute) and sub.attr not in _AUTHN_ATTRS:
            owner = sub.value
            if is_identity(owner) or (isinstance(owner, ast.Name) and owner.id in identity):
                return True
        if isinstance(sub, ast.Call) and any(_refers(a, identity) for a in sub.args):
            return True
    return False


def _owner_test(node: ast.If, loaded: set[str]) -> bool:
    """`if not doc.is_public and doc.share_token != token: abort(404)`."""
    checks = any(
        isinstance(sub, ast.Attribute)
        and isinstance(sub.value, ast.Name)
        and sub.value.id in loaded
        and _CHECK_ATTR.search(sub.attr)
        for sub in ast.walk(node.test)
    )
    if not checks:
        return False
    for stmt in node.body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Raise):
                return True
            if isinstance(sub, ast.Call) and last(dotted(sub.func)) in _DENY:
                return True
            if isinstance(sub, ast.Name) and sub.id in _DENY:
                return True
            if isinstance(sub, ast.Return) and sub.value is not None:
                codes = {const_int(n) for n in ast.walk(sub.value) if isinstance(n, ast.expr)}
                if codes & {401, 403, 404}:
                    return True
    return False


def _changed(body: list[ast.AST], ld: _Load, flow: Flow) -> str:
    """How the handler changes the loaded object ("" if it does not). Bumping a counter
    (votes, likes, views) is something anyone may do to anyone's object."""
    if ld.terminal in _WRITE_TERMINALS:
        keywords = ld.call.keywords
        counters = all(kw.arg and _COUNTER.search(kw.arg) for kw in keywords)
        if ld.terminal.endswith("update") and keywords and counters:
            return ""
        return "deleted" if "delete" in ld.terminal else "updated"
    names = ld.names
    if not names:
        return ""
    for node in body:
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and _COUNTER.search(t.attr):
                    continue
                if isinstance(t, ast.Attribute | ast.Subscript) and _root(t) in names:
                    return "changed"
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _root(func.value) in names:
                if _CHANGE_METHODS.search(func.attr):
                    return "deleted" if "delete" in func.attr else "changed"
                # user.from_dict(payload), item.sqlmodel_update(body.model_dump())
                passed_data = [*node.args, *(k.value for k in node.keywords)]
                reads = func.attr in _READ_METHODS or _READ_PREFIX.match(func.attr)
                if not reads and any(flow.tainted(a, node.lineno) for a in passed_data):
                    return "changed"
            short = last(dotted(func))
            passed = [*node.args, *(k.value for k in node.keywords)]
            if any(_root(a) in names for a in passed) and short and _CHANGE_CALLS.search(short):
                if _child_of(node, names):
                    continue  # form.save(user, forum): a new topic in the forum
                return "deleted" if "delete" in short.lower() else "changed"
            if short.endswith(("Form", "Serializer")) and any(_bound_form(node, n) for n in names):
                return "changed"
            if short == "setattr" and node.args and _root(node.args[0]) in names:
                return "changed"
    return ""


def _child_of(call: ast.Call, names: set[str]) -> bool:
    """`form.save(current_user, topic)`: a form or serializer that is not bound to the
    object saves something new, with the object as its parent."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr != "save":
        return False
    receiver = last(dotted(func.value)).lower()
    if "form" not in receiver and "serializer" not in receiver:
        return False
    return not any(k.arg == "instance" and _root(k.value) in names for k in call.keywords)


def _bound_form(call: ast.Call, var: str) -> bool:
    """`NoteForm(request.POST, instance=note)`, `OrderSerializer(order, data=request.data)`."""

    def is_var(n: ast.expr) -> bool:
        return isinstance(n, ast.Name) and n.id == var

    data = any(k.arg == "data" for k in call.keywords)
    if any(k.arg == "instance" and is_var(k.value) for k in call.keywords):
        return data or bool(call.args)
    return bool(call.args) and is_var(call.args[0]) and (data or len(call.args) > 1)


def _root(node: ast.expr) -> str:
    """`note` for `note.tags[0]`, `result.scalar_one()`."""
    while True:
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            break
    return node.id if isinstance(node, ast.Name) else ""


def _exposed(body: list[ast.AST], ld: _Load) -> bool:
    """Does the object (or its fields) go into the response?"""
    target = ld.names
    for node in body:
        if isinstance(node, ast.Return) and node.value is not None:
            if _contains(node.value, ld.call, target):
                return True
        elif isinstance(node, ast.Call):
            short = last(dotted(node.func))
            if short in _NOT_EXPOSED or not _EXPOSE_CALLS.search(short or ""):
                continue
            if any(_contains(a, ld.call, target) for a in [*node.args]) or any(
                _contains(k.value, ld.call, target) for k in node.keywords
            ):
                return True
        elif isinstance(node, ast.Dict) and any(
            v is not None and _contains(v, ld.call, target) for v in node.values
        ):
            return True
    return False


def _contains(expr: ast.expr, call: ast.Call, names: set[str]) -> bool:
    """The load (or its variable) inside `expr`, outside redirects and URL building."""
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if node is call:
            return True
        if isinstance(node, ast.Name) and node.id in names:
            return True
        if isinstance(node, ast.Call) and last(dotted(node.func)) in _NOT_EXPOSED:
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _private_read(model: str, authenticated: bool) -> bool:
    words = tokens(model)
    if words & _PRIVATE_NOUNS:
        return True
    if words & _PUBLIC_NOUNS:
        return False
    return authenticated


# -- generic class-based views --------------------------------------------------------------------
def _generic_view(ctx: FileContext, web: WebFile, view: ViewClass) -> Hit | None:
    """Django DetailView/UpdateView/DeleteView and DRF detail views whose queryset is not
    scoped by the current user and that have no object-level permission."""
    detail = view.bases & (DETAIL_READS | DETAIL_WRITES)
    if not detail or view.authz or view.unknown_bases:
        return None
    for name in ("get_object", "test_func", "check_object_permissions", "has_permission"):
        if name in view.methods:
            return None
    getter = view.methods.get("get_queryset")
    if getter is not None and (_refers(getter, set()) or _scoping_helper(web, getter)):
        return None
    for method in view.methods.values():
        for node in web.body(method):
            if isinstance(node, ast.Call) and _PERMISSION_CALL.search(_called_name(node)):
                return None
    source = view.attrs.get("queryset") or view.attrs.get("model")
    if source is None and getter is not None:
        for node in web.body(getter):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                source = node
                break
    if source is None or _refers(source, set()):
        return None
    model = _model_name(source)
    if not model or not model[0].isupper():
        return None
    perms = view.attrs.get("permission_classes")
    if perms is not None:
        names = class_names(perms)
        if names is None or not set(names) <= NON_OBJECT_PERMISSIONS:
            return None
    allowed = {m.upper() for m in _http_methods(view)}
    writes = bool(view.bases & DETAIL_WRITES) and (
        not allowed or bool(allowed & {"POST", "PUT", "PATCH", "DELETE"})
    )
    cls = view.node
    authenticated = bool(view.auth) or view.framework == "drf"
    if writes:
        condition, verb = MODEL_FACT + model, "changed or deleted"
    elif view.bases & DETAIL_READS and _private_read(model, authenticated):
        condition, verb = READ_FACT + model, "returned"
    else:
        return None
    if view.framework in ("django", "drf"):  # unless a URLconf wraps it in a permission
        condition += url_guard_conditions(ctx.path, cls.name, permission=True)
    condition += f"&{CALLER_FACT}"
    return Hit(
        cls.lineno,
        cls.lineno,
        f"`{cls.name}` serves any {model} by the id in the URL: its queryset is not "
        f"filtered by the current user, so another user's {model} can be {verb}",
        condition,
    )


_SCOPING_HELPER = re.compile(r"user|owner|tenant|scope|visible|permitted|allowed|accessible|member")


def _scoping_helper(web: WebFile, getter: FunctionNode) -> bool:
    """`Routine.objects.filter(request_user_or_trainer_q(request=self.request))`: a helper
    named for the user or for access that is handed the request builds the user filter."""
    for node in web.body(getter):
        if not isinstance(node, ast.Call):
            continue
        passed = [*node.args, *(k.value for k in node.keywords)]
        if any(dotted(a) in ("self.request", "request") for a in passed) and _SCOPING_HELPER.search(
            last(dotted(node.func)).lower()
        ):
            return True
    return False


def _http_methods(view: ViewClass) -> list[str]:
    value = view.attrs.get("http_method_names")
    if isinstance(value, ast.List | ast.Tuple):
        return [
            e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return []
