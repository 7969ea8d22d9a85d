from flask import Blueprint, flash, g, redirect, render_template, request

import libuser

mod_user = Blueprint("mod_user", __name__)


@mod_user.route("/chpasswd", methods=["POST"])
def do_chpasswd_post():
    if "username" not in g.session:
        return redirect("/")
    if not libuser.login(g.session["username"], request.form.get("current_password")):
        flash("Invalid current password")
        return render_template("user.chpasswd.html")
    libuser.password_change(g.session["username"], request.form.get("new_password"))
    return redirect("/")


@mod_user.route("/profile", methods=["POST"])
def do_profile_update():
    libuser.update_profile(g.session["username"], request.form.get("bio"))
    return redirect("/user/profile")
