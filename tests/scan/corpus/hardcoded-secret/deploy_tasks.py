"""Deployment helpers: SSH to the app hosts, registry login, Vault and Kubernetes (fake)."""

import os
import subprocess

import hvac
import paramiko

APP_HOSTS = ["app1.internal", "app2.internal"]
DEPLOY_USER = "deploy"
SSH_KEY_PATH = os.path.expanduser("~/.ssh/deploy_ed25519")
VAULT_ADDR = os.environ.get("VAULT_ADDR", "https://vault.internal:8200")
VAULT_TOKEN = "hvs.CAESIFAKEfakeFAKEfake0123456789abcdefGHIJ"  # expect: PR109
REGISTRY = "registry.example.com"


def ssh(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, username=DEPLOY_USER, key_filename=SSH_KEY_PATH)
    return client


def ssh_legacy(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, username="root", password="T0mc@t-Legacy#19")  # expect: PR109
    return client


def restart(host: str, sudo_password: str | None = None):
    client = ssh(host)
    sudo_password = sudo_password or os.environ["DEPLOY_SUDO_PASSWORD"]
    stdin, stdout, _ = client.exec_command("sudo -S systemctl restart app")
    stdin.write(sudo_password + "\n")
    return stdout.channel.recv_exit_status()


def registry_login():
    subprocess.run(
        ["docker", "login", REGISTRY, "-u", "ci-bot", "-p", "Rg7!kQ2#vN9@xB4z"],  # expect: PR109
        check=True,
    )


def registry_login_env():
    subprocess.run(
        ["docker", "login", REGISTRY, "-u", "ci-bot", "--password-stdin"],
        input=os.environ["REGISTRY_PASSWORD"].encode(),
        check=True,
    )


def vault_client() -> hvac.Client:
    client = hvac.Client(url=VAULT_ADDR, token=os.environ.get("VAULT_TOKEN"))
    if not client.is_authenticated():
        client.auth.approle.login(
            role_id="deploy-role",
            secret_id="3c9d8e7f-FAKE-4b2a-9c1d-0e5f6a7b8c9d",  # expect: PR109
        )
    return client


def db_secret(client: hvac.Client) -> dict:
    secret = client.secrets.kv.v2.read_secret_version(path="app/db")
    return secret["data"]["data"]


def create_k8s_secret(namespace: str):
    subprocess.run(
        [
            "kubectl",
            "-n",
            namespace,
            "create",
            "secret",
            "generic",
            "app-db",
            "--from-literal=password=Kx9!mZ2#pL7q",  # expect: PR109
        ],
        check=True,
    )


def create_k8s_secret_from_vault(namespace: str, password: str):
    subprocess.run(
        [
            "kubectl",
            "-n",
            namespace,
            "create",
            "secret",
            "generic",
            "app-db",
            f"--from-literal=password={password}",
        ],
        check=True,
    )


def rotate(client: hvac.Client, new_password: str):
    client.secrets.kv.v2.create_or_update_secret(path="app/db", secret={"password": new_password})
    client.secrets.kv.v2.create_or_update_secret(path="app/flags", secret={"maintenance": "off"})
