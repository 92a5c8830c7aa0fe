from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (messages keyed by score id)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
