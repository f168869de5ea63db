"""Where uploaded files (evidence, signed agreements, sealed reports) live,
chosen by the environment alone: `DJANGO_MEDIA_BACKEND=lokaal|s3|azure`.

`lokaal` (default) is a folder (`DJANGO_MEDIA_ROOT`), for one machine. `s3` and
`azure` are object storage through django-storages, the optional extras
`pip install ".[s3]"` / `".[azure]"`, for several app servers and workers
(docs/deploy.md, "Media on object storage"). Either way the bucket or container
stays private: every download is streamed through the app after its permission
checks, and a stored file is never overwritten.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

import environ

BACKENDS = ("lokaal", "s3", "azure")


def _set(options: dict) -> dict:
    """The options the environment gave; the library's default for the rest."""
    return {key: value for key, value in options.items() if value not in (None, "")}


def _s3(env: environ.Env) -> dict:
    sse = env.str("S3_SERVER_SIDE_ENCRYPTION", default="AES256")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _set(
            {
                "bucket_name": env.str("S3_BUCKET"),
                # Any S3-compatible service: AWS, MinIO, Ceph, a Dutch provider.
                "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
                "region_name": env.str("S3_REGION", default=None),
                # Unset: boto3's own chain (AWS_* variables, an instance role).
                "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
                "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
                # `path` for MinIO and some other S3-compatible services.
                "addressing_style": env.str("S3_ADDRESSING_STYLE", default=None),
                "location": env.str("S3_PREFIX", default="media"),
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                # Encryption at rest; empty for a service that refuses the header.
                "object_parameters": {"ServerSideEncryption": sse} if sse else None,
            }
        ),
    }


def _azure(env: environ.Env) -> dict:
    connection_string = env.str("AZURE_CONNECTION_STRING", default="")
    if not connection_string and not env.str("AZURE_ACCOUNT_NAME", default=""):
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_BACKEND=azure needs AZURE_ACCOUNT_NAME (with "
            "AZURE_ACCOUNT_KEY or AZURE_SAS_TOKEN) or AZURE_CONNECTION_STRING."
        )
    return {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": _set(
            {
                "azure_container": env.str("AZURE_CONTAINER"),
                "connection_string": connection_string,
                "account_name": env.str("AZURE_ACCOUNT_NAME", default=None),
                "account_key": env.str("AZURE_ACCOUNT_KEY", default=None),
                "sas_token": env.str("AZURE_SAS_TOKEN", default=None),
                "endpoint_suffix": env.str("AZURE_ENDPOINT_SUFFIX", default=None),
                "location": env.str("AZURE_PREFIX", default="media"),
                "expiration_secs": 60,
                "overwrite_files": False,
            }
        ),
    }


def media_storage(env: environ.Env) -> dict:
    """`STORAGES["default"]` for the backend the environment names."""
    backend = env.str("DJANGO_MEDIA_BACKEND", default="lokaal").strip().lower()
    if backend == "lokaal":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend == "s3":
        return _s3(env)
    if backend == "azure":
        return _azure(env)
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_BACKEND={backend!r}: use one of {', '.join(BACKENDS)}."
    )
