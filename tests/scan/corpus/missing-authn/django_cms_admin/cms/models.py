from django.conf import settings
from django.db import models


class Page(models.Model):
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    live = models.BooleanField(default=False)


class Comment(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    body = models.TextField()


class InviteRequest(models.Model):
    email = models.EmailField()


class ChosenLink(models.Model):
    url = models.URLField()
