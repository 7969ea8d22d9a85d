from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Album


@login_required
@require_POST
def create_album(request):
    album = Album.objects.create(owner=request.user, title=request.POST["title"])
    return JsonResponse({"id": album.id})
