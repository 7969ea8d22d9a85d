"""Customer-facing pages: anyone may open a ticket and follow it with the emailed link."""

from django.core.signing import BadSignature, Signer
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import CreateView

from .forms import PublicFollowUpForm, PublicTicketForm
from .models import FollowUp, Queue, Ticket

signer = Signer(salt="helpdesk.ticket")


class PublicTicketCreate(CreateView):
    model = Ticket
    form_class = PublicTicketForm
    template_name = "helpdesk/public_create.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["queues"] = Queue.objects.filter(public=True)
        return kwargs


def view_ticket(request, token):
    try:
        ticket_id = signer.unsign(token)
    except BadSignature as exc:
        raise Http404 from exc
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    return render(request, "helpdesk/public_ticket.html", {"ticket": ticket})


@require_POST
def public_followup(request, token):
    try:
        ticket_id = signer.unsign(token)
    except BadSignature as exc:
        raise Http404 from exc
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    form = PublicFollowUpForm(request.POST)
    if form.is_valid():
        FollowUp.objects.create(ticket=ticket, comment=form.cleaned_data["comment"], public=True)
    return redirect("helpdesk:public_ticket", token=token)
