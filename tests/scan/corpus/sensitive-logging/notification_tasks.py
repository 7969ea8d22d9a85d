# ruff: noqa: UP031
"""Celery tasks that send SMS and e-mail through Twilio and SendGrid."""

import logging

from celery import shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from notify.models import Customer, Message
from sendgrid import SendGridAPIClient
from twilio.rest import Client as TwilioClient

logger = get_task_logger(__name__)
LOG = logging.getLogger("notify")


def twilio_client():
    sid = settings.TWILIO_ACCOUNT_SID
    auth_token = settings.TWILIO_AUTH_TOKEN
    LOG.debug("twilio account %s" % sid)
    LOG.debug("twilio auth %s/%s" % (sid, auth_token))  # expect: PR104
    return TwilioClient(sid, auth_token)


@shared_task(bind=True, max_retries=3)
def send_sms(self, message_id):
    message = Message.objects.get(pk=message_id)
    logger.info("Sending SMS %s to customer %s", message.pk, message.customer_id)
    logger.info(f"SMS body length {len(message.body)}")
    result = twilio_client().messages.create(
        to=message.customer.phone, from_=settings.TWILIO_FROM, body=message.body
    )
    logger.info(f"Twilio sid {result.sid} status {result.status}")
    return result.sid


@shared_task
def send_password_reset(customer_id, reset_token):
    customer = Customer.objects.get(pk=customer_id)
    link = f"{settings.SITE_URL}/reset/{reset_token}/"
    logger.info("Sending password reset to customer " + str(customer.pk))
    logger.debug("reset link: " + link)  # expect: PR104
    logger.debug(f"reset token: {reset_token}")  # expect: PR104
    client = SendGridAPIClient(settings.SENDGRID_API_KEY)
    LOG.debug("sendgrid client with key %s", settings.SENDGRID_API_KEY)  # expect: PR104
    LOG.debug("sendgrid key configured: %s", settings.SENDGRID_API_KEY is not None)
    client.send(customer.email, "Reset your password", link)
    logger.info("password reset mail queued for %s", customer.pk)


@shared_task
def update_payment_details(customer_id, card_number, cvc, exp_month, exp_year):
    customer = Customer.objects.get(pk=customer_id)
    logger.info(
        "updating card for %s: %s %s/%s",
        customer.pk,
        "*" * 12 + card_number[-4:],
        exp_month,
        exp_year,
    )
    logger.debug("card %s cvc %s", card_number, cvc)  # expect: PR104
    customer.update_card(card_number=card_number, cvc=cvc, exp_month=exp_month, exp_year=exp_year)


@shared_task
def record_signup(customer_id, ssn, date_of_birth):
    logger.info("signup for customer %s, dob on file: %s", customer_id, bool(date_of_birth))
    LOG.info("customer %s ssn=%s" % (customer_id, ssn))  # expect: PR104
    LOG.info("customer %s ssn provided: %s", customer_id, len(ssn) == 9)
    Customer.objects.filter(pk=customer_id).update(ssn_last4=ssn[-4:])


@shared_task
def audit_login(user_id, ip, user_agent, session_key):
    LOG.info("login user=%s ip=%s ua=%s", user_id, ip, user_agent)
    LOG.debug("login session key %s", session_key)  # expect: PR104
    LOG.info("session started for %s", user_id)


def debug_settings():
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_FROM", "SITE_URL"):
        print(name, getattr(settings, name))
    print("SENDGRID_API_KEY", settings.SENDGRID_API_KEY)  # expect: PR104
    print("TWILIO_AUTH_TOKEN set", bool(settings.TWILIO_AUTH_TOKEN))
