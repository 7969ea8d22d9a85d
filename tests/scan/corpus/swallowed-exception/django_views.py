# ruff: noqa: E722
"""Django views of a ticketing app: webhooks, attachments, profile pages."""

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from tickets.models import Attachment, Profile, Ticket
from tickets.notify import notify_assignee

logger = logging.getLogger(__name__)


def get_profile(user):
    try:
        return Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        # narrow: no profile yet
        return None


def load_settings(profile):
    try:
        return json.loads(profile.settings_json)
    except Exception:  # expect: PR103
        return {}


@csrf_exempt
@require_POST
def helpdesk_webhook(request):
    try:
        payload = json.loads(request.body)
        Ticket.objects.create_from_email(payload)
    except Exception:  # expect: PR103
        return HttpResponse(status=200)
    return HttpResponse(status=201)


@login_required
def ticket_detail(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk, owner=request.user)
    try:
        attachments = list(ticket.attachments.all())
    except Exception:  # expect: PR103
        attachments = []
    return render(request, "tickets/detail.html", {"ticket": ticket, "attachments": attachments})


@login_required
@require_POST
def assign(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    ticket.assignee_id = request.POST["assignee"]
    ticket.save()
    try:
        notify_assignee(ticket)
    except Exception:
        # the user sees an error message and the log has the traceback
        messages.error(request, "Assigned, but the assignee could not be notified.")
        logger.warning("notification failed for ticket %s", ticket.pk, exc_info=True)
    return redirect("ticket-detail", pk=pk)


@login_required
def download(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk, ticket__owner=request.user)
    try:
        data = attachment.file.read()
    except Exception as exc:
        logger.error("attachment %s unreadable: %s", pk, exc)
        return HttpResponse("Attachment unavailable", status=503)
    return HttpResponse(data, content_type=attachment.content_type)


@login_required
def close_ticket(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk, owner=request.user)
    try:
        ticket.close()
    except:  # expect: PR103
        return JsonResponse({"status": "closed"})
    return JsonResponse({"status": "closed"})


@login_required
def ticket_stats(request):
    try:
        stats = Ticket.objects.stats_for(request.user)
    except Exception:
        # failure reported to the caller as an error
        return JsonResponse({"error": "stats unavailable"}, status=503)
    return JsonResponse(stats)


def safe_priority(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        # narrow handler
        return 3


@login_required
def reopen(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk, owner=request.user)
    try:
        ticket.reopen()
    except Exception:  # expect: PR103
        logger.info("reopen skipped for ticket %s", pk)
    return redirect("ticket-detail", pk=pk)
