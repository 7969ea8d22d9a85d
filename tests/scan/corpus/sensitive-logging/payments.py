"""Card payments for the checkout service (Stripe plus a legacy gateway)."""

import logging

import stripe
import structlog
from checkout.gateway import LegacyGateway
from checkout.models import Customer, Payment
from django.conf import settings

logger = logging.getLogger(__name__)
log = structlog.get_logger("checkout.payments")

stripe.api_key = settings.STRIPE_SECRET_KEY


def charge_legacy(customer: Customer, card_number: str, expiry: str, cvv: str, amount: int):
    logger.info("Charging card %s for %s", card_number, amount)  # expect: PR104
    logger.info("Charging card ending %s for %s", card_number[-4:], amount)
    logger.debug("cvv=%s expiry=%s", cvv, expiry)  # expect: PR104
    gateway = LegacyGateway(settings.LEGACY_GATEWAY_URL)
    result = gateway.charge(card_number=card_number, expiry=expiry, cvv=cvv, amount=amount)
    log.info(  # expect: PR104
        "legacy_charge", customer_id=customer.id, card_number=card_number, ok=result.ok
    )
    log.info("legacy_charge_result", customer_id=customer.id, reference=result.reference)
    return result


def charge_stripe(customer: Customer, amount: int, currency: str = "usd"):
    logger.debug("stripe key in use: %s", stripe.api_key)  # expect: PR104
    logger.info("Stripe configured: %s", bool(settings.STRIPE_SECRET_KEY))
    intent = stripe.PaymentIntent.create(
        amount=amount,
        currency=currency,
        customer=customer.stripe_id,
        confirm=True,
    )
    log.info("payment_intent_created", intent_id=intent.id, amount=amount, status=intent.status)
    logger.debug("client secret for %s: %s", intent.id, intent.client_secret)  # expect: PR104
    Payment.objects.create(customer=customer, intent_id=intent.id, amount=amount)
    return intent


def verify_identity(customer: Customer, ssn: str, date_of_birth: str):
    logger.info(  # expect: PR104
        "identity check",
        extra={"customer": customer.id, "ssn": ssn},
    )
    logger.info("identity check for customer %s, ssn ending %s", customer.id, ssn[-4:])
    logger.info("KYC submitted for %s", customer.id, extra={"fields": ["ssn", "date_of_birth"]})
    return customer.kyc.submit(ssn=ssn, date_of_birth=date_of_birth)


def save_card(customer: Customer, card: dict):
    log.info(
        "saving_card", customer_id=customer.id, brand=card.get("brand"), last4=card.get("last4")
    )
    log.debug("card_payload", card=card)  # expect: PR104
    pm = stripe.PaymentMethod.create(type="card", card=card)
    stripe.PaymentMethod.attach(pm.id, customer=customer.stripe_id)
    log.info("card_saved", payment_method=pm.id, fingerprint=pm.card.fingerprint)
    return pm


def webhook_received(payload: bytes, sig_header: str):
    logger.info("stripe webhook, %d bytes", len(payload))
    logger.debug("stripe signature header: %s", sig_header)
    event = stripe.Webhook.construct_event(payload, sig_header, settings.STRIPE_WEBHOOK_SECRET)
    logger.info("webhook event %s (%s)", event.id, event.type)
    logger.debug("webhook secret prefix %s", settings.STRIPE_WEBHOOK_SECRET[:6])
    return event
