from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View

from ..models import Shelf, User, UserBlocks


@method_decorator(login_required, name="dispatch")
class Block(View):
    def post(self, request, user_id):
        to_block = get_object_or_404(User, id=user_id)
        UserBlocks.objects.create(user_subject=request.user, user_object=to_block)
        Shelf.remove_from_followers(request.user, to_block)
        return redirect("prefs-block")
