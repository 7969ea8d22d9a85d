from flask_login import UserMixin

from .extensions import db

enrollments = db.Table(
    "enrollments",
    db.Column("course_id", db.Integer, db.ForeignKey("course.id")),
    db.Column("user_id", db.Integer, db.ForeignKey("user.id")),
)


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120))
    is_teacher = db.Column(db.Boolean, default=False)


class Course(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))
    teacher_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    students = db.relationship("User", secondary=enrollments, backref="courses")


class Assignment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("course.id"))
    title = db.Column(db.String(200))


class Submission(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    assignment_id = db.Column(db.Integer, db.ForeignKey("assignment.id"))
    student_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    path = db.Column(db.String(255))
    grade = db.Column(db.String(4))
