"""Agent-facing views. StaffRequiredMixin lives in helpdesk.mixins."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView, UpdateView

from .forms import BulkAssignForm, TicketForm
from .mixins import StaffRequiredMixin
from .models import FollowUp, Queue, Ticket


class TicketEdit(StaffRequiredMixin, UpdateView):
    model = Ticket
    form_class = TicketForm


@method_decorator(login_required, name="dispatch")
class TicketAssign(View):
    def post(self, request, pk):
        ticket = get_object_or_404(Ticket, pk=pk)  # expect: PR106
        ticket.assigned_to = request.user
        ticket.save(update_fields=["assigned_to"])
        return redirect("helpdesk:ticket", pk=pk)


class TicketClose(View):
    @method_decorator(login_required)
    def post(self, request, pk):
        Ticket.objects.filter(pk=pk).update(status="closed")  # expect: PR106
        return redirect("helpdesk:ticket", pk=pk)


class TicketReopen(View):
    def post(self, request, pk):  # expect: PR105
        Ticket.objects.filter(pk=pk).update(status="open")  # expect: PR106
        return redirect("helpdesk:ticket", pk=pk)


class BulkAssign(LoginRequiredMixin, FormView):
    form_class = BulkAssignForm
    template_name = "helpdesk/bulk_assign.html"

    def form_valid(self, form):
        form.cleaned_data["tickets"].update(assigned_to=form.cleaned_data["agent"])
        return redirect("helpdesk:dashboard")


class QueueMerge(FormView):  # expect: PR105
    form_class = BulkAssignForm
    template_name = "helpdesk/merge.html"

    def form_valid(self, form):
        Ticket.objects.filter(queue=form.cleaned_data["source"]).update(
            queue=form.cleaned_data["target"]
        )
        return redirect("helpdesk:dashboard")


@login_required
@require_POST
def add_followup(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    FollowUp.objects.create(ticket=ticket, user=request.user, comment=request.POST["comment"])
    return redirect("helpdesk:ticket", pk=pk)


@require_POST
def delete_followup(request, pk):  # expect: PR105
    followup = get_object_or_404(FollowUp, pk=pk)  # expect: PR106
    ticket_id = followup.ticket_id
    followup.delete()
    return redirect("helpdesk:ticket", pk=ticket_id)


@require_POST
def toggle_queue(request, slug):  # expect: PR105
    queue = get_object_or_404(Queue, slug=slug)
    queue.public = not queue.public
    queue.save()
    return JsonResponse({"public": queue.public})
