from django.conf import settings
from django.db import models


class Queue(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    public = models.BooleanField(default=True)


class Ticket(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="assigned", on_delete=models.SET_NULL
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=20, default="open")
    submitter_email = models.EmailField()


class FollowUp(models.Model):
    ticket = models.ForeignKey(Ticket, related_name="followups", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    comment = models.TextField()
    public = models.BooleanField(default=False)
