"""Template filters of the print templates."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def cssstring(value) -> str:
    """Text for inside a double-quoted CSS string (a running header or footer):
    backslash, quote and line breaks escaped, `<` written as a CSS escape so the
    text can never close the surrounding <style> element."""
    text = str(value)
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\A ")
        .replace("\r", "")
        .replace("<", "\\3C ")
    )
    return mark_safe(escaped)
