# ruff: noqa: SIM105
"""Celery tasks for the billing service: Stripe customers, invoices and refunds."""

import logging

import sentry_sdk
import stripe
from billing.db import db
from billing.models import Invoice, PaymentEvent, Subscription
from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def delete_stripe_customer(customer_id):
    try:
        stripe.Customer.delete(customer_id)
    except Exception:  # expect: PR103
        pass


@shared_task(bind=True, max_retries=5)
def sync_invoice(self, invoice_id):
    invoice = Invoice.query.get(invoice_id)
    try:
        remote = stripe.Invoice.retrieve(invoice.stripe_id)
    except stripe.error.RateLimitError as exc:
        raise self.retry(exc=exc, countdown=30) from exc
    except Exception as exc:
        # retried by Celery: not swallowed
        raise self.retry(exc=exc) from exc
    invoice.status = remote.status
    db.session.commit()


@shared_task
def process_payment_event(event_id):
    event = PaymentEvent.query.get(event_id)
    try:
        handle_event(event.payload)
    except Exception:
        # logged with the traceback
        logger.exception("payment event %s failed", event_id)
        event.failed = True
    db.session.commit()


def handle_event(payload):
    kind = payload.get("type")
    if kind == "invoice.paid":
        try:
            mark_paid(payload["data"]["object"]["id"])
        except Exception:  # expect: PR103
            logger.warning("could not mark invoice paid")
        return {"handled": True}
    return {"handled": False}


def mark_paid(stripe_invoice_id):
    invoice = Invoice.query.filter_by(stripe_id=stripe_invoice_id).one()
    invoice.paid = True
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def cancel_subscription(subscription_id):
    sub = Subscription.query.get(subscription_id)
    try:
        stripe.Subscription.delete(sub.stripe_id)
    except Exception:  # expect: PR103
        return {"status": "cancelled"}
    sub.active = False
    db.session.commit()
    return {"status": "cancelled"}


def refund_charge(charge_id, amount):
    try:
        return stripe.Refund.create(charge=charge_id, amount=amount)
    except stripe.error.InvalidRequestError:
        # narrow: the charge was already refunded
        return None


def card_declined(charge_id):
    try:
        stripe.Charge.retrieve(charge_id)
    except stripe.error.CardError:
        return True
    return False


@shared_task
def report_usage(subscription_item, quantity):
    try:
        stripe.SubscriptionItem.create_usage_record(subscription_item, quantity=quantity)
    except Exception:
        # reported to Sentry
        sentry_sdk.capture_exception()


@shared_task
def refresh_all_invoices():
    for invoice in Invoice.query.filter_by(paid=False):
        try:
            sync_invoice.delay(invoice.id)
        except Exception:  # expect: PR103
            continue


def upcoming_total(customer_id):
    try:
        upcoming = stripe.Invoice.upcoming(customer=customer_id)
    except Exception as exc:
        # the exception is used
        logger.info("no upcoming invoice for %s: %s", customer_id, exc)
        return 0
    return upcoming.amount_due
