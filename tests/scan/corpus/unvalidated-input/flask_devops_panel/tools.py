"""Ops panel for the on-call team: network diagnostics and maintenance tasks."""

import ipaddress
import os
import re
import shlex
import subprocess

from flask import Blueprint, abort, jsonify, request

from .auth import ops_required

bp = Blueprint("tools", __name__, url_prefix="/tools")
HOSTNAME = re.compile(r"^[a-zA-Z0-9.-]{1,253}$")
SERVICES = {"api", "worker", "scheduler"}
LOG_DIR = "/var/log/app"


@bp.post("/ping")
@ops_required
def ping():
    host = request.form["host"]
    out = subprocess.run(  # expect: PR107
        f"ping -c 3 {host}", shell=True, capture_output=True, text=True, timeout=20
    )
    return jsonify({"output": out.stdout})


@bp.post("/traceroute")
@ops_required
def traceroute():
    host = request.form["host"]
    if not HOSTNAME.match(host):
        abort(400)
    out = subprocess.run(
        f"traceroute -w 2 {host}", shell=True, capture_output=True, text=True, timeout=60
    )
    return jsonify({"output": out.stdout})


@bp.post("/dig")
@ops_required
def dig():
    out = subprocess.run(
        ["dig", "+short", request.form["name"]], capture_output=True, text=True, timeout=10
    )
    return jsonify({"output": out.stdout})


@bp.post("/whois")
@ops_required
def whois():
    address = ipaddress.ip_address(request.form["ip"])
    out = subprocess.check_output(f"whois {address}", shell=True, timeout=20)
    return jsonify({"output": out.decode()})


@bp.post("/restart")
@ops_required
def restart():
    service = request.form["service"]
    if service not in SERVICES:
        abort(400)
    subprocess.check_call(["systemctl", "restart", f"app-{service}"])
    return jsonify({"restarted": service})


@bp.post("/restart-any")
@ops_required
def restart_any():
    unit = request.form["unit"]
    os.system("sudo systemctl restart " + unit)  # expect: PR107
    return jsonify({"restarted": unit})


@bp.get("/logs")
@ops_required
def tail_log():
    lines = request.args.get("lines", 100, type=int)
    name = request.args.get("file", "app.log")
    out = subprocess.check_output(
        f"tail -n {lines} {shlex.quote(os.path.join(LOG_DIR, os.path.basename(name)))}",
        shell=True,
    )
    return jsonify({"output": out.decode()})


@bp.get("/logs/grep")
@ops_required
def grep_log():
    pattern = request.args["q"]
    cmd = "grep -i '" + pattern + "' " + os.path.join(LOG_DIR, "app.log")
    return jsonify({"output": os.popen(cmd).read()})  # expect: PR107


@bp.post("/git/checkout")
@ops_required
def checkout():
    ref = request.form["ref"]
    repo = "/srv/app"
    result = subprocess.run(
        ["git", "-C", repo, "checkout", ref], capture_output=True, text=True, timeout=60
    )
    return jsonify({"ok": result.returncode == 0, "output": result.stderr})


@bp.post("/run-script")
@ops_required
def run_script():
    script = request.form["script"]
    args = shlex.split(request.form.get("args", ""))
    subprocess.run([script, *args], timeout=300)  # expect: PR107
    return jsonify({"ok": True})


@bp.post("/disk")
@ops_required
def disk_usage():
    mount = request.form.get("mount", "/")
    out = subprocess.check_output(["df", "-h", mount], timeout=10)
    return jsonify({"output": out.decode()})
