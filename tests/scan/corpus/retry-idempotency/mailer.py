"""Transactional messaging helpers: SMTP, Amazon SES/SNS, SendGrid and Slack."""

import logging
import smtplib
import time
from email.message import EmailMessage

import backoff
import boto3
from botocore.exceptions import ClientError, EndpointConnectionError
from jinja2 import Environment, PackageLoader
from python_http_client.exceptions import HTTPError as SendGridError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .config import settings

log = logging.getLogger(__name__)
templates = Environment(loader=PackageLoader("notifications"), autoescape=True)
ses = boto3.client("ses", region_name="eu-west-1")
sns = boto3.client("sns", region_name="eu-west-1")
sg = SendGridAPIClient(settings.SENDGRID_API_KEY)
slack = WebClient(token=settings.SLACK_BOT_TOKEN)


def smtp_send(message: EmailMessage, retries: int = 3) -> None:
    for attempt in range(1, retries + 1):
        try:
            with smtplib.SMTP(settings.SMTP_HOST, 587, timeout=20) as server:
                server.starttls()
                server.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
                server.send_message(message)  # expect: PR102
            return
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("smtp attempt %d/%d failed: %s", attempt, retries, exc)
            if attempt == retries:
                raise
            time.sleep(attempt * 2)


@retry(stop=stop_after_attempt(4), wait=wait_exponential(max=30), reraise=True)
def ses_send(to: str, subject: str, html: str) -> str:
    response = ses.send_email(  # expect: PR102
        Source=settings.MAIL_FROM,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Html": {"Data": html}}},
    )
    return response["MessageId"]


@retry(
    retry=retry_if_exception_type(EndpointConnectionError),
    stop=stop_after_attempt(4),
    reraise=True,
)
def ses_send_connect_retry(to: str, subject: str, html: str) -> str:
    response = ses.send_email(
        Source=settings.MAIL_FROM,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Html": {"Data": html}}},
    )
    return response["MessageId"]


@backoff.on_exception(backoff.expo, SendGridError, max_tries=5)
def sendgrid_send(to: str, template_id: str, data: dict) -> int:
    message = Mail(from_email=settings.MAIL_FROM, to_emails=to)
    message.template_id = template_id
    message.dynamic_template_data = data
    return sg.send(message).status_code  # expect: PR102


@retry(stop=stop_after_attempt(3), reraise=True)
def render(template: str, context: dict) -> str:
    return templates.get_template(template).render(**context)


@backoff.on_exception(backoff.expo, ClientError, max_tries=3)
def sms_alert(phone: str, text: str) -> None:
    sns.publish(PhoneNumber=phone, Message=text)  # expect: PR102


@backoff.on_exception(backoff.expo, ClientError, max_tries=3)
def ses_quota() -> dict:
    return ses.get_send_quota()


def post_to_channel(channel: str, text: str) -> None:
    delay = 1
    while True:
        try:
            # only 429 (rejected, not posted) is retried: safe to send again
            slack.chat_postMessage(channel=channel, text=text)
            break
        except SlackApiError as exc:
            if exc.response.status_code != 429:
                raise
            time.sleep(delay)
            delay *= 2


@retry(retry=retry_if_exception_type(SlackApiError), stop=stop_after_attempt(3), reraise=True)
def post_incident(channel: str, text: str) -> str:
    response = slack.chat_postMessage(channel=channel, text=text)  # expect: PR102
    return response["ts"]


def send_digest(recipients: list[str], html: str) -> dict:
    failures = {}
    for address in recipients:
        try:
            ses_send_connect_retry(address, "Your weekly digest", html)
        except ClientError as exc:
            failures[address] = str(exc)
    return failures
