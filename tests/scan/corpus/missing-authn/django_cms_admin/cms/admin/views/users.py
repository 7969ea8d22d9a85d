"""User management. These views are routed from the project URLconf, not the admin's."""
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

User = get_user_model()


@login_required
@permission_required("auth.change_user", raise_exception=True)
@require_POST
def deactivate_user(request, pk):
    user = get_object_or_404(User, pk=pk)
    user.is_active = False
    user.save()
    return redirect("cms-admin:users")


@require_POST
def promote_user(request, pk):  # expect: PR105
    user = get_object_or_404(User, pk=pk)
    user.is_staff = True
    user.save()
    return redirect("cms-admin:users")
