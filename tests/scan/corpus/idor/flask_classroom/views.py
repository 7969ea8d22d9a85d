# ruff: noqa: RUF012
from functools import wraps

from flask import Blueprint, abort, jsonify, render_template, request, send_file
from flask.views import MethodView
from flask_login import current_user, login_required

from .extensions import db
from .models import Course, Submission

bp = Blueprint("classroom", __name__)


def teacher_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_teacher:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/courses/<int:course_id>")
def course(course_id):
    return render_template("course.html", course=Course.query.get_or_404(course_id))


@bp.route("/courses/<int:course_id>/enroll", methods=["POST"])
@login_required
def enroll(course_id):
    course = Course.query.get_or_404(course_id)
    course.students.append(current_user)
    db.session.commit()
    return jsonify({"ok": True})


@bp.route("/submissions/<int:submission_id>")
@login_required
def view_submission(submission_id):
    submission = Submission.query.get_or_404(submission_id)
    allowed = (submission.student_id, submission.assignment.course.teacher_id)
    if current_user.id not in allowed:
        abort(403)
    return render_template("submission.html", submission=submission)


@bp.route("/submissions/<int:submission_id>/file")
@login_required
def submission_file(submission_id):
    submission = Submission.query.get_or_404(submission_id)  # expect: PR106
    return send_file(submission.path, as_attachment=True)


@bp.route("/submissions/<int:submission_id>/grade", methods=["POST"])
@teacher_required
def grade(submission_id):
    submission = Submission.query.get_or_404(submission_id)
    submission.grade = request.form["grade"]
    db.session.commit()
    return jsonify({"grade": submission.grade})


class SubmissionAPI(MethodView):
    decorators = [login_required]

    def get(self, submission_id):
        submission = Submission.query.filter_by(
            id=submission_id, student_id=current_user.id
        ).first_or_404()
        return jsonify({"id": submission.id, "grade": submission.grade})

    def delete(self, submission_id):
        submission = Submission.query.get_or_404(submission_id)  # expect: PR106
        db.session.delete(submission)
        db.session.commit()
        return "", 204


bp.add_url_rule("/api/submissions/<int:submission_id>", view_func=SubmissionAPI.as_view("sub"))
