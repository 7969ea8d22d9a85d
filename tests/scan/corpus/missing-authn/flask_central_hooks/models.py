from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Resolver(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120))
    params = db.Column(db.JSON)


class MachineToken(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    serial = db.Column(db.String(40))
    machine = db.Column(db.String(120))


class Token(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    serial = db.Column(db.String(40))
    owner = db.Column(db.String(120))
    active = db.Column(db.Boolean)


class AuthLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user = db.Column(db.String(120))
    success = db.Column(db.Boolean)
