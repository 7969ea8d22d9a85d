"""Celery tasks that notify customers: SMS, e-mail, push and queue hand-offs."""

import boto3
import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.template.loader import render_to_string
from firebase_admin import messaging
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from .celery import app
from .models import Device, Order

twilio = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
sqs = boto3.client("sqs")


@shared_task(bind=True, autoretry_for=(TwilioRestException,), retry_backoff=True, max_retries=5)
def send_order_sms(self, order_id):
    order = Order.objects.get(pk=order_id)
    twilio.messages.create(  # expect: PR102
        to=order.phone,
        from_=settings.TWILIO_FROM,
        body=f"Your order {order.reference} has shipped.",
    )


@app.task(bind=True, max_retries=4, default_retry_delay=30)
def send_receipt(self, order_id):
    order = Order.objects.select_related("customer").get(pk=order_id)
    html = render_to_string("emails/receipt.html", {"order": order})
    msg = EmailMultiAlternatives(
        subject=f"Receipt {order.reference}",
        body=f"Thanks for order {order.reference}",
        to=[order.customer.email],
    )
    msg.attach_alternative(html, "text/html")
    try:
        msg.send()  # expect: PR102
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(autoretry_for=(messaging.UnregisteredError, ConnectionError), max_retries=3)
def push_delivery_update(device_id, title, body):
    device = Device.objects.get(pk=device_id)
    message = messaging.Message(
        notification=messaging.Notification(title=title, body=body), token=device.fcm_token
    )
    return messaging.send(message)  # expect: PR102


@shared_task(autoretry_for=(requests.exceptions.ConnectTimeout,), max_retries=5)
def register_shipment(order_id):
    order = Order.objects.get(pk=order_id)
    # only connection set-up failures are retried: the carrier never saw the request
    response = requests.post(
        settings.CARRIER_URL, json={"reference": order.reference}, timeout=(3.05, 20)
    )
    return response.json()


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=3)
def hand_off_to_fulfilment(self, order_id):
    order = Order.objects.get(pk=order_id)
    sqs.send_message(
        QueueUrl=settings.FULFILMENT_QUEUE_URL,
        MessageBody=order.to_json(),
        MessageGroupId=str(order.warehouse_id),
        MessageDeduplicationId=f"order-{order.pk}",
    )


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=3)
def alert_staff(self, order_id):
    order = Order.objects.get(pk=order_id)
    send_mail(  # expect: PR102
        f"Large order {order.reference}",
        f"Order {order.reference} totals {order.total}",
        settings.DEFAULT_FROM_EMAIL,
        settings.SALES_TEAM,
    )


@shared_task(autoretry_for=(requests.RequestException,), max_retries=10)
def refresh_tracking(order_id):
    order = Order.objects.get(pk=order_id)
    status = requests.get(f"{settings.CARRIER_URL}/{order.tracking_number}", timeout=10).json()
    Order.objects.filter(pk=order_id).update(tracking_status=status["state"])


@shared_task
def send_sms_without_retry(phone, text):
    twilio.messages.create(to=phone, from_=settings.TWILIO_FROM, body=text)


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True)
def notify_partner(self, order_id, partner_url):
    order = Order.objects.get(pk=order_id)
    requests.post(  # expect: PR102
        partner_url,
        json={"order": order.reference, "total": str(order.total)},
        timeout=10,
    )


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True)
def notify_partner_keyed(self, order_id, partner_url):
    order = Order.objects.get(pk=order_id)
    requests.post(
        partner_url,
        json={"order": order.reference, "total": str(order.total)},
        headers={"Idempotency-Key": f"order-{order.pk}-partner"},
        timeout=10,
    )
