from django.contrib.auth import get_user_model
from django.db import models

User = get_user_model()


class Project(models.Model):
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(User, related_name="projects", on_delete=models.CASCADE)
    members = models.ManyToManyField(User, related_name="shared_projects", blank=True)
    archived = models.BooleanField(default=False)


class Task(models.Model):
    project = models.ForeignKey(Project, related_name="tasks", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    due = models.DateField(null=True, blank=True)


class Label(models.Model):
    name = models.CharField(max_length=40, unique=True)
    color = models.CharField(max_length=7, default="#888888")
