"""Training app for the security workshop (in the style of DVPWA / pygoat / "vulnerable flask
app"): each lab has a vulnerable and a fixed endpoint."""

import ast
import base64
import os
import pickle
import subprocess

import yaml
from flask import (
    Flask,
    make_response,
    redirect,
    render_template,
    render_template_string,
    request,
    send_file,
)
from markupsafe import escape

from .cache import redis_client

app = Flask(__name__)
PAGES_DIR = os.path.join(os.path.dirname(__file__), "pages")


def page_path(name):
    return os.path.join(PAGES_DIR, name)


# -- lab 1: code injection ----------------------------------------------------------------
@app.route("/lab1/calc")
def calc():
    expression = request.args.get("expr", "1+1")
    return {"result": eval(expression)}  # expect: PR107


@app.route("/lab1/calc-fixed")
def calc_fixed():
    return {"result": ast.literal_eval(request.args.get("expr", "0"))}


@app.route("/lab1/exec", methods=["POST"])
def run_snippet():
    code = request.get_json()["code"]
    scope = {}
    exec(code, scope)  # expect: PR107
    return {"vars": sorted(scope)}


# -- lab 2: template injection ---------------------------------------------------------------
@app.route("/lab2/hello")
def hello():
    name = request.args.get("name", "guest")
    return render_template_string(f"<p>Hello {name}!</p>")  # expect: PR107


@app.route("/lab2/hello-fixed")
def hello_fixed():
    return render_template_string("<p>Hello {{ name }}!</p>", name=request.args.get("name"))


@app.route("/lab2/hello-escaped")
def hello_escaped():
    name = escape(request.args.get("name", "guest"))
    return render_template("hello.html", name=name)


# -- lab 3: insecure deserialisation -------------------------------------------------------------
@app.route("/lab3/profile")
def profile():
    raw = request.cookies.get("profile")
    data = pickle.loads(base64.b64decode(raw)) if raw else {}  # expect: PR107
    return render_template("profile.html", profile=data)


@app.route("/lab3/profile-cached")
def profile_cached():
    cached = redis_client.get("profile:default")
    data = pickle.loads(cached) if cached else {}
    return render_template("profile.html", profile=data)


@app.route("/lab3/settings", methods=["POST"])
def settings():
    config = yaml.load(request.data)  # expect: PR107
    return {"keys": list(config)}


@app.route("/lab3/settings-fixed", methods=["POST"])
def settings_fixed():
    config = yaml.load(request.data, Loader=yaml.SafeLoader)
    return {"keys": list(config)}


# -- lab 4: command injection ------------------------------------------------------------------------
@app.route("/lab4/lookup", methods=["POST"])
def lookup():
    domain = request.form["domain"]
    proc = subprocess.Popen(  # expect: PR107
        ["/bin/sh", "-c", f"nslookup {domain}"], stdout=subprocess.PIPE
    )
    return proc.communicate()[0]


@app.route("/lab4/lookup-fixed", methods=["POST"])
def lookup_fixed():
    proc = subprocess.Popen(["nslookup", request.form["domain"]], stdout=subprocess.PIPE)
    return proc.communicate()[0]


@app.route("/lab4/convert", methods=["POST"])
def convert():
    params = request.form.to_dict()
    cmd = "convert {} -resize {} /tmp/out.png".format(params["src"], params["size"])
    subprocess.call(cmd, shell=True)  # expect: PR107
    return send_file("/tmp/out.png")


# -- lab 5: path traversal -------------------------------------------------------------------------------
@app.route("/lab5/page")
def page():
    name = request.args.get("page") or "index.html"
    with open(os.path.join(PAGES_DIR, name)) as fh:  # expect: PR107
        return fh.read()


@app.route("/lab5/page-helper")
def page_helper():
    with open(page_path(request.args.get("page", "index.html"))) as fh:  # expect: PR107
        return fh.read()


@app.route("/lab5/page-fixed")
def page_fixed():
    name = os.path.basename(request.args.get("page", "index.html"))
    with open(os.path.join(PAGES_DIR, name)) as fh:
        return fh.read()


@app.route("/lab5/cached-page")
def cached_page():
    number = int(request.args.get("n", "1"))
    with open(os.path.join(PAGES_DIR, f"page-{number}.html")) as fh:
        return fh.read()


# -- lab 6: open redirect -----------------------------------------------------------------------------------
@app.route("/lab6/out")
def outbound():
    return redirect(request.args["url"])  # expect: PR107


@app.route("/lab6/back")
def back():
    return redirect(request.referrer or "/")


@app.route("/lab6/out-fixed")
def outbound_fixed():
    target = request.args.get("url", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = make_response(redirect(target))
    response.headers["Cache-Control"] = "no-store"
    return response
