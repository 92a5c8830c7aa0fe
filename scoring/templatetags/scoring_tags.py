from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (messages keyed by score id)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def rule_text(criterion):
    """A criterion's scoring rule in words (scoring.rules.rule_text)."""
    from scoring.rules import rule_text as words

    return words(criterion.rule, criterion.rule_params, criterion.max_points)


@register.filter
def points(value):
    """Stored points with 2 decimals, or as many as they have up to 4 (4,50; 4,125; 10,0025):
    a score cell must not show a 4-decimal value rounded to 2, or re-saving it would change it."""
    from decimal import Decimal

    from cchc_portal.templatetags.portal import num

    if value is None or value == "":
        return ""
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return num(value, min(4, max(2, decimals)))
