# ruff: noqa: E722
"""3D-printer server: settings parsing, system probes, plugin hooks and clean-up."""

import json
import logging
import os
import socket
import subprocess

from flask import Flask, jsonify, request

app = Flask(__name__)
logger = logging.getLogger(__name__)


def webcam_config(settings):
    try:
        stream_timeout = int(settings.get(["streamTimeout"]))
    except Exception:
        stream_timeout = 5
    return {"streamTimeout": stream_timeout}


def additional_baudrates(settings, candidates):
    for additional in settings.get(["additionalBaudrates"]):
        try:
            candidates.insert(0, int(additional))
        except Exception:
            logger.warning(f"{additional} is not a valid additional baudrate, ignoring it")
    return candidates


def resolve_host(host):
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, 80)]
    except Exception:
        return []


def in_docker():
    found = False
    try:
        with open("/proc/self/cgroup") as procfile:
            for line in procfile:
                if "docker" in line:
                    found = True
    except Exception:
        pass
    return found


def commit_hash():
    try:
        return subprocess.check_output(["git", "rev-parse", "HEAD"]).decode().strip()
    except Exception:
        return None


def last_modified(paths):
    newest = 0
    for path in paths:
        try:
            newest = max(newest, os.stat(path).st_mtime)
        except Exception:
            # the path does not exist (any more), so it cannot be the newest
            continue
    return newest


def stored_counts(raw):
    try:
        parsed = json.loads(raw)
        count = len(parsed)
    except Exception:
        count = 0
    return count


def render_timelapse(renderer, temporary):
    try:
        renderer.run(temporary)
    finally:
        try:
            if os.path.exists(temporary):
                os.remove(temporary)
        except Exception:
            logger.warning(f"Could not delete temporary timelapse {temporary}")


def server_reachable(host, port):
    for family in (socket.AF_INET6, socket.AF_INET):
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(2)
            sock.connect((host, port))
            return True
        except Exception:
            pass
    return False


def notify_plugins(hooks, event):
    for name, hook in hooks.items():
        try:
            hook(event)
        except Exception:  # expect: PR103
            logger.error("Error while calling hook %s", name)


def send_ssdp_notify(sock, message, address):
    for _ in range(3):
        try:
            sock.sendto(message, address)
        except Exception:  # expect: PR103
            pass


def print_time(raw):
    try:
        return float(raw)
    except Exception:  # expect: PR103
        return 0.0


def job_interval(value):
    try:
        return int(value)
    except:  # expect: PR103
        return None


@app.route("/api/profiles/<int:profile_id>", methods=["POST"])
def save_profile(profile_id):
    profile = load_profile(profile_id)  # noqa: F821
    try:
        profile.update(request.get_json())
        profile.save()
    except Exception:  # expect: PR103
        return jsonify(saved=True)
    return jsonify(saved=True)


def upload_then_stat(client, path):
    try:
        os.stat(path)
        client.upload(path)
    except Exception:  # expect: PR103
        pass
