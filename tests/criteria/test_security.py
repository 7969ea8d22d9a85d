from __future__ import annotations

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n"
CERT = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n"


def test_security_policy(make_repo: RepoFactory) -> None:
    assert_status(
        evaluate(make_repo({".github/SECURITY.md": "Report to security@x\n"}), "security.policy"),
        Status.MET,
    )
    assert_status(evaluate(make_repo({"README.md": "# x\n"}), "security.policy"), Status.MISSING)


def test_debug_mode_literals_in_production_code(make_repo: RepoFactory) -> None:
    files = {
        "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n",
        "proj/settings/base.py": "DEBUG = True\n",
        "proj/settings/dev.py": "DEBUG = True\n",
        "proj/settings/prod.py": "import os\nDEBUG = os.environ.get('DEBUG') == '1'\n",
        "tests/test_app.py": "app.debug = True\n",
        "examples/demo.py": "app.run(debug=True)\n",
    }
    r = evaluate(make_repo(files), "security.debug-mode")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("app.py", 4), ("proj/settings/base.py", 1)]


def test_debug_from_environment_is_met(make_repo: RepoFactory) -> None:
    files = {"proj/settings.py": "import os\nDEBUG = os.getenv('DEBUG', '') == 'true'\n"}
    assert_status(evaluate(make_repo(files), "security.debug-mode"), Status.MET)


def test_secret_files(make_repo: RepoFactory) -> None:
    files = {
        ".env": "DATABASE_URL=postgres://u:p@db/app\n",
        ".env.example": "DATABASE_URL=\n",
        "deploy/server.key": KEY,
        "deploy/ca.pem": CERT,
        "tests/fixtures/test.key": KEY,
        "keys/id_ed25519": "x\n",
        "keys/id_ed25519.pub": "ssh-ed25519 AAAA\n",
    }
    r = evaluate(make_repo(files), "security.secret-files")
    assert_status(r, Status.MISSING)
    assert locations(r) == [(".env", 1), ("deploy/server.key", None), ("keys/id_ed25519", None)]
    assert r.evidence[0].text == "environment file with a real value for DATABASE_URL"


def test_env_file_of_placeholders_and_public_values_is_not_a_leak(make_repo: RepoFactory) -> None:
    files = {
        ".env": "SECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\nDOMAIN=localhost\n"
        "DATABASE_URL=postgres://app:${POSTGRES_PASSWORD}@db/app\nSENTRY_DSN=\n",
        "frontend/.env": "VITE_API_URL=http://localhost:8000\nVITE_API_TOKEN=abc123def456\n",
    }
    assert_status(evaluate(make_repo(files), "security.secret-files"), Status.MET)


def test_env_file_with_a_real_token_is_named_with_its_line(make_repo: RepoFactory) -> None:
    files = {".env": "DEBUG=1\n# stripe\nSTRIPE_API_KEY=sk_live_51Habc0123456789\n"}
    r = evaluate(make_repo(files), "security.secret-files")
    assert locations(r) == [(".env", 3)]


def test_ignored_env_file_is_not_committed(make_repo: RepoFactory) -> None:
    files = {".gitignore": ".env\n", ".env": "SECRET=x\n", "app.py": "x = 1\n"}
    assert_status(evaluate(make_repo(files), "security.secret-files"), Status.MET)


PIP_AUDIT = """{"dependencies": [
 {"name": "jinja2", "version": "2.11.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["2.11.3"], "aliases": ["CVE-2020-28493"], "description": "ReDoS"}]},
 {"name": "flask", "version": "3.0.3", "vulns": []}
], "fixes": []}"""


def test_vulnerabilities_from_pip_audit(make_repo: RepoFactory) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    report = root / "audit.json"
    report.write_text(PIP_AUDIT, encoding="utf-8")
    r = evaluate(root, "security.vulnerabilities", vulns=(report,))
    assert_status(r, Status.MISSING)
    assert [e.text for e in r.evidence] == ["jinja2 2.11.2: GHSA-h5c8-rqwp-cp95 (fixed in 2.11.3)"]
    clean = root / "clean.json"
    clean.write_text(
        '{"dependencies": [{"name": "flask", "version": "3.0.3", "vulns": []}], "fixes": []}'
    )
    assert_status(evaluate(root, "security.vulnerabilities", vulns=(clean,)), Status.MET)
    assert_status(evaluate(root, "security.vulnerabilities"), Status.UNKNOWN)
    broken = root / "broken.json"
    broken.write_text("{not json")
    assert_status(evaluate(root, "security.vulnerabilities", vulns=(broken,)), Status.UNKNOWN)
