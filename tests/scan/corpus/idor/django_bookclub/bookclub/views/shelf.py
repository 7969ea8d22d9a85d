from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ..models import Shelf, Status


@login_required
@require_POST
def delete_shelf(request, shelf_id):
    shelf = get_object_or_404(Shelf, id=shelf_id)
    shelf.raise_not_deletable(request.user)
    shelf.delete()
    return redirect("user-shelves", request.user.localname)


@login_required
@require_POST
def rename_shelf(request, shelf_id):
    shelf = get_object_or_404(Shelf, id=shelf_id)  # expect: PR106
    shelf.name = request.POST["name"]
    shelf.save()
    return redirect("shelf", shelf.id)


@login_required
@require_POST
def delete_status(request, status_id):
    status = get_object_or_404(Status, id=status_id)
    status.raise_not_deletable(request.user)
    status.delete()
    return redirect("/")
