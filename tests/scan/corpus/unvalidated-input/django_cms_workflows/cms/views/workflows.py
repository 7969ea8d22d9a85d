from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Workflow


@login_required
@require_POST
def enable_workflow(request, pk):
    workflow = get_object_or_404(Workflow, pk=pk)
    workflow.active = True
    workflow.save()
    redirect_to = request.POST.get("next", None)
    if redirect_to and url_has_allowed_host_and_scheme(
        url=redirect_to, allowed_hosts={request.get_host()}
    ):
        return redirect(redirect_to)
    return redirect("workflows:edit", workflow.id)


@login_required
@require_POST
def disable_workflow(request, pk):
    workflow = get_object_or_404(Workflow, pk=pk)
    workflow.active = False
    workflow.save()
    return redirect(request.POST.get("next", "/"))  # expect: PR107
