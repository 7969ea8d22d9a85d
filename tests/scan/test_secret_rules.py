"""What the fixture format cannot express for PR103/PR104/PR109: findings inside multi-line
strings, suppression at their closing line, and messages that never repeat a secret; and
exemptions that depend on where a file sits (PR101, PR109), which fixtures, all scanned
as `app/module.py`, cannot show."""

from __future__ import annotations

import pytest

from prodready.scan.engine import assemble, scan_source
from prodready.scan.registry import all_rules
from tests.scan.harness import flagged_lines

# Fake key material: the right shape, no real key.
_PEM_BODY = "MIIEpAIBAAKCAQEAfakefakefakefakefakefakefakefakefakefakefakefakeFAKE"


def _findings(source: str, rule: str, rel: str = "app/keys.py") -> list:
    result = scan_source(rel, source.encode())
    assert result.error is None
    findings, _, _ = assemble({rel: result})
    return [f for f in findings if f.rule == rule]


def test_private_key_in_a_triple_quoted_string_spans_the_string() -> None:
    source = f'KEY = """-----BEGIN PRIVATE KEY-----\n{_PEM_BODY}\n-----END PRIVATE KEY-----"""\n'
    [finding] = _findings(source, "PR109")
    assert (finding.line, finding.end_line) == (1, 3)
    assert not finding.suppressed


def test_a_multi_line_key_can_be_suppressed_at_its_closing_line() -> None:
    source = (
        'KEY = """-----BEGIN PRIVATE KEY-----\n'
        f"{_PEM_BODY}\n"
        '-----END PRIVATE KEY-----"""  # prodready: ignore[PR109] throwaway key for docs\n'
    )
    [finding] = _findings(source, "PR109")
    assert finding.suppressed


def test_messages_never_repeat_the_secret() -> None:
    password = "Pr0d-Db-2024!xQ"
    key = "sk_live_51FAKEkeyDoNotUse0000000000abcdEF"
    source = f'DB_PASSWORD = "{password}"\nSTRIPE = "{key}"\n'
    findings = _findings(source, "PR109")
    assert [f.line for f in findings] == [1, 2]
    assert all(password not in f.message and key not in f.message for f in findings)


def test_one_finding_per_line_when_a_key_format_and_a_name_agree() -> None:
    source = 'STRIPE_SECRET_KEY = "sk_live_51FAKEkeyDoNotUse0000000000abcdEF"\n'
    [finding] = _findings(source, "PR109")
    assert "Stripe live secret key" in finding.message


def test_sensitive_logging_names_the_value_not_the_message() -> None:
    source = (
        "import logging\n"
        "logger = logging.getLogger(__name__)\n"
        "def login(password):\n"
        '    logger.info("password for %s accepted", "alice")\n'
        '    logger.debug("login with %s", password)\n'
    )
    [finding] = _findings(source, "PR104")
    assert finding.line == 5
    assert "`password`" in finding.message


def test_swallowed_exception_names_the_guarded_call() -> None:
    source = (
        "import stripe\n"
        "def delete(customer_id):\n"
        "    try:\n"
        "        stripe.Customer.delete(customer_id)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    [finding] = _findings(source, "PR103")
    assert finding.line == 5
    assert "stripe.Customer.delete()" in finding.message
    assert "delete()" in finding.message


_FACTORY = (
    "import factory\n\n\n"
    "class UserFactory(factory.django.DjangoModelFactory):\n"
    '    password = "{PLAIN}t0t0-Xq9v"\n'
    '    aws_key = "AKIAZ7QK3MXW2PL5RT4N"\n'
)


def test_factory_boy_test_data_keeps_only_known_key_formats() -> None:
    # modoboa/admin/factories.py: the accounts exist only in test databases
    assert flagged_lines(_FACTORY, "PR109", rel="modoboa/admin/factories.py") == [6]
    # a factories module that is not factory_boy's, or factory_boy in another module
    plain = _FACTORY.replace("import factory\n", "import factoryish as factory\n")
    assert flagged_lines(plain, "PR109", rel="modoboa/admin/factories.py") == [5, 6]
    assert flagged_lines(_FACTORY, "PR109", rel="modoboa/admin/models.py") == [5, 6]


def test_known_key_formats_are_high_confidence_and_named_literals_low() -> None:
    source = (
        'AWS_KEY = "AKIAIOSFODNN7EXAMPLX"\napi_token = "9f8e7d6c5b4a39281706f5e4d3c2b1a0ffee1234"\n'
    )
    result = scan_source("app/settings.py", source.encode())
    findings, _, _ = assemble({"app/settings.py": result})
    by_line = {f.line: f.confidence for f in findings if f.rule == "PR109"}
    assert by_line == {1: "high", 2: "low"}


_FETCH = (
    "import argparse\nimport urllib.request\n\n\n"
    "def fetch_catalog(url):\n"
    "    return urllib.request.urlopen(url).read()\n"
)
_RUN_BY_HAND = '\n\nif __name__ == "__main__":\n    fetch_catalog(argparse.ArgumentParser())\n'


def test_stand_alone_programs_in_nested_scripts_folders_need_no_timeout() -> None:
    # WebODM's app/scripts/extract_odm_strings.py: argparse and a __main__ block
    program = _FETCH + _RUN_BY_HAND
    assert flagged_lines(program, "PR101", rel="app/scripts/extract_strings.py") == []
    assert flagged_lines("#!/usr/bin/env python3\n" + program, "PR101", rel="app/x.py") == [7]
    # a file no import can name (securedrop's upload-screenshots.py)
    assert flagged_lines(program, "PR101", rel="web/upload-screenshots.py") == []
    # a module of the app (no __main__ block), or one that boots a framework, is checked
    assert flagged_lines(_FETCH, "PR101", rel="app/scripts/extract_strings.py") == [6]
    assert flagged_lines(_FETCH, "PR101", rel="web/upload-screenshots.py") == [6]
    service = "import celery\n" + program
    assert flagged_lines(service, "PR101", rel="app/scripts/extract_strings.py") == [7]
    # a framework's plain text helper boots nothing (OpenCodelists' bulk import script)
    helped = "from django.utils.text import slugify\n" + program
    assert flagged_lines(helped, "PR101", rel="app/scripts/extract_strings.py") == []
    booted = "from django.conf import settings\n" + program
    assert flagged_lines(booted, "PR101", rel="app/scripts/extract_strings.py") == [7]
    # a django-extensions script, run by hand with `manage.py runscript update_refsets`
    runscript = "from django.conf import settings\n" + _FETCH + "\n\ndef run(*args):\n    pass\n"
    assert flagged_lines(runscript, "PR101", rel="app/scripts/update_refsets.py") == []
    assert flagged_lines(runscript, "PR101", rel="app/jobs/update_refsets.py") == [7]
    # a __main__ self-test without a shebang or command-line parser stays an app module
    helper = _FETCH.replace("import argparse\n", "") + '\n\nif __name__ == "__main__":\n    pass\n'
    assert flagged_lines(helper, "PR101", rel="app/scripts/extract_strings.py") == [5]
    # other nested tool folders are not developer scripts
    assert flagged_lines(program, "PR101", rel="app/tools/extract_strings.py") == [6]
    # a health probe or model download run as `main()` from a scripts folder (mealie's)
    probe = _PROBE + '\n\nif __name__ == "__main__":\n    main()\n'
    assert flagged_lines(probe, "PR101", rel="app/scripts/healthcheck.py") == []
    assert flagged_lines(probe, "PR101", rel="app/probe.py") == [5]
    # OctoBot's tentacles/scripts/clear_cloudflare_cache.py: its `__main__` block reads argv
    helper = _FETCH.replace("import argparse\n", "import sys\n")
    argv = helper + '\n\nif __name__ == "__main__":\n    fetch_catalog(sys.argv[1])\n'
    assert flagged_lines(argv, "PR101", rel="app/scripts/clear_cache.py") == []
    assert flagged_lines(argv, "PR101", rel="app/clear_cache.py") == [6]
    # argv read in a module of the scripts folder that has no `__main__` block
    assert flagged_lines(helper + "URL = sys.argv[1]\n", "PR101", rel="app/scripts/c.py") == [6]


_PROBE = "import sys\nimport requests\n\ndef main():\n    r = requests.get(URL)\n    sys.exit(r.status_code != 200)\n"


def test_container_qa_and_end_to_end_harnesses_are_developer_scripts() -> None:
    # a HEALTHCHECK program in a top-level docker/ folder (a shebang, module-level code)
    check = "#!/usr/bin/env python\nfrom urllib.request import urlopen\n\nurlopen(URL)\n"
    assert flagged_lines(check, "PR101", rel="docker/fetchstatus.py") == []
    settings = check.removeprefix("#!/usr/bin/env python\n")
    assert flagged_lines(settings, "PR101", rel="docker/settings.py") == [3]
    # a top-level qa/ helper driving a deployment, unless it imports a web framework
    client = "import requests\n\ndef health():\n    return requests.get(URL)\n"
    assert flagged_lines(client, "PR101", rel="qa/utils/api.py") == []
    assert flagged_lines("import flask\n" + client, "PR101", rel="qa/views.py") == [5]
    # seed data for end-to-end test users
    seed = 'PASSWORD = "Str0ngSeedPass!"\n'
    assert _findings(seed, "PR109", rel="api/e2etests/seed_data.py") == []
    assert len(_findings(seed, "PR109", rel="api/accounts/seed_data.py")) == 1
    # a stand-alone program at the top of the checkout (a data-population script)
    populate = "import argparse\n\ndef run():\n    try:\n        add()\n    except Exception:\n        pass\n\nif __name__ == '__main__':\n    run()\n"
    assert flagged_lines(populate, "PR103", rel="populate.py") == []
    assert flagged_lines(populate, "PR103", rel="app/populate.py") == [6]


_DEV_SETTINGS = (
    "# Quick-start development settings - unsuitable for production\n"
    "SECRET_KEY = '1zq*_#!r0#l24f8lht*6)_0b+5w04n*2-8cxf(2u)fhi0f^'\n"
    "AWS_ACCESS_KEY_ID = 'AKIAZ7QWERTYUIOPASDF'\n"
)


def test_settings_of_a_development_project_keep_only_known_key_formats() -> None:
    # Misago's devproject/settings.py: the project contributors run, never deployed
    for rel in ("devproject/settings.py", "dev_site/settings.py", "development-project/config.py"):
        assert flagged_lines(_DEV_SETTINGS, "PR109", rel=rel) == [3], rel
    # a folder merely starting with "dev", or the project's own settings
    for rel in ("devices/settings.py", "devproject/views.py", "project/settings.py"):
        assert flagged_lines(_DEV_SETTINGS, "PR109", rel=rel) == [2, 3], rel


def test_a_rule_may_raise_a_hit_only_to_the_confidence_it_declares() -> None:
    pr109, pr103 = all_rules()["PR109"], all_rules()["PR103"]
    assert pr109.confidence_of("high") == "high"
    assert pr109.confidence_of(None) == "low"
    assert "high for known key formats" in pr109.documentation()
    with pytest.raises(RuntimeError, match="rule PR109: a hit of medium confidence"):
        pr109.confidence_of("medium")
    with pytest.raises(RuntimeError, match="rule PR103: a hit of high confidence"):
        pr103.confidence_of("high")


_PUSH = """\
import logging

logger = logging.getLogger(__name__)


def send_notification(token, auth_token, priority):
    logger.debug("Notify device %s, priority %d", token, priority)
    logger.debug("Notify with %s", auth_token)
"""


def test_a_push_service_module_logs_device_tokens_not_credentials() -> None:
    """Zentral's `mdm/apns.py`: the plain `token` there is the device token a notification
    is addressed to; the same code elsewhere, and any other token in it, still fire."""
    assert flagged_lines(_PUSH, "PR104", rel="app/mdm/apns.py") == [8]
    assert flagged_lines(_PUSH, "PR104", rel="app/push/fcm_client.py") == [8]
    assert flagged_lines(_PUSH, "PR104", rel="app/mdm/notify.py") == [7, 8]


def test_a_lock_module_logs_lock_tokens_not_credentials() -> None:
    """Tracim's WebDAV `lock_storage.py` logs the token of a dangling lock: in a module
    named for locks a plain `token` names a lock; another token in it still fires, and so
    does the same code in a module named for anything else (`blocks.py` is no lock)."""
    assert flagged_lines(_PUSH, "PR104", rel="webdav/lock_storage.py") == [8]
    assert flagged_lines(_PUSH, "PR104", rel="app/locks.py") == [8]
    assert flagged_lines(_PUSH, "PR104", rel="app/blocks.py") == [7, 8]


_ONVIF = """\
import logging

from onvif import ONVIFCamera

logger = logging.getLogger(__name__)


def profiles(camera, token, auth_token):
    for p in camera.media.GetProfiles():
        logger.debug("Onvif profile %s, token='%s'", p.Name, p.token)
    logger.debug("GetStreamUri returned for token %s", token)
    logger.debug("with %s", auth_token)
"""


def test_an_onvif_module_logs_profile_tokens_not_credentials() -> None:
    """Frigate's camera API: where a module drives cameras through `onvif`, a `token`
    names a media profile (`ProfileToken`); any other token in it still fires, and the
    same code without the import fires throughout."""
    assert flagged_lines(_ONVIF, "PR104", rel="frigate/ptz/onvif.py") == [12]
    plain = _ONVIF.replace("from onvif import ONVIFCamera", "from camera import ONVIFCamera")
    assert flagged_lines(plain, "PR104", rel="frigate/ptz/onvif.py") == [10, 11, 12]


def test_a_url_password_message_names_the_scheme_only_when_there_is_one() -> None:
    source = (
        'DSN = "postgres://admin:Kq7vX2pm9Zw@db.internal/app"\n'
        'BARE = "://admin:Kq7vX2pm9Zw@db.internal"\n'
    )
    assert [(f.line, f.message) for f in _findings(source, "PR109")] == [
        (1, "a postgres URL carries a password literal"),
        (2, "a URL carries a password literal"),
    ]
