# ruff: noqa: UP017
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import generate_password_hash

from .extensions import db

followers = sa.Table(
    "followers",
    db.metadata,
    sa.Column("follower_id", sa.Integer, sa.ForeignKey("user.id"), primary_key=True),
    sa.Column("followed_id", sa.Integer, sa.ForeignKey("user.id"), primary_key=True),
)


class User(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    about_me: so.Mapped[str | None] = so.mapped_column(sa.String(140))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    token: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True, unique=True)

    def from_dict(self, data, new_user=False):
        for field in ("username", "email", "about_me"):
            if field in data:
                setattr(self, field, data[field])
        if new_user and "password" in data:
            self.password_hash = generate_password_hash(data["password"])

    def to_dict(self):
        return {"id": self.id, "username": self.username, "about_me": self.about_me}


class Post(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(140))
    timestamp: so.Mapped[datetime] = so.mapped_column(default=lambda: datetime.now(timezone.utc))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id), index=True)
