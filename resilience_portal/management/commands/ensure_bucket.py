"""Create the object-storage bucket if it is missing (MinIO or the local S3 server at
start-up); waits for the store to answer. Nothing to do when files live on the disk."""

import time

from botocore.exceptions import BotoCoreError, ClientError
from django.core.management.base import BaseCommand, CommandError
from storages.backends.s3 import S3Storage

from resilience_portal.storage import stores


class Command(BaseCommand):
    help = "Create the object-storage bucket if it does not exist yet."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=30, help="seconds to wait for the store")

    def handle(self, *args, wait, **options):
        store = stores()["private"]
        if not isinstance(store, S3Storage):
            self.stdout.write("Files are stored on the local disk; no bucket to create.")
            return
        client = store.connection.meta.client
        deadline = time.monotonic() + wait
        while True:
            try:
                return self._ensure(client, store.bucket_name)
            except (BotoCoreError, ClientError) as error:
                if time.monotonic() > deadline:
                    raise CommandError(f"The object store does not answer: {error}") from error
                time.sleep(1)

    def _ensure(self, client, name):
        try:
            client.head_bucket(Bucket=name)
            self.stdout.write(f"Bucket {name} is there.")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
            client.create_bucket(Bucket=name)
            self.stdout.write(f"Bucket {name} created (private: no public policy).")
