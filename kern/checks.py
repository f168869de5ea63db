"""System checks of the journal's set-up."""

from django.core.checks import Warning, register

from . import checkpoints


@register(deploy=True)
def journaal_sleutel(app_configs, **kwargs):
    """Without the checkpoint key, sealed years carry no signed checkpoint."""
    try:
        checkpoints.load_private_key()
    except checkpoints.CheckpointError as exc:
        return [
            Warning(
                f"Journaalcheckpoints worden niet ondertekend: {exc}.",
                hint="Maak een sleutel met: python manage.py journaal_sleutel",
                id="kern.W001",
            )
        ]
    return []
