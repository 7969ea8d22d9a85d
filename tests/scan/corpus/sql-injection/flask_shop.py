"""A small Flask shop on sqlite3, in the style of the Flask tutorial and its vulnerable forks."""

# ruff: noqa: UP031

import sqlite3

from flask import Flask, abort, g, jsonify, redirect, request, session, url_for

app = Flask(__name__)
DATABASE = "shop.db"
PRODUCT_COLUMNS = "id, name, price, stock"
SORTABLE = ("name", "price", "created_at")
PAGE_SIZE = 20


def get_db():
    db = getattr(g, "_database", None)
    if db is None:
        db = g._database = sqlite3.connect(DATABASE)
        db.row_factory = sqlite3.Row
    return db


def query_db(query, args=(), one=False):
    cur = get_db().execute(query, args)
    rv = cur.fetchall()
    cur.close()
    return (rv[0] if rv else None) if one else rv


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    password = request.form["password"]
    user = query_db(  # expect: PR108
        "SELECT * FROM users WHERE username = '%s' AND password = '%s'" % (username, password),
        one=True,
    )
    if user is None:
        return redirect(url_for("login_form"))
    session["user_id"] = user["id"]
    return redirect(url_for("products"))


@app.route("/login")
def login_form():
    return "<form method=post><input name=username><input name=password></form>"


@app.route("/products")
def products():
    sort = request.args.get("sort", "name")
    if sort not in SORTABLE:
        sort = "name"
    page = int(request.args.get("page", 1))
    offset = (page - 1) * PAGE_SIZE
    rows = query_db(
        f"SELECT {PRODUCT_COLUMNS} FROM products ORDER BY {sort} LIMIT {PAGE_SIZE} OFFSET {offset}"
    )
    return jsonify([dict(r) for r in rows])


@app.route("/search")
def search():
    term = request.args.get("q", "")
    rows = (
        get_db()
        .execute(  # expect: PR108
            f"SELECT {PRODUCT_COLUMNS} FROM products WHERE name LIKE '%{term}%'"
        )
        .fetchall()
    )
    return jsonify([dict(r) for r in rows])


@app.route("/category/<name>")
def category(name):
    rows = query_db(f"SELECT {PRODUCT_COLUMNS} FROM products WHERE category = ?", (name,))
    return jsonify([dict(r) for r in rows])


@app.route("/products/<int:product_id>")
def product(product_id):
    row = query_db("SELECT * FROM products WHERE id = %d" % product_id, one=True)
    if row is None:
        abort(404)
    return jsonify(dict(row))


@app.route("/reviews", methods=["POST"])
def add_review():
    product_id = request.form["product_id"]
    body = request.form["body"]
    db = get_db()
    db.execute(  # expect: PR108
        "INSERT INTO reviews (product_id, user_id, body) VALUES ("
        + product_id
        + ", "
        + str(session["user_id"])
        + ", '"
        + body
        + "')"
    )
    db.commit()
    return redirect(url_for("product", product_id=product_id))


@app.route("/admin/products/<product_id>/delete", methods=["POST"])
def delete_product(product_id):
    db = get_db()
    db.execute("DELETE FROM products WHERE id = %s" % product_id)  # expect: PR108
    db.commit()
    return redirect(url_for("products"))


@app.route("/cart/checkout", methods=["POST"])
def checkout():
    ids = request.form.getlist("product_id")
    marks = ",".join("?" for _ in ids)
    rows = query_db(f"SELECT id, price FROM products WHERE id IN ({marks})", ids)
    total = sum(r["price"] for r in rows)
    app.logger.info(f"checkout for products {', '.join(ids)} total={total}")
    return jsonify({"total": total})


@app.route("/orders")
def orders():
    status = request.args.get("status", "open")
    sql = "SELECT * FROM orders WHERE user_id = ? AND status = '" + status + "'"
    return jsonify([dict(r) for r in query_db(sql, (session["user_id"],))])  # expect: PR108


@app.teardown_appcontext
def close_connection(exception):
    db = getattr(g, "_database", None)
    if db is not None:
        db.close()
