"""Names in a parsed query replaced by every name search knows for them (the authority's variants,
and the declined forms of a Russian surname), so a query for one finds the others."""

from __future__ import annotations

from . import variants
from .name_forms import surname_cases
from .query_syntax import And, Not, Or, Phrase, Variants, Word, simplify


def expand_variants(node: object | None, names: variants.VariantMap) -> object | None:
    """Replace names that have known variants (single words, runs of adjacent words, or phrases)."""
    if isinstance(node, Word):
        group = names.group_for(tuple(variants.fold_tokens(node.text)))
        return Variants(_with_cases(group.names), node.field) if group and _variant_field_ok(node.field) else node
    if isinstance(node, Phrase):
        group = names.group_for(tuple(variants.fold_tokens(node.text)))
        return Variants(_with_cases(group.names), node.field) if group and _variant_field_ok(node.field) else node
    if isinstance(node, Not):
        return Not(expand_variants(node.node, names))
    if isinstance(node, Or):
        return Or([expand_variants(i, names) for i in node.items])
    if isinstance(node, And):
        return simplify(And(_expand_runs(node.items, names)))
    return node


def _with_cases(names: tuple[str, ...]) -> tuple[str, ...]:
    """A group's names and the declined forms that find a Russian surname in any case (name_forms)."""
    return (*names, *(case for name in names for case in surname_cases(name)))


def _variant_field_ok(field_name: str | None) -> bool:
    return field_name in {None, "title", "place", "person", "subject", "organization"}


def _expand_runs(items: list, names: variants.VariantMap) -> list:
    """Adjacent plain words that together spell a name ("Port Arthur") become one Variants node."""
    out: list = []
    i = 0
    while i < len(items):
        matched = False
        for n in range(variants.MAX_NAME_TOKENS, 1, -1):
            run = items[i:i + n]
            if len(run) == n and all(isinstance(w, Word) and w.field is None for w in run):
                group = names.group_for(tuple(variants.fold_tokens(" ".join(w.text for w in run))))
                if group:
                    out.append(Variants(_with_cases(group.names)))
                    i += n
                    matched = True
                    break
        if not matched:
            out.append(expand_variants(items[i], names))
            i += 1
    return out
