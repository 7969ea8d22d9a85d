"""Worker that syncs invoices to the ERP, stores PDFs and asks an LLM to categorise them."""

import logging
import time
import uuid

import boto3
import openai
import requests
from botocore.exceptions import ClientError
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import Timeout
from tenacity import retry, stop_after_attempt, wait_random_exponential

log = logging.getLogger("erp-sync")
s3 = boto3.client("s3")
llm = openai.OpenAI()
ERP_URL = "https://erp.internal.example/api"


class ErpSession(requests.Session):
    def __init__(self, token):
        super().__init__()
        self.headers["Authorization"] = f"Token {token}"


class ErpClient:
    def __init__(self, token):
        self.session = ErpSession(token)

    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=60), reraise=True)
    def create_invoice(self, invoice):
        response = self.session.post(  # expect: PR102
            f"{ERP_URL}/invoices", json=invoice, timeout=30
        )
        response.raise_for_status()
        return response.json()["id"]

    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=60), reraise=True)
    def create_invoice_idempotent(self, invoice):
        response = self.session.post(
            f"{ERP_URL}/invoices",
            json=invoice,
            headers={"Idempotency-Key": f"invoice-{invoice['number']}"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["id"]

    @retry(stop=stop_after_attempt(5), reraise=True)
    def invoice_status(self, erp_id):
        return self.session.get(f"{ERP_URL}/invoices/{erp_id}", timeout=10).json()["status"]

    @retry(stop=stop_after_attempt(5), reraise=True)
    def token(self, client_id, secret):
        response = self.session.post(
            f"{ERP_URL}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            },
            timeout=10,
        )
        return response.json()["access_token"]

    def book_payment(self, erp_id, amount):
        payload = {"invoice": erp_id, "amount": str(amount)}
        for attempt in range(4):
            try:
                response = self.session.post(  # expect: PR102
                    f"{ERP_URL}/payments", json=payload, timeout=30
                )
                response.raise_for_status()
                return response.json()
            except (Timeout, RequestsConnectionError):
                log.warning("booking payment for %s failed (attempt %d)", erp_id, attempt)
                time.sleep(2**attempt)
        raise RuntimeError(f"could not book payment for {erp_id}")

    def book_payment_keyed(self, erp_id, amount, payment_id):
        payload = {"invoice": erp_id, "amount": str(amount)}
        headers = {"Idempotency-Key": payment_id}
        for attempt in range(4):
            try:
                response = self.session.post(
                    f"{ERP_URL}/payments", json=payload, headers=headers, timeout=30
                )
                response.raise_for_status()
                return response.json()
            except Timeout:
                time.sleep(2**attempt)
        raise RuntimeError(f"could not book payment for {erp_id}")

    def add_comment(self, erp_id, text):
        request_id = str(uuid.uuid4())
        for attempt in range(3):
            try:
                return self.session.post(
                    f"{ERP_URL}/invoices/{erp_id}/comments",
                    json={"text": text},
                    headers={"X-Idempotency-Key": request_id},
                    timeout=10,
                )
            except Timeout:
                time.sleep(attempt + 1)
        return None


@retry(stop=stop_after_attempt(6), wait=wait_random_exponential(min=1, max=60))
def categorise(description):
    completion = llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Categorise this expense: {description}"}],
    )
    return completion.choices[0].message.content


@retry(stop=stop_after_attempt(3), reraise=True)
def store_pdf(invoice_number, pdf_bytes):
    s3.put_object(Bucket="invoices", Key=f"{invoice_number}.pdf", Body=pdf_bytes)


def archive_pdf(invoice_number):
    for attempt in range(3):
        try:
            s3.copy_object(
                Bucket="archive",
                Key=f"{invoice_number}.pdf",
                CopySource={"Bucket": "invoices", "Key": f"{invoice_number}.pdf"},
            )
            return True
        except ClientError:
            time.sleep(attempt)
    return False
