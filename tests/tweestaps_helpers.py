"""A user's authenticator app in tests: the code its device takes next."""

from __future__ import annotations

import time

import pyotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def next_code(app: pyotp.TOTP, user) -> str:
    """The code the user's device accepts next: the step the device holds
    for now (its learned clock drift included) or, when that step's code is
    spent, the one after; both lie inside the one step of tolerance.

    A code of `time.time() + 30` is not enough: when enrolment straddles a
    30-second boundary the device learns a drift of -1 step, and a code one
    step ahead of the wall clock then falls outside its window."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(now, device.last_t + 1)
    return app.at(device.t0 + step * device.step)
