"""Benchmark: sealing the largest year an accepted input makes.

Every printed name and text at its maximum length (see
`tests/afspraken/maximaal.py`), eight toezeggingen, N activities with a
description of 5,000 characters and as many bookings; `toetsing_vaststellen`
renders and seals the nalevingsrapport. Prints the seconds of the seal and the
pages of the PDF.

Not a test: run `python bench/seal.py` (options: --activiteiten N, --runs R).
"""

from __future__ import annotations

import argparse
import io
import time

from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activiteiten", type=int, default=40)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    setup_django()

    from django.db import transaction

    import pypdf

    from afspraken import services
    from afspraken.models import Rapport
    from tests.afspraken.maximaal import (
        assess_to_the_maximum,
        fill_year_to_the_maximum,
    )
    from tests.conftest import make_tenant

    times, pages = [], 0
    for run in range(args.runs):
        with transaction.atomic():
            tenant = make_tenant(chr(ord("A") + run))
            toetsing = fill_year_to_the_maximum(tenant, activiteiten=args.activiteiten)
            toetsing = services.toetsing_indienen(
                toetsing=toetsing, actor=tenant.bestuur
            )
            assess_to_the_maximum(toetsing, tenant)
            start = time.perf_counter()
            toetsing = services.toetsing_vaststellen(
                toetsing=toetsing, actor=tenant.beheerder
            )
            times.append(time.perf_counter() - start)
            data = Rapport.objects.get(toetsing=toetsing).pdf.read()
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    print(
        f"seal of a year at maximum lengths ({args.activiteiten} activities): "
        f"best {min(times):.1f} s of {args.runs}, {pages} pages"
    )


if __name__ == "__main__":
    main()
