"""Media on S3-compatible object storage with django-storages: an example.

Not part of the default install. To use it: `pip install "django-storages[s3]"`
(it brings boto3), then append this block to the end of config/settings.py (or
import it from there) and set DJANGO_MEDIA_STORAGE=s3 with the variables below
in /etc/coopsturing/coopsturing.env. Without DJANGO_MEDIA_STORAGE=s3 nothing
changes and django-storages is never imported.
"""

import environ

env = environ.Env()
STORAGES: dict  # defined earlier in config/settings.py

if env.str("DJANGO_MEDIA_STORAGE", default="local").strip().lower() == "s3":
    STORAGES["default"] = {  # noqa: F821 (defined in config/settings.py)
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            # Any S3-compatible service: AWS, MinIO, Ceph, a Dutch cloud provider.
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "access_key": env.str("S3_ACCESS_KEY_ID"),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY"),
            # Evidence and sealed reports hold personal data: the bucket stays
            # private and every download goes through the app's permission
            # checks (the app streams the file; no public or signed URLs).
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            # Never overwrite: stored names are random, a clash is an error.
            "file_overwrite": False,
            # Server-side encryption at rest.
            "object_parameters": {"ServerSideEncryption": "AES256"},
            "location": env.str("S3_PREFIX", default="media"),
        },
    }
