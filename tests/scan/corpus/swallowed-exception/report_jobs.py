# ruff: noqa: E722, SIM105, F841
"""Nightly reporting jobs: exports to S3, emails to account managers, metrics."""

import csv
import io
import logging

import boto3
import structlog
from botocore.exceptions import ClientError
from reports.db import Session
from reports.mail import send_mail
from reports.models import Account, Report

log = structlog.get_logger()
std_logger = logging.getLogger(__name__)
s3 = boto3.client("s3")


def upload_report(report: Report, bucket: str) -> str | None:
    buf = io.StringIO()
    csv.writer(buf).writerows(report.rows())
    try:
        s3.put_object(Bucket=bucket, Key=report.key, Body=buf.getvalue().encode())
    except ClientError as err:
        log.error("report_upload_failed", key=report.key, error=str(err))
        return None
    return report.key


def email_managers(report: Report):
    for account in Account.active():
        try:
            send_mail(account.manager_email, "Nightly report", report.summary())
        except Exception as e:  # expect: PR103
            pass


def generate_all():
    session = Session()
    done = 0
    for report in session.query(Report).filter_by(status="pending"):
        try:
            report.generate()
            session.commit()
            done += 1
        except Exception:
            session.rollback()
            log.exception("report_generation_failed", report_id=report.id)
    return done


def archive_old_reports(days: int):
    session = Session()
    try:
        session.query(Report).filter(Report.age_days > days).delete()
        session.commit()
    except Exception:  # expect: PR103
        session.rollback()
    finally:
        session.close()


def account_name(account_id):
    try:
        return Account.get(account_id).name
    except Exception:  # expect: PR103
        return "unknown"


def object_exists(bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        # narrow: a 404 means "no such object"
        return False
    return True


def publish_metrics(stats: dict):
    try:
        from datadog import statsd
    except Exception:
        # optional dependency
        return
    for name, value in stats.items():
        try:
            statsd.gauge(f"reports.{name}", value)
        except:  # expect: PR103
            break


def retry_failed(reports):
    for report in reports:
        try:
            report.generate()
        except Exception as exc:
            # the error is kept on the report for the UI
            report.error = str(exc)
            report.status = "failed"


def cleanup_tmp(paths):
    import os

    for path in paths:
        try:
            os.remove(path)
        except Exception:
            # best-effort clean-up of temporary files
            pass


def summary_line(report):
    try:
        return f"{report.title}: {report.total:,.2f}"
    except Exception:
        std_logger.warning("bad report totals for %s", report.id, exc_info=True)
        raise
