from tortoise import fields, models


class User(models.Model):
    id = fields.IntField(pk=True)
    email = fields.CharField(max_length=255, unique=True)
    is_agent = fields.BooleanField(default=False)


class Ticket(models.Model):
    id = fields.IntField(pk=True)
    owner = fields.ForeignKeyField("models.User", related_name="tickets")
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    priority = fields.IntField(default=3)
    closed = fields.BooleanField(default=False)


class TicketComment(models.Model):
    id = fields.IntField(pk=True)
    ticket = fields.ForeignKeyField("models.Ticket", related_name="comments")
    author = fields.ForeignKeyField("models.User")
    body = fields.TextField()
