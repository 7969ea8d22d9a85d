"""Checkout adapters for several payment providers, each with its own retry habit."""

import logging
import time
import uuid

import backoff
import braintree
import paypalrestsdk
import razorpay
from django.conf import settings
from square.client import Client as SquareClient
from tenacity import retry, stop_after_attempt, wait_fixed

log = logging.getLogger(__name__)

gateway = braintree.BraintreeGateway(
    braintree.Configuration(
        braintree.Environment.Production,
        merchant_id=settings.BT_MERCHANT_ID,
        public_key=settings.BT_PUBLIC_KEY,
        private_key=settings.BT_PRIVATE_KEY,
    )
)
square = SquareClient(access_token=settings.SQUARE_TOKEN, environment="production")
razorpay_client = razorpay.Client(auth=(settings.RZP_KEY_ID, settings.RZP_KEY_SECRET))


class GatewayTimeout(Exception):
    pass


@backoff.on_exception(
    backoff.expo, (braintree.exceptions.TooManyRequestsError, GatewayTimeout), max_tries=4
)
def braintree_sale(order, nonce):
    result = gateway.transaction.sale(  # expect: PR102
        {
            "amount": str(order.total),
            "payment_method_nonce": nonce,
            "order_id": order.reference,
            "options": {"submit_for_settlement": True},
        }
    )
    if not result.is_success:
        raise GatewayTimeout(result.message)
    return result.transaction.id


@backoff.on_exception(backoff.expo, GatewayTimeout, max_tries=4)
def braintree_status(transaction_id):
    return gateway.transaction.find(transaction_id).status


def square_payment(order, source_id):
    for attempt in range(3):
        try:
            return square.payments.create_payment(  # expect: PR102
                body={
                    "source_id": source_id,
                    "idempotency_key": str(uuid.uuid4()),
                    "amount_money": {"amount": order.total_cents, "currency": "USD"},
                }
            )
        except TimeoutError:
            log.warning("square payment attempt %d timed out", attempt + 1)
            time.sleep(1 + attempt)
    raise GatewayTimeout(order.reference)


def square_payment_keyed(order, source_id):
    idempotency_key = f"{order.reference}-payment"
    for attempt in range(3):
        try:
            return square.payments.create_payment(
                body={
                    "source_id": source_id,
                    "idempotency_key": idempotency_key,
                    "amount_money": {"amount": order.total_cents, "currency": "USD"},
                }
            )
        except TimeoutError:
            time.sleep(1 + attempt)
    raise GatewayTimeout(order.reference)


def paypal_checkout(order, return_url, cancel_url):
    payment = None
    for _ in range(3):
        try:
            payment = paypalrestsdk.Payment(
                {
                    "intent": "sale",
                    "payer": {"payment_method": "paypal"},
                    "redirect_urls": {"return_url": return_url, "cancel_url": cancel_url},
                    "transactions": [{"amount": {"total": str(order.total), "currency": "EUR"}}],
                }
            )
            if payment.create():  # expect: PR102
                break
        except ConnectionError:
            time.sleep(2)
    return payment


@retry(stop=stop_after_attempt(3), wait=wait_fixed(2), reraise=True)
def razorpay_order(order):
    return razorpay_client.order.create(  # expect: PR102
        data={"amount": order.total_paise, "currency": "INR", "receipt": order.reference}
    )


@retry(stop=stop_after_attempt(3), wait=wait_fixed(2), reraise=True)
def razorpay_fetch(payment_id):
    return razorpay_client.payment.fetch(payment_id)


@retry(stop=stop_after_attempt(3), wait=wait_fixed(2), reraise=True)
def adyen_capture(checkout, psp_reference, amount):
    return checkout.modifications_api.capture_authorised_payment(  # expect: PR102
        {"amount": amount, "merchantAccount": settings.ADYEN_MERCHANT}, psp_reference
    )


@retry(stop=stop_after_attempt(3), wait=wait_fixed(2), reraise=True)
def adyen_capture_keyed(checkout, psp_reference, amount, capture_id):
    return checkout.modifications_api.capture_authorised_payment(
        {"amount": amount, "merchantAccount": settings.ADYEN_MERCHANT},
        psp_reference,
        idempotency_key=capture_id,
    )
