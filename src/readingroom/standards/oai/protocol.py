"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html): one request's arguments in,
one response document out. The web view only passes the arguments through (web/views/oai.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from lxml import etree

from readingroom.catalog import addresses
from readingroom.catalog.models import Record

from . import dates, dublin_core, tokens
from .dates import GRANULARITY, Window, datestamp
from .errors import OaiError, bad_argument
from .listing import PAGE_SIZE, Item, Selection, find, tombstones
from .sets import SPEC_PATTERN, SetMap

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = dublin_core.XSI
SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
FORMATS = {"oai_dc": (dublin_core.SCHEMA, dublin_core.OAI_DC)}
MAX_ARGUMENT = 300  # identifiers, set specs, dates; tokens have their own bound (tokens.MAX_LENGTH)
_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")

# For each verb: (required arguments, optional ones); a resumption token must come alone.
VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


def base_url() -> str:
    return addresses.oai(absolute=True)


def namespace() -> str:
    """The middle part of the archive's OAI identifiers (oai:<namespace>:<public id>)."""
    return settings.READINGROOM_OAI_NAMESPACE or urlsplit(settings.READINGROOM_BASE_URL).hostname or "localhost"


def oai_identifier(public_id: str) -> str:
    return f"oai:{namespace()}:{public_id}"


def public_id_of(identifier: str) -> str:
    prefix = f"oai:{namespace()}:"
    if not identifier.startswith(prefix) or len(identifier) == len(prefix):
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    return identifier[len(prefix):]


def respond(arguments: Mapping[str, Sequence[str]]) -> bytes:
    """The response document to a request with these arguments (each name with all the values it was given)."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} {SCHEMA}")
    etree.SubElement(root, f"{{{OAI}}}responseDate").text = datestamp(timezone.now())
    request = etree.SubElement(root, f"{{{OAI}}}request")
    request.text = base_url()
    try:
        verb, args = _checked(arguments)
        body = _VERB_HANDLERS[verb](args)
    except OaiError as error:
        if error.echoes_arguments:
            _echo(request, arguments)
        node = etree.SubElement(root, f"{{{OAI}}}error", code=error.code)
        node.text = error.message
    else:
        _echo(request, arguments)
        root.append(body)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _echo(request: etree._Element, arguments: Mapping[str, Sequence[str]]) -> None:
    """Each argument as the request gave it, where it fits the schema's type for that attribute: an error
    found before an argument was checked (an unknown format) must not echo an invalid date or set."""
    for name, values in arguments.items():
        if name in _ECHOED and values and _ECHOED[name](values[0]):
            request.set(name, dublin_core.xml_text(values[0]))


def _is_date(value: str) -> bool:
    try:
        dates.parse("date", value)
    except OaiError:
        return False
    return True


_ECHOED: dict[str, Callable[[str], object]] = {
    "verb": lambda value: value in VERBS,
    "identifier": lambda value: len(value) <= MAX_ARGUMENT,
    "metadataPrefix": _PREFIX.match,
    "from": _is_date,
    "until": _is_date,
    "set": SPEC_PATTERN.match,
    "resumptionToken": lambda value: len(value) <= tokens.MAX_LENGTH,
}


def _checked(arguments: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    verbs = arguments.get("verb") or []
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb is missing, repeated or not one of OAI-PMH's six.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    args: dict[str, str] = {}
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise bad_argument(f"{verb} does not take the argument '{name[:40]}'.")
        if len(values) != 1:
            raise bad_argument(f"The argument '{name}' is given more than once.")
        value = values[0]
        bound = tokens.MAX_LENGTH if name == "resumptionToken" else MAX_ARGUMENT
        if not value or len(value) > bound or dublin_core.xml_text(value) != value:
            raise bad_argument(f"The argument '{name}' is empty, longer than {bound} characters or not text.")
        args[name] = value
    if "resumptionToken" in args:
        if len(args) > 1:
            raise bad_argument("A resumption token must be the only argument besides the verb.")
        return verb, args
    missing = sorted(required - args.keys())
    if missing:
        raise bad_argument(f"{verb} needs the argument '{missing[0]}'.")
    if "metadataPrefix" in args:
        if not _PREFIX.match(args["metadataPrefix"]):
            raise bad_argument("The metadataPrefix is not a valid prefix.")
        if args["metadataPrefix"] not in FORMATS:
            raise OaiError("cannotDisseminateFormat", "The only metadata format is oai_dc.")
    if "set" in args and not SPEC_PATTERN.match(args["set"]):
        raise bad_argument("The set is not a valid setSpec.")
    if "identifier" in args and len(args["identifier"]) > MAX_ARGUMENT:
        raise bad_argument("The identifier is too long.")
    return verb, args


def _element(name: str, text: str | None = None, **attributes: str) -> etree._Element:
    node = etree.Element(f"{{{OAI}}}{name}", **attributes)
    if text is not None:
        node.text = dublin_core.xml_text(text)
    return node


def _child(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    node = _element(name, text, **attributes)
    parent.append(node)
    return node


def identify(args: dict[str, str]) -> etree._Element:
    node = _element("Identify")
    _child(node, "repositoryName", settings.READINGROOM_ARCHIVE_NAME)
    _child(node, "baseURL", base_url())
    _child(node, "protocolVersion", "2.0")
    _child(node, "adminEmail", settings.READINGROOM_OAI_ADMIN_EMAIL)
    earliest = [t for t in (Record.objects.aggregate(t=Min("updated"))["t"],
                            tombstones().aggregate(t=Min("withdrawn"))["t"]) if t is not None]
    _child(node, "earliestDatestamp", datestamp(min(earliest) if earliest else timezone.now()))
    _child(node, "deletedRecord", "persistent")
    _child(node, "granularity", GRANULARITY)
    return node


def list_metadata_formats(args: dict[str, str]) -> etree._Element:
    if "identifier" in args and find(public_id_of(args["identifier"])) is None:
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    node = _element("ListMetadataFormats")
    for prefix, (schema, namespace_uri) in FORMATS.items():
        fmt = _child(node, "metadataFormat")
        _child(fmt, "metadataPrefix", prefix)
        _child(fmt, "schema", schema)
        _child(fmt, "metadataNamespace", namespace_uri)
    return node


def _header(item: Item, sets: SetMap) -> etree._Element:
    header = _element("header", status="deleted") if item.deleted else _element("header")
    _child(header, "identifier", oai_identifier(item.public_id))
    _child(header, "datestamp", datestamp(item.datestamp))
    if not item.deleted:  # where a restricted record sits is not told either
        for spec in sets.record_specs(item.collection_id, item.theme_ids):
            _child(header, "setSpec", spec)
    return header


def _record(item: Item, sets: SetMap) -> etree._Element:
    node = _element("record")
    node.append(_header(item, sets))
    if not item.deleted and item.record is not None:
        _child(node, "metadata").append(dublin_core.element(item.record))
    return node


def get_record(args: dict[str, str]) -> etree._Element:
    item = find(public_id_of(args["identifier"]))
    if item is None:
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    node = _element("GetRecord")
    node.append(_record(item, SetMap()))
    return node


def _token(parent: etree._Element, payload: dict | None, cursor: int, resumed: bool) -> None:
    """The last page of a list resumed by tokens ends with an empty token; an unsplit list has none."""
    if payload is not None:
        _child(parent, "resumptionToken", tokens.make(payload), cursor=str(cursor))
    elif resumed:
        _child(parent, "resumptionToken", cursor=str(cursor))


def list_sets(args: dict[str, str]) -> etree._Element:
    after: tuple[int, int] = (-1, 0)
    cursor = 0
    if "resumptionToken" in args:
        payload = tokens.read(args["resumptionToken"], "ListSets")
        after, cursor = tuple(payload["after"]), payload["n"]
    remaining = [s for s in SetMap().all() if s.key > after]
    if not remaining:
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "The sets after this token have gone since.")
        raise OaiError("noSetHierarchy", "This archive has no sets yet.")
    page = remaining[:PAGE_SIZE]
    node = _element("ListSets")
    for oai_set in page:
        entry = _child(node, "set")
        _child(entry, "setSpec", oai_set.spec)
        _child(entry, "setName", oai_set.name)
    more = len(remaining) > PAGE_SIZE
    payload = {"verb": "ListSets", "after": list(page[-1].key), "n": cursor + len(page)} if more else None
    _token(node, payload, cursor, "resumptionToken" in args)
    return node


def _list(verb: str, args: dict[str, str], full: bool) -> etree._Element:
    resumed = "resumptionToken" in args
    if resumed:
        payload = tokens.read(args["resumptionToken"], verb)
        args = payload["args"]
        position, cursor = (payload["at"][0], payload["at"][1]), payload["n"]
    else:
        position, cursor = ("r", 0), 0
    window = Window(args.get("from"), args.get("until"))
    sets = SetMap()
    record_set = stone_set = None
    if "set" in args:
        found = sets.filters(args["set"])
        if found is None:
            raise OaiError("noRecordsMatch", "No set has this setSpec.")
        record_set, stone_set = found
    selection = Selection(window, record_set, stone_set)
    items, after = selection.page(position, full)
    if not items:  # resumed too: what followed the token has gone since (the schema wants one record at least)
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    node = _element(verb)
    for item in items:
        node.append(_record(item, sets) if full else _header(item, sets))
    payload = {"verb": verb, "args": args, "at": list(after), "n": cursor + len(items)} if after else None
    _token(node, payload, cursor, resumed)
    return node


def list_identifiers(args: dict[str, str]) -> etree._Element:
    return _list("ListIdentifiers", args, full=False)


def list_records(args: dict[str, str]) -> etree._Element:
    return _list("ListRecords", args, full=True)


_VERB_HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
