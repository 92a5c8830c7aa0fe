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
