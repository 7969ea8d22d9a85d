# ruff: noqa: SIM105
"""Background worker that mirrors CRM contacts into the local database."""

import logging
import os
import shutil
import sys
import tempfile
import time

import requests
import sentry_sdk
from crm.client import CrmClient, CrmError
from crm.store import ContactStore

logger = logging.getLogger("crm.sync")


class SyncWorker:
    def __init__(self, client: CrmClient, store: ContactStore):
        self.client = client
        self.store = store
        self.running = True
        self.last_error = None

    def run_forever(self, interval=60):
        while self.running:
            try:
                self.sync_once()
            except KeyboardInterrupt:
                self.running = False
            except BaseException:  # expect: PR103
                pass
            time.sleep(interval)

    def sync_once(self):
        for page in self.client.pages("contacts"):
            for contact in page:
                try:
                    self.store.upsert(contact)
                except Exception:  # expect: PR103
                    continue

    def sync_deleted(self):
        for contact_id in self.client.deleted_ids():
            try:
                self.store.delete(contact_id)
            except Exception:
                logger.exception("could not delete contact %s", contact_id)
                continue

    def push_changes(self, changes):
        for change in changes:
            try:
                self.client.update(change.contact_id, change.fields)
            except CrmError as err:
                self.last_error = err
            except Exception:
                sentry_sdk.capture_exception()
                continue

    def fetch_avatar(self, url):
        try:
            resp = requests.get(url, timeout=5)
            resp.raise_for_status()
        except (requests.RequestException, Exception):  # expect: PR103
            return None
        return resp.content

    def export(self, path):
        tmp = tempfile.mkdtemp()
        try:
            self.store.dump(os.path.join(tmp, "contacts.csv"))
            shutil.move(os.path.join(tmp, "contacts.csv"), path)
        finally:
            try:
                shutil.rmtree(tmp)
            except Exception:
                # best-effort clean-up of a temporary directory
                pass

    def stop(self):
        self.running = False
        try:
            self.client.close()
        except Exception:
            # clean-up on shutdown
            pass

    def contact_count(self):
        try:
            return self.store.count()
        except Exception:  # expect: PR103
            return 0

    def health(self):
        try:
            self.client.ping()
        except Exception as exc:
            return {"ok": False, "error": repr(exc)}
        return {"ok": True}


def main():
    worker = SyncWorker(CrmClient.from_env(), ContactStore.from_env())
    try:
        worker.run_forever()
    except Exception:
        logger.critical("sync worker crashed", exc_info=True)
        sys.exit(1)
