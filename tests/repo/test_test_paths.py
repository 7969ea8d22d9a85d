"""`is_test_path`: the file-naming conventions of pytest, unittest and Django's runner."""

from __future__ import annotations

import pytest

from prodready.repo.files import is_production_path, is_test_path


@pytest.mark.parametrize(
    "rel",
    [
        "modoboa/core/api/v2/tests.py",  # the module `manage.py startapp` creates
        "app/tests_views.py",  # Django's runner discovers `test*.py`
        "tests.py",
        "pkg/tests/factories.py",  # factory_boy support inside a tests package
        "pkg/testing/factories.py",
        "test_project/test_project/settings.py",  # the project that runs an app's suite
        "src/testproject/urls.py",
        "pulpcore/pytest_plugin.py",  # the fixtures a package ships for test suites
        "backend/src/baserow/test_utils/constants.py",  # fixtures, factories and test keys
        "pkg/testutils/fixtures.py",
        "readthedocs/settings/test.py",  # the settings module the suite runs with
        "config/settings/testing.py",
        "test.py",  # a try-out script at the top of the checkout (ChatTTS-ui)
        "tests_common/api_client/api_client.py",  # LITE's client seeding end-to-end data
        "bookmarks/tests_e2e/helpers.py",
        "ajenti/tests-pytest/fixtures.py",
    ],
)
def test_django_test_modules_are_tests(rel: str) -> None:
    assert is_test_path(rel)
    assert not is_production_path(rel)


@pytest.mark.parametrize(
    "rel",
    [
        "modoboa/admin/factories.py",  # beside production code: not a test by its name
        "shop/factories.py",
        "app/testsuite_runner.py",
        "app/contests.py",
        "app/latest_tests.py.bak",
        "pkg/test/runner.py",  # `test/` inside a package is a testing framework that ships
        "project/my_test_project_utils.py",
        "pulpcore/pytest_plugins_loader.py",
        "config/settings/production.py",
        "app/routes/test.py",  # a `test.py` outside a settings package: e.g. a route module
        "werkzeug/test.py",  # a library's test client ships
        "dojo/test_type/views.py",  # DefectDojo's model of a kind of security test
        "app/testsuites/views.py",
    ],
)
def test_production_modules_are_not_tests(rel: str) -> None:
    assert not is_test_path(rel)
