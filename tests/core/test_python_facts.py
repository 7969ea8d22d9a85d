from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.repo.python_facts import analyse_source


def facts(src: str, rel: str = "pkg/mod.py", *, is_test: bool = False):  # type: ignore[no-untyped-def]
    return analyse_source(rel, textwrap.dedent(src).lstrip("\n").encode(), is_test=is_test)


def test_imports_resolve_relative_and_mark_import_time() -> None:
    f = facts(
        """
        import os
        from . import sibling
        from .sub import thing
        from ..top import x
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from pkg.types import T
        def lazy():
            import pkg.late
        try:
            import ujson
        except ImportError:
            ujson = None
        """,
        rel="src/pkg/inner/mod.py",
    )
    got = [(i.module, i.names, i.line, i.toplevel, i.level) for i in f.imports]
    assert got == [
        ("os", (), 1, True, 0),
        ("", ("sibling",), 2, True, 1),  # relative: resolved by the index, see below
        ("sub", ("thing",), 3, True, 1),
        ("top", ("x",), 4, True, 2),
        ("typing", ("TYPE_CHECKING",), 5, True, 0),
        ("pkg.types", ("T",), 7, False, 0),
        ("pkg.late", (), 9, False, 0),
        ("ujson", (), 11, True, 0),
    ]


def test_relative_imports_resolve_against_the_module_name_not_the_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from prodready.repo.files import walk_repository
    from prodready.repo.python_index import index_python
    from tests.conftest import write_tree

    # like netbox: the repository's netbox/ folder is not a package, netbox/core/ is
    write_tree(
        tmp_path,
        {
            "netbox/core/__init__.py": "from . import models\n",
            "netbox/core/models/__init__.py": "from .change import Change\nfrom ..util import u\n",
            "netbox/core/models/change.py": "x = 1\n",
            "netbox/core/util.py": "u = 1\n",
        },
    )
    index = index_python(walk_repository(tmp_path), jobs=1)
    got = {rel: [(i.module, i.names) for i in f.imports] for rel, f in index.facts.items()}
    assert got["netbox/core/__init__.py"] == [("core", ("models",))]
    assert got["netbox/core/models/__init__.py"] == [
        ("core.models.change", ("Change",)),
        ("core.util", ("u",)),
    ]


def test_function_sizes_include_decorators_and_nesting() -> None:
    f = facts(
        """
        class A:
            @property
            def b(self):
                return 1

        def outer():
            def inner():
                pass
            return inner
        """
    )
    assert [(fn.name, fn.line, fn.lines) for fn in f.functions] == [
        ("A.b", 3, 3),
        ("outer", 6, 4),
        ("outer.inner", 7, 2),
    ]


def test_assertion_free_tests_are_named() -> None:
    f = facts(
        """
        import pytest

        def check_total(x):
            assert x == 3

        def test_plain_assert():
            assert 1 + 1 == 2

        def test_raises():
            with pytest.raises(ValueError):
                int("x")

        def test_uses_helper():
            check_total(3)

        def test_nothing():
            compute()

        class TestThing:
            def test_method_nothing(self):
                self.client.get("/")

            def test_method_mock(self):
                m.assert_called_once_with(1)

            def test_delegates_to_another_test(self):
                self.test_method_mock()

            def test_inherited(self):
                super().test_inherited()

            def test_disabled_override(self):
                pass

            def test_speed(self, benchmark):
                benchmark(compute)

        @given(st.text())
        def test_never_raises(text):
            parse(text)

        class Helper:
            def test_not_a_test_class(self):
                pass
        """,
        rel="tests/test_x.py",
        is_test=True,
    )
    assert [(t.name, t.line, t.asserts) for t in f.tests] == [
        ("test_plain_assert", 6, True),
        ("test_raises", 9, True),
        ("test_uses_helper", 13, True),
        ("test_nothing", 16, False),
        ("TestThing.test_method_nothing", 20, False),
        ("TestThing.test_method_mock", 23, True),
        ("TestThing.test_delegates_to_another_test", 26, True),
        ("TestThing.test_inherited", 29, True),
        ("test_never_raises", 39, True),
    ]


def test_signals_for_debug_logging_metrics_routes_and_migrations() -> None:
    f = facts(
        """
        import logging
        from flask import Flask
        from prometheus_client import Counter
        logging.basicConfig(level="INFO")
        app = Flask(__name__)
        app.config["DEBUG"] = True
        REQUESTS = Counter("requests_total", "requests")

        @app.route("/healthz")
        def health():
            return "ok"

        @app.post("/orders")
        def create():
            return "ok"

        if __name__ == "__main__":
            app.run(debug=True)
        """
    )
    got = [(s.kind, s.line) for s in f.signals]
    assert ("logging-config", 4) in got
    assert ("web-app", 5) in got
    assert ("debug-true", 6) in got
    assert ("metric-created", 7) in got
    assert ("route", 9) in got and ("health-route", 9) in got
    assert ("route", 13) in got and ("health-route", 13) not in got
    assert ("debug-true", 18) in got


def test_debug_from_environment_is_not_a_signal() -> None:
    f = facts(
        """
        import os
        DEBUG = os.environ.get("DEBUG") == "1"
        app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
        """,
        rel="proj/settings.py",
    )
    assert [s.kind for s in f.signals if "debug" in s.kind] == []


def test_migrations() -> None:
    alembic = facts(
        '''
        def upgrade():
            op.add_column("t", sa.Column("x", sa.Integer()))

        def downgrade():
            """Nothing to undo."""
            pass
        ''',
        rel="alembic/versions/0001_x.py",
    )
    assert [(s.kind, s.line) for s in alembic.signals] == [("alembic-empty-downgrade", 4)]
    django = facts(
        """
        from django.db import migrations
        class Migration(migrations.Migration):
            operations = [
                migrations.RunPython(forwards),
                migrations.RunPython(forwards, migrations.RunPython.noop),
                migrations.RunPython(forwards, reverse_code=backwards),
                migrations.RunSQL("UPDATE t SET x = 1"),
                migrations.RunSQL("UPDATE t SET x = 1", reverse_sql="UPDATE t SET x = 0"),
            ]
        """,
        rel="shop/migrations/0002_backfill.py",
    )
    assert [(s.kind, s.line) for s in django.signals] == [
        ("runpython-no-reverse", 4),
        ("runsql-no-reverse", 7),
    ]


def test_bad_input_becomes_an_error_not_an_exception() -> None:
    assert (
        analyse_source("a.py", b"\x00\x01binary", is_test=False).error
        == "binary file with a .py name"
    )
    assert analyse_source("a.py", b"x = '\xff'\n", is_test=False).error == "not UTF-8 (byte 5)"
    assert analyse_source("a.py", b"def f(:\n", is_test=False).error.startswith(
        "syntax error at line 1: invalid syntax (parsed as"
    )  # type: ignore[union-attr]
    deep = ("(" * 200_000).encode()
    assert analyse_source("a.py", deep, is_test=False).error is not None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    analyse_source("fuzz.py", data, is_test=False)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("def class import from ( ) : = \n\t.x1@'\"#if else try")),
        max_size=200,
    )
)
def test_arbitrary_pythonish_text_never_raises(text: str) -> None:
    analyse_source("fuzz.py", text.encode(), is_test=True)
