from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models


class User(AbstractUser):
    localname = models.CharField(max_length=150)


class BookClubModel(models.Model):
    class Meta:
        abstract = True

    def raise_not_editable(self, viewer):
        if getattr(self, "user", None) == viewer:
            return
        raise PermissionDenied()

    def raise_not_deletable(self, viewer):
        if getattr(self, "user", None) == viewer or viewer.has_perm("bookclub.moderate_post"):
            return
        raise PermissionDenied()


class Shelf(BookClubModel):
    name = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


class Status(BookClubModel):
    content = models.TextField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


class Series(BookClubModel):
    name = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)


class Report(BookClubModel):
    note = models.TextField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    resolved = models.BooleanField(default=False)


class UserBlocks(models.Model):
    user_subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="blocks", on_delete=models.CASCADE
    )
    user_object = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="blocked_by", on_delete=models.CASCADE
    )


class ShareLink(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    slug = models.SlugField(unique=True)
