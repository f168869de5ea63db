"""The sealed nalevingsrapporten: each sealed once with the SHA-256 of its bytes,
verifiable later from the bytes or the sum, and checked against the journal.
Also the auditor bundle (one ZIP per corporatie-year). The document itself is
`afspraken.nalevingsrapport`."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

import pypdf

from kern import checkpoints, journal
from kern.mail import taal_van
from kern.models import AuditCheckpoint, AuditEntry

from .models import Rapport, Toetsing
from .nalevingsrapport import JOURNAAL_BIJLAGE, render_nalevingsrapport
from .pdf import rapporttaal


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(*, pdf: bytes | None = None, sha256: str | None = None) -> Rapport | None:
    """The sealed report these bytes (or this SHA-256) are, or None."""
    if pdf is not None:
        sha256 = sha256_of(pdf)
    if not sha256:
        return None
    sha256 = sha256.strip().lower()
    return (
        Rapport.objects.select_related("toetsing__afspraak__cooperatie")
        .filter(sha256=sha256)
        .first()
    )


def too_large_message(size: int | None = None) -> str:
    """The refusal of a file to verify that is larger than VERIFIEER_MAX_BYTES
    (a sealed nalevingsrapport is some tens of kilobytes: a file far larger
    cannot be one); the form and the API say the same."""
    limit = filesizeformat(settings.VERIFIEER_MAX_BYTES)
    if size is None:
        return _("Een rapport om te verifiëren mag hoogstens %(max)s zijn.") % {
            "max": limit
        }
    return _(
        "Dit bestand is te groot (%(grootte)s): een rapport om te verifiëren mag "
        "hoogstens %(max)s zijn."
    ) % {"grootte": filesizeformat(size), "max": limit}


def sealing_checkpoint(rapport: Rapport) -> AuditCheckpoint | None:
    """The checkpoint signed at this report's sealing: among the rows made for
    it, the first whose signature holds with the trusted key and whose heads
    cover the seal entry (the corporatie's head is that entry or later, with the
    hash the chain has). A row that was merely inserted later, such as a copy of
    an older checkpoint, does not qualify. None without a usable one."""
    try:
        public = checkpoints.load_public_key()
    except checkpoints.CheckpointError:
        return None
    afspraak = rapport.toetsing.afspraak
    keten = rapport.journaal_keten or journal.corporatie_keten(afspraak.corporatie_id)
    seal = _seal_entries(keten, [rapport.toetsing_id]).get(str(rapport.toetsing_id))
    if seal is None:
        return None
    candidates = AuditCheckpoint.objects.filter(
        aanleiding=f"afspraken.rapport:{rapport.pk}"
    ).order_by("created_at", "pk")
    for checkpoint in candidates:
        try:
            payload = checkpoints.read_document(
                checkpoints.document(checkpoint), public
            )
        except checkpoints.CheckpointError:
            continue
        kop = payload["ketens"].get(keten)
        if kop is None or kop["seq"] < seal.seq:
            continue
        entry = journal.entry_at(keten, kop["seq"])
        if entry is not None and entry.hash == kop["hash"]:
            return checkpoint
    return None


def auditor_bundle(*, rapporten, corporatie_naam: str, jaar: int) -> bytes:
    """One ZIP: every sealed PDF, its attached data, and a manifest of SHA-256 sums."""
    buffer = io.BytesIO()
    sums: list[tuple[str, str]] = []
    sleutels: set[str] = set()
    # ZIP dates start in 1980; any earlier year is stamped 1 January 1980.
    stamp = (jaar, 12, 31, 0, 0, 0) if jaar >= 1980 else (1980, 1, 1, 0, 0, 0)

    def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
        sums.append((sha256_of(data), name))

    with zipfile.ZipFile(buffer, "w") as zf:
        for rapport in rapporten:
            toetsing = rapport.toetsing
            stem = f"{toetsing.jaar}-toetsing-{toetsing.pk}"
            with rapport.pdf.open("rb") as fh:
                pdf = fh.read()
            if sha256_of(pdf) != rapport.sha256:
                # A stored file that no longer matches its seal is evidence of
                # tampering or corruption: never hand it out as the sealed report.
                raise ValueError(
                    f"het opgeslagen bestand van rapport {rapport.pk} klopt niet "
                    "met de SHA-256 van de verzegeling"
                )
            add(zf, f"{stem}/nalevingsrapport.pdf", pdf)
            # The signed heads of the journal chains right after the seal.
            checkpoint = sealing_checkpoint(rapport)
            if checkpoint is not None:
                add(
                    zf,
                    f"{stem}/journaalcheckpoint.json",
                    checkpoints.document(checkpoint),
                )
                sleutels.add(checkpoint.sleutel)
            # The data exactly as sealed inside the PDF, not regenerated.
            for name, contents in sorted(
                pypdf.PdfReader(io.BytesIO(pdf)).attachments.items()
            ):
                add(zf, f"{stem}/{name}", contents[0])
        if sleutels:
            try:
                public = checkpoints.load_public_key()
            except checkpoints.CheckpointError:
                public = None
            if public is not None and checkpoints.public_hex(public) in sleutels:
                add(zf, "journaal-publieke-sleutel.pem", checkpoints.public_pem(public))
        manifest = "".join(f"{digest}  {name}\n" for digest, name in sums)
        zf.writestr(zipfile.ZipInfo("SHA256SUMS", date_time=stamp), manifest)
        zf.writestr(
            zipfile.ZipInfo("LEESMIJ.txt", date_time=stamp),
            f"Auditorbundel {corporatie_naam}, {jaar}\n\n"
            "Elke map bevat een verzegeld nalevingsrapport met de gegevens die erin\n"
            "zijn bijgevoegd. SHA256SUMS bevat de SHA-256 van elk bestand;\n"
            "controleer met: sha256sum -c SHA256SUMS\n\n"
            "journaalcheckpoint.json bevat de koppen van de journaalketens van de\n"
            "corporatie en de coöperatie direct na de verzegeling, ondertekend met\n"
            "de sleutel in journaal-publieke-sleutel.pem (Ed25519). Bewaar ze: met\n"
            "verify_ledger --checkpoint blijkt later of de ketens nog dezelfde zijn.\n",
        )
    return buffer.getvalue()


def seal(toetsing: Toetsing, *, actor) -> Rapport:
    """Render the nalevingsrapport of a vastgestelde toetsing once and store it
    with the SHA-256 of its bytes.

    The PDF prints the heads of the corporatie's and the cooperatie's journal
    chains as committed before sealing, and is rendered before any chain lock is
    taken: the seconds of rendering hold up no other writer. The vaststellen
    entry that records this seal follows these heads in the corporatie's chain
    (`verify_sealed_reports` checks that order)."""
    if Rapport.objects.filter(toetsing=toetsing).exists():
        raise ValidationError(
            {
                "toetsing": _(
                    "Een toetsing mag maar één verzegeld rapport hebben: deze "
                    "toetsing heeft al een verzegeld rapport."
                )
            }
        )
    afspraak = toetsing.afspraak
    kop = journal.head_of(journal.corporatie_keten(afspraak.corporatie_id))
    kop_cooperatie = journal.head_of(journal.cooperatie_keten(afspraak.cooperatie_id))
    # The report is written in the language of the one who seals it.
    taal = rapporttaal(taal_van(actor))
    pdf = render_nalevingsrapport(
        toetsing,
        journaal_hash=kop.hash,
        moment=toetsing.vastgesteld_op,
        journaal_koppen=(kop, kop_cooperatie),
        taal=taal,
    )
    rapport = Rapport(
        toetsing=toetsing,
        taal=taal,
        sha256=sha256_of(pdf),
        journaal_hash=kop.hash,
        journaal_keten=kop.keten,
        journaal_seq=kop.seq,
        cooperatie_journaal_seq=kop_cooperatie.seq,
        cooperatie_journaal_hash=kop_cooperatie.hash,
        created_by=actor,
    )
    rapport.pdf.save(
        f"nalevingsrapport-{toetsing.jaar}-toetsing-{toetsing.pk}.pdf",
        ContentFile(pdf),
        save=False,
    )
    rapport.save()
    return rapport


def _printed_heads_problems(naam: str, pdf: bytes) -> list[str]:
    """The heads attached inside the sealed PDF must still be in their chains
    with the same hashes. A PDF sealed before heads were attached has none."""
    try:
        attached = pypdf.PdfReader(io.BytesIO(pdf)).attachments.get(JOURNAAL_BIJLAGE)
        if not attached:
            return []
        ketens = json.loads(attached[0])["ketens"]
        heads = [(str(k), int(v["seq"]), str(v["hash"])) for k, v in ketens.items()]
    except (pypdf.errors.PdfReadError, ValueError, KeyError, TypeError) as exc:
        return [
            f"de journaalkoppen in het PDF-bestand van {naam} moeten leesbaar "
            f"zijn ({exc})"
        ]
    problems = []
    for keten, seq, hash_ in sorted(heads):
        if seq == 0:
            continue
        entry = journal.entry_at(keten, seq)
        if entry is None or entry.hash != hash_:
            problems.append(
                f"keten {keten}: journaalregel #{seq} die {naam} afdrukt moet nog in "
                f"de keten staan met hash {hash_[:12]}…; de keten is herschreven of "
                "ingekort"
            )
    return problems


def journaal_koppen_of(rapport: Rapport) -> tuple[journal.Kop, ...]:
    """The chain heads a sealed report printed, as recorded on it."""
    if not rapport.journaal_keten:
        return ()
    afspraak = rapport.toetsing.afspraak
    return (
        journal.Kop(
            rapport.journaal_keten, rapport.journaal_seq, rapport.journaal_hash
        ),
        journal.Kop(
            journal.cooperatie_keten(afspraak.cooperatie_id),
            rapport.cooperatie_journaal_seq,
            rapport.cooperatie_journaal_hash,
        ),
    )


def _seal_entries(keten: str, toetsing_ids) -> dict[str, AuditEntry]:
    """The first vaststellen entry (the seal) of each of these toetsingen in a
    corporatie's chain, by toetsing id as text, in one query."""
    found: dict[str, AuditEntry] = {}
    for entry in AuditEntry.objects.filter(
        keten=keten,
        action="toetsing_vaststellen",
        object_type="afspraken.toetsing",
        object_id__in=[str(pk) for pk in toetsing_ids],
    ).order_by("seq"):
        found.setdefault(entry.object_id, entry)
    return found


def verify_sealed_reports(
    ketens: Iterable[str] | None = None, *, check_files: bool = True
) -> list[str]:
    """Every sealed report against the journal: the heads it printed are still
    in their chains with the same hashes, its vaststellen entry (the seal) is in
    the corporatie's chain after the printed head and names the report's
    SHA-256, and (with `check_files`) the stored PDF still has that SHA-256 and
    the heads attached inside it are in their chains; and every seal entry names
    a report that still exists. The journal is read a few queries per batch of
    reports, not per report. Returns the problems found, in Dutch; empty when
    all hold."""
    wanted = set(ketens) if ketens is not None else None
    problems: list[str] = []
    rapporten = Rapport.objects.select_related("toetsing__afspraak").order_by("pk")
    if wanted is not None:
        # Only the reports of these chains' corporaties are read, so the cost
        # does not grow with other tenants' reports.
        owners = [journal.keten_eigenaar(naam) for naam in wanted]
        rapporten = rapporten.filter(
            toetsing__afspraak__corporatie_id__in=[
                pk for soort, pk in filter(None, owners) if soort == "corporatie"
            ]
        )
    batch: list[Rapport] = []
    for rapport in rapporten.iterator(chunk_size=500):
        batch.append(rapport)
        if len(batch) == 500:
            problems.extend(_verify_report_batch(batch, wanted, check_files))
            batch = []
    problems.extend(_verify_report_batch(batch, wanted, check_files))
    problems.extend(_seals_without_report(wanted))
    return problems


def _verify_report_batch(
    batch: list[Rapport], wanted: set[str] | None, check_files: bool
) -> list[str]:
    def keten_of_rapport(rapport: Rapport) -> str:
        return rapport.journaal_keten or journal.corporatie_keten(
            rapport.toetsing.afspraak.corporatie_id
        )

    batch = [r for r in batch if wanted is None or keten_of_rapport(r) in wanted]
    if not batch:
        return []
    # The journal entries the batch names, each kind in one query.
    printed = Q(pk__in=[])
    for rapport in batch:
        if rapport.journaal_hash and rapport.journaal_hash != journal.GENESIS_HASH:
            printed |= Q(keten=keten_of_rapport(rapport), hash=rapport.journaal_hash)
        if rapport.cooperatie_journaal_seq:
            printed |= Q(
                keten=journal.cooperatie_keten(rapport.toetsing.afspraak.cooperatie_id),
                seq=rapport.cooperatie_journaal_seq,
            )
    by_hash, by_seq = {}, {}
    for entry in AuditEntry.objects.filter(printed).only("keten", "seq", "hash"):
        by_hash[entry.keten, entry.hash] = entry
        by_seq[entry.keten, entry.seq] = entry
    seals: dict[str, dict[str, AuditEntry]] = {}
    for keten in {keten_of_rapport(r) for r in batch}:
        seals[keten] = _seal_entries(
            keten, [r.toetsing_id for r in batch if keten_of_rapport(r) == keten]
        )

    problems: list[str] = []
    for rapport in batch:
        afspraak = rapport.toetsing.afspraak
        keten = keten_of_rapport(rapport)
        naam = f"rapport {rapport.pk} (toetsing {rapport.toetsing_id})"
        anchor_seq = 0
        if rapport.journaal_hash and rapport.journaal_hash != journal.GENESIS_HASH:
            anchor = by_hash.get((keten, rapport.journaal_hash))
            if anchor is None or (
                rapport.journaal_seq is not None and anchor.seq != rapport.journaal_seq
            ):
                problems.append(
                    f"keten {keten}: de journaalhash van {naam} "
                    f"({rapport.journaal_hash[:12]}…, regel #{rapport.journaal_seq}) "
                    "moet in de keten staan; de keten is herschreven of ingekort"
                )
                continue
            anchor_seq = anchor.seq
        seal_entry = seals[keten].get(str(rapport.toetsing_id))
        if seal_entry is None:
            problems.append(
                f"keten {keten}: de verzegeling van {naam} moet in de keten staan; "
                "regels na de verzegeling zijn verwijderd"
            )
            continue
        if (seal_entry.after or {}).get("rapport_sha256") != rapport.sha256:
            problems.append(
                f"keten {keten}: journaalregel #{seal_entry.seq} moet de SHA-256 van "
                f"{naam} noemen"
            )
            continue
        if seal_entry.seq <= anchor_seq:
            problems.append(
                f"keten {keten}: de verzegeling van {naam} (regel #{seal_entry.seq}) "
                f"moet na de afgedrukte kop (regel #{anchor_seq}) staan"
            )
            continue
        if rapport.cooperatie_journaal_seq:
            coop_keten = journal.cooperatie_keten(afspraak.cooperatie_id)
            entry = by_seq.get((coop_keten, rapport.cooperatie_journaal_seq))
            if entry is None or entry.hash != rapport.cooperatie_journaal_hash:
                problems.append(
                    f"keten {coop_keten}: journaalregel "
                    f"#{rapport.cooperatie_journaal_seq} uit {naam} moet nog in de "
                    "keten staan met dezelfde hash; de keten is herschreven of "
                    "ingekort"
                )
                continue
        if check_files:
            try:
                with rapport.pdf.open("rb") as fh:
                    pdf = fh.read()
            except (OSError, ValueError):
                problems.append(f"het PDF-bestand van {naam} moet aanwezig zijn")
                continue
            if sha256_of(pdf) != rapport.sha256:
                problems.append(
                    f"het PDF-bestand van {naam} moet de SHA-256 van de verzegeling "
                    "hebben; het bestand is gewijzigd"
                )
                continue
            problems.extend(_printed_heads_problems(naam, pdf))
    return problems


def _seals_without_report(wanted: set[str] | None) -> list[str]:
    """The other direction: every seal entry in the chains names a report that
    still exists (a deleted Rapport row leaves its seal entry behind)."""
    seals = AuditEntry.objects.filter(
        action="toetsing_vaststellen", object_type="afspraken.toetsing"
    ).order_by("keten", "seq")
    if wanted is not None:
        seals = seals.filter(keten__in=wanted)
    named = [
        (keten, seq, object_id, (after or {}).get("rapport_sha256"))
        for keten, seq, object_id, after in seals.values_list(
            "keten", "seq", "object_id", "after"
        ).iterator(chunk_size=2000)
        if isinstance(after, dict) and after.get("rapport_sha256")
    ]
    shas = sorted({sha for *_, sha in named})
    existing: set[tuple[str, str]] = set()
    for i in range(0, len(shas), 500):
        existing.update(
            (str(toetsing_id), sha)
            for toetsing_id, sha in Rapport.objects.filter(
                sha256__in=shas[i : i + 500]
            ).values_list("toetsing_id", "sha256")
        )
    return [
        f"keten {keten}: journaalregel #{seq} verzegelde een rapport van toetsing "
        f"{object_id} met SHA-256 {sha[:12]}…; dat rapport moet bestaan, het is "
        "verwijderd"
        for keten, seq, object_id, sha in named
        if (object_id, sha) not in existing
    ]
