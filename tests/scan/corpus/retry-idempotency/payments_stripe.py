"""Payment service of a shop back end: Stripe calls wrapped in tenacity retries."""

import logging
import uuid

import stripe
from django.conf import settings
from stripe import StripeClient
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

log = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY
client = StripeClient(settings.STRIPE_SECRET_KEY)

TRANSIENT = (stripe.error.APIConnectionError, stripe.error.RateLimitError)
stripe_retry = retry(
    retry=retry_if_exception_type(TRANSIENT),
    wait=wait_random_exponential(multiplier=0.5, max=8),
    stop=stop_after_attempt(4),
    reraise=True,
)


@retry(wait=wait_random_exponential(max=10), stop=stop_after_attempt(3), reraise=True)
def create_payment_intent(order):
    intent = stripe.PaymentIntent.create(  # expect: PR102
        amount=order.total_cents,
        currency=order.currency,
        metadata={"order_id": order.id},
        automatic_payment_methods={"enabled": True},
    )
    log.info("created intent %s for order %s", intent.id, order.id)
    return intent


@retry(wait=wait_random_exponential(max=10), stop=stop_after_attempt(3), reraise=True)
def capture_payment(intent_id, order_id):
    return stripe.PaymentIntent.capture(intent_id, idempotency_key=f"capture-{order_id}")


@retry(stop=stop_after_attempt(3), reraise=True)
def refund_charge(charge_id, amount_cents):
    return stripe.Refund.create(  # expect: PR102
        charge=charge_id, amount=amount_cents, idempotency_key=str(uuid.uuid4())
    )


@retry(stop=stop_after_attempt(5), reraise=True)
def load_intent(intent_id):
    return stripe.PaymentIntent.retrieve(intent_id)


@retry(stop=stop_after_attempt(5), reraise=True)
def tag_intent(intent_id, tags):
    return stripe.PaymentIntent.modify(intent_id, metadata={"tags": ",".join(tags)})


@retry(stop=stop_after_attempt(3), reraise=True)
def ensure_customer(user):
    if user.stripe_customer_id:
        return stripe.Customer.retrieve(user.stripe_customer_id)
    customer = stripe.Customer.create(email=user.email, name=user.get_full_name())  # expect: PR102
    user.stripe_customer_id = customer.id
    user.save(update_fields=["stripe_customer_id"])
    return customer


@retry(stop=stop_after_attempt(3), reraise=True)
def ensure_customer_keyed(user):
    return stripe.Customer.create(email=user.email, idempotency_key=f"customer-{user.pk}")


@retry(stop=stop_after_attempt(3), reraise=True)
def open_subscription(customer_id, price_id, request_key):
    return client.subscriptions.create(
        params={"customer": customer_id, "items": [{"price": price_id}]},
        options={"idempotency_key": request_key},
    )


@retry(stop=stop_after_attempt(3), reraise=True)
def deposit(customer_id, amount_cents):
    return client.payment_intents.create(  # expect: PR102
        params={"customer": customer_id, "amount": amount_cents, "currency": "eur", "confirm": True}
    )


@stripe_retry
def payout(account_id, amount_cents):
    key = uuid.uuid4().hex
    log.info("payout %s for %s", key, account_id)
    return stripe.Payout.create(  # expect: PR102
        amount=amount_cents, currency="eur", stripe_account=account_id, idempotency_key=key
    )


def charge_once(order, token):
    # no retry at all: a single attempt is not this rule's business
    return stripe.Charge.create(amount=order.total_cents, currency="eur", source=token)


def refund_with_manual_retry(charge_id, amount_cents, attempts=3):
    last_error = None
    for _ in range(attempts):
        try:
            return client.refunds.create(  # expect: PR102
                params={"charge": charge_id, "amount": amount_cents}
            )
        except stripe.error.APIConnectionError as exc:
            last_error = exc
            log.warning("refund of %s failed, retrying", charge_id)
    raise RuntimeError("refund failed") from last_error


def transfer_with_manual_retry(destination, amount_cents, transfer_group):
    key = f"transfer-{transfer_group}-{destination}"
    for attempt in range(3):
        try:
            return stripe.Transfer.create(
                amount=amount_cents,
                currency="eur",
                destination=destination,
                transfer_group=transfer_group,
                idempotency_key=key,
            )
        except stripe.error.APIConnectionError:
            log.warning("transfer attempt %d failed", attempt + 1)
    return None
