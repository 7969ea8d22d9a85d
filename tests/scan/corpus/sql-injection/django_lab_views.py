"""Lab views of a Django training app (pygoat / django.nV style), vulnerable and fixed side by side."""

# ruff: noqa: UP031

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from .models import Login, Note, Task

NOTE_ORDER = {"newest": "-created", "oldest": "created", "title": "title"}


def sql_lab(request):
    if request.method != "POST":
        return render(request, "lab/sql.html")
    name = request.POST.get("name")
    password = request.POST.get("pass")
    sql_query = (
        "SELECT * FROM introduction_login WHERE user='" + name + "' AND password='" + password + "'"
    )
    rows = Login.objects.raw(sql_query)  # expect: PR108
    return render(request, "lab/sql.html", {"user": next(iter(rows), None)})


def sql_lab_fixed(request):
    name = request.POST.get("name")
    password = request.POST.get("pass")
    user = Login.objects.filter(user=name, password=password).first()
    return render(request, "lab/sql.html", {"user": user})


@login_required
def search_tasks(request):
    keyword = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute(  # expect: PR108
            "SELECT id, title FROM taskManager_task WHERE title LIKE '%%%s%%' AND owner_id = %s"
            % (keyword, request.user.id)
        )
        tasks = cursor.fetchall()
    return JsonResponse({"tasks": tasks})


@login_required
def search_tasks_fixed(request):
    keyword = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title FROM taskManager_task WHERE title LIKE %s AND owner_id = %s",
            [f"%{keyword}%", request.user.id],
        )
        tasks = cursor.fetchall()
    return JsonResponse({"tasks": tasks})


@login_required
def task_detail(request, task_id):
    task = get_object_or_404(Task, pk=task_id, owner=request.user)
    return render(request, "tasks/detail.html", {"task": task})


class NoteListView(View):
    def get(self, request):
        order = NOTE_ORDER.get(request.GET.get("order"), "-created")
        notes = Note.objects.filter(owner=request.user).order_by(order)
        tag = request.GET.get("tag")
        if tag:
            notes = notes.extra(where=["tags @> ARRAY['%s']::varchar[]" % tag])  # expect: PR108
        return render(request, "notes/list.html", {"notes": notes})

    def post(self, request):
        title = self.request.POST["title"]
        Note.objects.raw(  # expect: PR108
            f"INSERT INTO notes_note (title, owner_id) VALUES ('{title}', {request.user.id}) RETURNING id"
        )
        return redirect("notes")


@login_required
def user_lookup(request):
    username = request.GET.get("username", "")
    users = User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [username])
    return JsonResponse({"ids": [u.id for u in users]})


@login_required
def export_notes(request):
    fmt = request.GET.get("format", "csv")
    columns = request.GET.get("columns", "title,created")
    with connection.cursor() as cursor:
        cursor.execute(  # expect: PR108
            f"SELECT {columns} FROM notes_note WHERE owner_id = %s", [request.user.id]
        )
        rows = cursor.fetchall()
    body = "\n".join(",".join(str(v) for v in row) for row in rows)
    return HttpResponse(body, content_type="text/csv" if fmt == "csv" else "text/plain")
