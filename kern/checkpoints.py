"""Signed checkpoints of the journal's chain heads.

A checkpoint says "at this moment chain X ended at entry #n with hash h", signed
with an Ed25519 key that lives in a file, never in the database
(settings.JOURNAAL_SLEUTEL). Shipped off the machine, it lets `verify_ledger
--checkpoint FILE` prove that nobody with database access truncated a chain or
rebuilt it after an edit: the checkpointed entry must still be in the chain with
the same hash.

The file is JSON: {"inhoud": "<the signed JSON text>", "sleutel": "<public key,
hex>", "handtekening": "<signature, hex>"}. The signed text is canonical JSON of
{"soort", "versie", "tijdstip", "aanleiding", "ketens": {name: {"seq", "hash"}}}.

The same key signs the auditor page's verification marks (AuditChainVerification):
the runtime database role can rewrite a mark, so the incremental check starts
from one only if its signature verifies, else from the newest stored checkpoint
whose signature verifies (see journal.verify_incremental).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from . import journal
from .models import AuditChainVerification, AuditCheckpoint, AuditEntry

logger = logging.getLogger("coopsturing.security")

SOORT = "coopsturing-journaalcheckpoint"
VERSIE = 1
# A checkpoint file is small (a line per chain); anything far larger is refused
# before it is parsed.
MAX_BESTAND_BYTES = 16 * 1024 * 1024


class CheckpointError(Exception):
    """A checkpoint or key that cannot be used; the message says why (Dutch)."""


# Keys -------------------------------------------------------------------------


def key_path() -> Path | None:
    value = getattr(settings, "JOURNAAL_SLEUTEL", "")
    return Path(value) if value else None


def generate_key(path: Path) -> Ed25519PublicKey:
    """Write a new private key (mode 0600) to `path` and its public key beside
    it (`path` + ".pub"). Refuses to overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public = private.public_key()
    Path(f"{path}.pub").write_bytes(public_pem(public))
    return public


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_hex(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    ).hex()


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = path or key_path()
    if path is None:
        raise CheckpointError("JOURNAAL_SLEUTEL moet naar een sleutelbestand wijzen")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(
            f"de journaalsleutel {path} moet leesbaar zijn ({exc.strerror}); maak "
            "er een met: python manage.py journaal_sleutel"
        ) from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} moet een Ed25519-sleutel in PEM zijn") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} moet een Ed25519-sleutel zijn")
    return key


def load_public_key(path: Path | None = None) -> Ed25519PublicKey:
    """The key checkpoints are checked against: the given public key file, else
    settings.JOURNAAL_PUBLIEKE_SLEUTEL, else the public half of the signing key."""
    if path is None and getattr(settings, "JOURNAAL_PUBLIEKE_SLEUTEL", ""):
        path = Path(settings.JOURNAAL_PUBLIEKE_SLEUTEL)
    if path is None:
        return load_private_key().public_key()
    try:
        with path.open("rb") as fh:
            data = fh.read(64 * 1024)
        key = serialization.load_pem_public_key(data)
    except OSError as exc:
        raise CheckpointError(
            f"de publieke sleutel {path} moet leesbaar zijn ({exc.strerror})"
        ) from exc
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} moet een publieke sleutel in PEM zijn") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} moet een publieke Ed25519-sleutel zijn")
    return key


def trusted_key_or_none() -> Ed25519PublicKey | None:
    """The key marks and stored checkpoints are checked against (as
    load_public_key), or None when none is configured or readable."""
    try:
        return load_public_key()
    except CheckpointError:
        return None


def signing_key_or_none() -> Ed25519PrivateKey | None:
    try:
        return load_private_key()
    except CheckpointError:
        return None


# Making checkpoints -------------------------------------------------------------


def sign_heads(
    koppen: Iterable[journal.Kop],
    *,
    aanleiding: str = "",
    key: Ed25519PrivateKey | None = None,
) -> AuditCheckpoint:
    """Sign these heads and store the checkpoint (append-only)."""
    key = key or load_private_key()
    moment = timezone.now()
    inhoud = journal.canonical_json(
        {
            "soort": SOORT,
            "versie": VERSIE,
            "tijdstip": moment,
            "aanleiding": aanleiding,
            "ketens": {k.keten: {"seq": k.seq, "hash": k.hash} for k in koppen},
        }
    )
    return AuditCheckpoint.objects.create(
        created_at=moment,
        inhoud=inhoud,
        sleutel=public_hex(key.public_key()),
        handtekening=key.sign(inhoud.encode("utf-8")).hex(),
        aanleiding=aanleiding[:60],
    )


def sign_heads_if_key(
    koppen: Iterable[journal.Kop], *, aanleiding: str
) -> AuditCheckpoint | None:
    """As sign_heads, but a missing key is logged instead of raised: sealing a
    year never waits for an operator's key. `check --deploy` warns about it."""
    try:
        key = load_private_key()
    except CheckpointError as exc:
        logger.warning("journaalcheckpoint niet gemaakt (%s): %s", aanleiding, exc)
        return None
    return sign_heads(koppen, aanleiding=aanleiding, key=key)


def document(checkpoint: AuditCheckpoint) -> bytes:
    """The checkpoint as a file an operator or auditor keeps."""
    return (
        json.dumps(
            {
                "inhoud": checkpoint.inhoud,
                "sleutel": checkpoint.sleutel,
                "handtekening": checkpoint.handtekening,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    ).encode("utf-8")


# Signed verification marks ------------------------------------------------------

MARK_SOORT = "coopsturing-ketenverificatie"
MARK_VERSIE = 1


def mark_text(keten: str, seq: int, hash_: str, verified_at) -> str:
    """The text a verification mark's signature covers."""
    return journal.canonical_json(
        {
            "soort": MARK_SOORT,
            "versie": MARK_VERSIE,
            "keten": keten,
            "seq": seq,
            "hash": hash_,
            "tijdstip": verified_at,
        }
    )


def sign_mark(kop: journal.Kop, verified_at, key: Ed25519PrivateKey) -> str:
    """The signature (hex) of a mark saying `kop` verified at `verified_at`."""
    text = mark_text(kop.keten, kop.seq, kop.hash, verified_at)
    return key.sign(text.encode("utf-8")).hex()


def mark_signature_ok(mark: AuditChainVerification, public: Ed25519PublicKey) -> bool:
    """Whether the mark's signature verifies with the trusted key: only then
    may a check start from it."""
    try:
        signature = bytes.fromhex(mark.handtekening)
        text = mark_text(mark.keten, mark.seq, mark.hash, mark.verified_at)
        public.verify(signature, text.encode("utf-8"))
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


# The most stored checkpoints read when looking for a chain's newest signed
# head, newest first: the search stops there even if rows that do not verify
# (put there by someone with database access) fill the table.
MAX_CHECKPOINTS_GEZOCHT = 100
CHECKPOINT_PAGINA = 10


def checkpointed_heads(
    ketens: Iterable[str], public: Ed25519PublicKey
) -> dict[str, tuple[int, str]]:
    """For each of these chains, (seq, hash) from the newest stored checkpoint
    that holds it with an entry (seq > 0) and whose signature verifies with
    `public`; chains found in none are left out. Reads at most
    MAX_CHECKPOINTS_GEZOCHT rows, CHECKPOINT_PAGINA a query, newest first."""
    wanted = set(ketens)
    found: dict[str, tuple[int, str]] = {}
    if not wanted:
        return found
    # A prefilter only (a chain's name as a key of "ketens"); what counts is
    # the signed content, parsed below.
    candidates = Q(pk__in=[])
    for keten in wanted:
        candidates |= Q(inhoud__contains=json.dumps(keten, ensure_ascii=False) + ":")
    rows = AuditCheckpoint.objects.filter(candidates).order_by("-created_at", "-pk")
    for offset in range(0, MAX_CHECKPOINTS_GEZOCHT, CHECKPOINT_PAGINA):
        page = list(rows[offset : offset + CHECKPOINT_PAGINA])
        for checkpoint in page:
            try:
                payload = verified_payload(
                    checkpoint.inhoud,
                    checkpoint.sleutel,
                    checkpoint.handtekening,
                    public,
                )
            except CheckpointError:
                continue
            for keten in wanted - set(found):
                kop = payload["ketens"].get(keten)
                if kop is not None and kop["seq"] > 0:
                    found[keten] = (kop["seq"], kop["hash"])
        if len(page) < CHECKPOINT_PAGINA or set(found) == wanted:
            break
    return found


# Checking checkpoints -------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    ok: bool
    message: str
    keten: str = ""
    seq: int | None = None


def read_document(data: bytes, public: Ed25519PublicKey) -> dict[str, Any]:
    """The signed content of a checkpoint file, after its signature is checked."""
    if len(data) > MAX_BESTAND_BYTES:
        raise CheckpointError(
            f"een checkpointbestand mag hoogstens {MAX_BESTAND_BYTES} bytes zijn"
        )
    try:
        doc = json.loads(data.decode("utf-8"))
        inhoud, sleutel, handtekening = (
            doc["inhoud"],
            doc["sleutel"],
            doc["handtekening"],
        )
        if not all(isinstance(v, str) for v in (inhoud, sleutel, handtekening)):
            raise TypeError
        bytes.fromhex(handtekening)
        # A JSON escape of a lone surrogate decodes but cannot be encoded.
        inhoud.encode("utf-8")
    except (UnicodeError, ValueError, KeyError, TypeError, RecursionError) as e:
        raise CheckpointError(
            "een checkpointbestand moet JSON zijn met inhoud, sleutel en handtekening"
        ) from e
    return verified_payload(inhoud, sleutel, handtekening, public)


def verified_payload(
    inhoud: str, sleutel: str, handtekening: str, public: Ed25519PublicKey
) -> dict[str, Any]:
    """The signed content of a checkpoint (a file's or a stored row's), after
    its key and signature are checked against `public`."""
    try:
        signature = bytes.fromhex(handtekening)
        signed = inhoud.encode("utf-8")
    except (UnicodeError, ValueError, TypeError) as e:
        raise CheckpointError(
            "een checkpoint moet een handtekening in hex en leesbare inhoud hebben"
        ) from e
    if sleutel != public_hex(public):
        # Quoted (repr): the file's text never reaches a terminal as it is.
        raise CheckpointError(
            "het checkpoint moet ondertekend zijn met de vertrouwde sleutel "
            f"({public_hex(public)[:16]}…), niet met {sleutel[:16]!r}…"
        )
    try:
        public.verify(signature, signed)
    except InvalidSignature as exc:
        raise CheckpointError(
            "de handtekening van het checkpoint moet kloppen; de inhoud is gewijzigd"
        ) from exc
    try:
        payload = json.loads(inhoud)
        ketens = payload["ketens"]
        valid = (
            payload.get("soort") == SOORT
            and payload.get("versie") == VERSIE
            and isinstance(payload.get("tijdstip"), str)
            and isinstance(ketens, dict)
            and all(
                isinstance(kop, dict)
                and type(kop.get("seq")) is int
                and kop["seq"] >= 0
                and isinstance(kop.get("hash"), str)
                for kop in ketens.values()
            )
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        valid = False
    if not valid:
        raise CheckpointError(f"het checkpoint moet van soort {SOORT} {VERSIE} zijn")
    return payload


def check_against_journal(payload: dict[str, Any]) -> Checked:
    """Every checkpointed head must still be in its chain, with the same hash.
    (That the chains themselves verify is `journal.verify_chain`'s part.)"""
    for keten, kop in sorted(payload["ketens"].items()):
        seq, hash_ = kop["seq"], kop["hash"]
        if seq == 0:
            continue
        entry = AuditEntry.objects.filter(keten=keten, seq=seq).only("hash").first()
        if entry is None:
            return Checked(
                False,
                f"keten {keten}: journaalregel #{seq} uit het checkpoint van "
                f"{payload['tijdstip']} ontbreekt; de keten is ingekort",
                keten,
                seq,
            )
        if entry.hash != hash_:
            return Checked(
                False,
                f"keten {keten}: journaalregel #{seq} heeft niet meer de hash uit "
                f"het checkpoint van {payload['tijdstip']} ({hash_[:12]}…); de keten "
                "is herschreven",
                keten,
                seq,
            )
    return Checked(True, f"{len(payload['ketens'])} ketenkoppen uit het checkpoint")
