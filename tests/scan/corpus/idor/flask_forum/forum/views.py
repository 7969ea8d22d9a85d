from flask import Blueprint, flash, redirect, render_template, request
from flask.views import MethodView
from flask_login import current_user, login_required

from .extensions import allows, db
from .forms import NewTopicForm, ReplyForm, ReportForm
from .models import Forum, Post, Report, Topic
from .requirements import CanEditPost, CanPostReply, IsAtleastModerator

forum = Blueprint("forum", __name__)


class NewTopic(MethodView):
    decorators = [login_required]

    def post(self, forum_id):
        forum_instance = Forum.query.get_or_404(forum_id)
        form = NewTopicForm()
        if form.validate_on_submit():
            topic = form.save(current_user, forum_instance)
            return redirect(topic.url)
        return render_template("forum/new_topic.html", form=form)


class EditPost(MethodView):
    decorators = [login_required, allows.requires(CanEditPost)]

    def post(self, post_id):
        post = Post.query.get_or_404(post_id)
        post.content = request.form["content"]
        db.session.commit()
        return redirect(post.url)


class NewReply(MethodView):
    decorators = [login_required, allows.requires(CanPostReply)]

    def post(self, topic_id):
        topic = Topic.query.get_or_404(topic_id)
        form = ReplyForm()
        if form.validate_on_submit():
            post = form.save(current_user, topic)
            return redirect(post.url)
        return render_template("forum/new_post.html", form=form)


class ReportView(MethodView):
    decorators = [login_required]

    def post(self, post_id):
        form = ReportForm()
        if form.validate_on_submit():
            post = Post.query.get_or_404(post_id)
            form.save(current_user, post)
            flash("Thanks for reporting.")
        return render_template("forum/report_post.html", form=form)


class LockTopic(MethodView):
    decorators = [login_required]

    def post(self, topic_id):
        topic = Topic.query.get_or_404(topic_id)  # expect: PR106
        topic.locked = True
        db.session.commit()
        return redirect(topic.url)


class Reports(MethodView):
    decorators = [login_required, allows.requires(IsAtleastModerator)]

    def get(self):
        page = request.args.get("page", 1, type=int)
        reports = (
            Report.query.filter(Report.zapped == None)  # noqa: E711
            .order_by(Report.id.desc())
            .paginate(page=page, per_page=20, error_out=False)
        )
        return render_template("management/reports.html", reports=reports)


forum.add_url_rule("/<int:forum_id>/topic/new", view_func=NewTopic.as_view("new_topic"))
forum.add_url_rule("/post/<int:post_id>/edit", view_func=EditPost.as_view("edit_post"))
forum.add_url_rule("/topic/<int:topic_id>/reply", view_func=NewReply.as_view("new_reply"))
forum.add_url_rule("/post/<int:post_id>/report", view_func=ReportView.as_view("report"))
forum.add_url_rule("/topic/<int:topic_id>/lock", view_func=LockTopic.as_view("lock_topic"))
forum.add_url_rule("/reports", view_func=Reports.as_view("reports"))
