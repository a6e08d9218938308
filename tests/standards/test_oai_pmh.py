"""OAI-PMH at /oai through Django's test client on a real database: every verb and every error answer
validates against the shipped schemas; restricted and deleted records are reported deleted without their
metadata; tokens resume lists exactly while records are added; from/until follow edits, restrictions,
deletions and ended embargoes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from readingroom.catalog.models import AccessLevel, Authority, Collection, Record, RecordAuthority
from readingroom.catalog.themes import Theme, ThemeEntry
from readingroom.catalog.withdrawn import WithdrawnRecord
from readingroom.standards.oai import validation

OAI = "{http://www.openarchives.org/OAI/2.0/}"
PREFIX = "oai:testserver:"


def ask(client, **arguments) -> etree._Element:
    response = client.get("/oai", arguments)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert validation.problems(response.content) == []
    return etree.fromstring(response.content)


def error_of(root: etree._Element) -> str | None:
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def headers(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{OAI}header"))


def harvest(client, verb: str = "ListIdentifiers", **arguments) -> list[etree._Element]:
    """Every header of a list, following its tokens; a list that matches nothing is an empty harvest."""
    found: list[etree._Element] = []
    root = ask(client, verb=verb, metadataPrefix="oai_dc", **arguments)
    while True:
        if error_of(root) == "noRecordsMatch":
            return found
        assert error_of(root) is None, etree.tostring(root)
        found += headers(root)
        token = root.find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            return found
        root = ask(client, verb=verb, resumptionToken=token.text)


def ids(found: list[etree._Element], deleted: bool | None = None) -> list[str]:
    return [h.findtext(f"{OAI}identifier").removeprefix(PREFIX) for h in found
            if deleted is None or (h.get("status") == "deleted") == deleted]


def test_identify_and_formats(client, archive):
    root = ask(client, verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext(f"{OAI}baseURL") == "http://testserver/oai"
    for arguments in ({}, {"identifier": PREFIX + "209771"}, {"identifier": PREFIX + "restricted-1"}):
        root = ask(client, verb="ListMetadataFormats", **arguments)
        assert [e.text for e in root.iter(f"{OAI}metadataPrefix")] == ["oai_dc"]
    # POST is the protocol's too
    response = client.post("/oai", {"verb": "Identify"})
    assert validation.problems(response.content) == [] and b"<Identify>" in response.content


def test_get_record_is_the_catalogue_as_dublin_core(client, archive):
    root = ask(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + "209771")
    dc = root.find(f".//{OAI}metadata")[0]
    values = {}
    for element in dc:
        values.setdefault(etree.QName(element).localname, []).append(element.text)
    assert values["title"] == [archive.seed.title]
    assert values["creator"] == ["Harriman, W. Averell"]  # the author
    assert values["subject"] == ["Military intelligence"]
    assert sorted(values["coverage"]) == ["Manchuria", "Shandong"]
    assert values["date"] == ["1944-02-02"]
    assert values["language"] == ["en"]
    assert values["type"] == ["Text", "telegram"]
    assert values["identifier"] == ["http://testserver/document/209771/"]
    assert "W. Averell Harriman Papers" in values["source"][0]  # the citation
    assert values["relation"] == ["http://testserver/collection/harriman-papers/"]
    assert [e.text for e in root.iter(f"{OAI}setSpec")] == ["harriman-papers"]
    # a FRUS document: its recipient is a contributor
    frus = archive.frus[0]
    hull = Authority.objects.create(kind="person", identifier="person-hull-cordell", preferred_name="Hull, Cordell")
    RecordAuthority.objects.create(record=frus, authority=hull, role="recipient")
    root = ask(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + frus.public_id)
    names = {(etree.QName(e).localname, e.text) for e in root.find(f".//{OAI}metadata")[0]}
    assert ("contributor", "Hull, Cordell") in names and ("creator", "Hull, Cordell") not in names


def test_restricted_records_are_deleted_and_never_shown(client, archive):
    for record in (archive.restricted, archive.embargoed):
        root = ask(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + record.public_id)
        header = root.find(f".//{OAI}header")
        assert header.get("status") == "deleted"
        assert root.find(f".//{OAI}metadata") is None and header.find(f"{OAI}setSpec") is None
    everything = client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content.decode()
    for secret in (archive.restricted.title, archive.embargoed.title, archive.secret_person.preferred_name):
        assert secret not in everything
    found = harvest(client, "ListRecords")
    public = set(Record.objects.public().values_list("public_id", flat=True))
    assert sorted(ids(found, deleted=False)) == sorted(public)
    assert sorted(ids(found, deleted=True)) == sorted([archive.restricted.public_id, archive.embargoed.public_id])


@pytest.mark.parametrize(("arguments", "code"), [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "1944-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T10:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2021-01-01T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-02", "until": "2021-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "not a set"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "x" * 5000}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": ""}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": PREFIX + "a\x00b"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "mods", "identifier": PREFIX + "209771"}, "cannotDisseminateFormat"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "x" * 50}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "x" * 5000}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "no-such-collection"}, "noRecordsMatch"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": PREFIX + "no-such-record"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.org:209771"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": PREFIX + "no-such-record"}, "idDoesNotExist"),
])
def test_every_error_is_a_valid_answer(client, archive, arguments, code):
    root = ask(client, **arguments)
    assert error_of(root) == code
    request = root.find(f"{OAI}request")
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # nothing of a bad request is echoed
    else:
        assert request.get("verb") == arguments["verb"]


def test_too_many_arguments_are_refused_unread(client, archive):
    arguments = {"verb": "Identify", **{f"x{i}": "y" for i in range(200)}}
    assert error_of(ask(client, **arguments)) == "badArgument"


def test_no_set_hierarchy_in_an_archive_without_sets(client, db):
    assert error_of(ask(client, verb="ListSets")) == "noSetHierarchy"


def test_tokens_are_signed_and_made_for_one_verb(client, archive):
    Record.objects.bulk_create([Record(public_id=f"bulk-{n}", title=f"Bulk {n}") for n in range(120)])
    root = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.find(f".//{OAI}resumptionToken").text
    assert error_of(ask(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    payload = signing.loads(token, salt="readingroom.standards.oai.token")
    payload["at"] = ["r", 0]
    forged = signing.dumps(payload, salt="something else", compress=True)
    assert error_of(ask(client, verb="ListIdentifiers", resumptionToken=forged)) == "badResumptionToken"
    assert error_of(ask(client, verb="ListIdentifiers", resumptionToken=token[:-3] + "abc")) == "badResumptionToken"


def test_pages_of_100_resume_exactly_while_records_are_added(client, archive):
    Record.objects.bulk_create([Record(public_id=f"bulk-{n:03d}", title=f"Bulk {n}") for n in range(230)])
    root = ask(client, verb="ListRecords", metadataPrefix="oai_dc")
    first = headers(root)
    assert len(first) == 100
    token = root.find(f".//{OAI}resumptionToken")
    assert token.get("cursor") == "0" and token.text
    # records added in the middle of a harvest are listed at its end, once
    Record.objects.bulk_create([Record(public_id=f"late-{n}", title=f"Late {n}") for n in range(5)])
    seen = ids(first)
    pages = 1
    while token is not None and token.text:
        root = ask(client, verb="ListRecords", resumptionToken=token.text)
        page = headers(root)
        assert 0 < len(page) <= 100
        seen += ids(page)
        pages += 1
        token = root.find(f".//{OAI}resumptionToken")
    assert token is not None and token.text is None and token.get("cursor") == str(len(seen) - len(page))
    everything = list(Record.objects.values_list("public_id", flat=True))
    assert sorted(seen) == sorted(everything) and len(seen) == len(set(seen))
    assert pages == 3 and "late-4" in seen


def test_sets_nested_collections_and_published_themes(client, archive):
    published = Theme.objects.create(title="Stalin in 1944", slug="stalin-1944", published=True)
    draft = Theme.objects.create(title="Draft theme", slug="draft-theme")
    ThemeEntry.objects.create(theme=published, record=archive.seed, position=1)
    ThemeEntry.objects.create(theme=published, record=archive.restricted, position=2)
    ThemeEntry.objects.create(theme=draft, record=archive.frus[0], position=1)
    root = ask(client, verb="ListSets")
    specs = {s.findtext(f"{OAI}setSpec"): s.findtext(f"{OAI}setName") for s in root.iter(f"{OAI}set")}
    assert specs["frus1944v04:ch1"] == "The Soviet Union"
    assert "frus1944v04" in specs and "harriman-papers" in specs
    assert specs["theme:stalin-1944"] == "Stalin in 1944" and "theme:draft-theme" not in specs
    # a set takes its nested sets' records
    chapter = Collection.objects.get(identifier="frus1944v04-ch1")
    in_tree = set(Record.objects.filter(collection__in=Collection.subtree_pks(chapter.parent_id))
                  .values_list("public_id", flat=True))
    assert set(ids(harvest(client, set="frus1944v04"))) == in_tree
    themed = harvest(client, set="theme:stalin-1944")
    assert ids(themed, deleted=False) == ["209771"] and ids(themed, deleted=True) == ["restricted-1"]
    assert error_of(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="theme:draft-theme")) \
        == "noRecordsMatch"
    # day two: the theme unpublished is no set any more
    published.published = False
    published.save()
    assert "theme:stalin-1944" not in {s.text for s in ask(client, verb="ListSets").iter(f"{OAI}setSpec")}


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _age(days: int) -> None:
    """Every record and tombstone last changed `days` ago, so that a change now stands apart."""
    past = timezone.now() - dt.timedelta(days=days)
    Record.objects.update(updated=past)
    WithdrawnRecord.objects.update(withdrawn=past)


def test_incremental_harvest_after_edit_restriction_and_deletion(client, archive):
    _age(10)
    since = _stamp(timezone.now() - dt.timedelta(days=1))
    assert harvest(client, **{"from": since}) == []
    edited, restricted, deleted = archive.frus[0], archive.frus[1], archive.frus[2]
    edited.title = "A corrected title"
    edited.save()
    restricted.access_level = AccessLevel.STAFF
    restricted.save()
    deleted_id = deleted.public_id
    deleted.delete()
    found = harvest(client, "ListRecords", **{"from": since})
    assert ids(found, deleted=False) == [edited.public_id]
    assert sorted(ids(found, deleted=True)) == sorted([restricted.public_id, deleted_id])
    assert restricted.title not in client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                                                       "from": since}).content.decode()
    # until: what has not changed since; the changed ones carry today's datestamp
    before = ids(harvest(client, until=_stamp(timezone.now() - dt.timedelta(days=2))))
    assert before and not {edited.public_id, restricted.public_id, deleted_id} & set(before)
    # the deleted record stays reported deleted (persistent), by itself too, and in its collection's set
    root = ask(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + deleted_id)
    assert root.find(f".//{OAI}header").get("status") == "deleted"
    assert deleted_id in ids(harvest(client, set="frus1944v04"), deleted=True)
    # created again under the same id: a record again, not a tombstone
    Record.objects.create(public_id=deleted_id, title="Back again", collection=archive.frus[0].collection)
    root = ask(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + deleted_id)
    assert root.find(f".//{OAI}header").get("status") is None
    assert ids(harvest(client, **{"from": since})).count(deleted_id) == 1


def test_an_ended_embargo_is_a_change(client, archive):
    _age(30)
    record = archive.embargoed
    Record.objects.filter(pk=record.pk).update(embargo_until=timezone.localdate() - dt.timedelta(days=3))
    week_ago, yesterday = (timezone.localdate() - dt.timedelta(days=n) for n in (7, 1))
    found = harvest(client, **{"from": week_ago.isoformat()})
    assert ids(found, deleted=False) == [record.public_id]
    # its datestamp is the day the embargo ended, later than its last edit
    ended = timezone.localdate() - dt.timedelta(days=3)
    assert found[0].findtext(f"{OAI}datestamp") == f"{ended.isoformat()}T00:00:00Z"
    assert harvest(client, **{"from": yesterday.isoformat()}) == []
    assert record.public_id not in ids(harvest(client, until=week_ago.isoformat()))


ARGUMENT_NAMES = ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken", "other"]
VALUES = st.one_of(
    st.sampled_from(["Identify", "ListRecords", "ListIdentifiers", "ListSets", "GetRecord", "ListMetadataFormats",
                     "oai_dc", PREFIX + "209771", PREFIX + "restricted-1", "2020-01-01", "1944-02-30T25:00:00Z",
                     "frus1944v04:ch1", "theme:", "../../etc/passwd", "%00", "x" * 3000]),
    st.text(max_size=40),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arguments=st.lists(st.tuples(st.sampled_from(ARGUMENT_NAMES), VALUES), max_size=5))
def test_any_arguments_get_a_valid_answer(client, archive, arguments):
    query = [(name, value.encode("utf-8", "surrogatepass")) for name, value in arguments]
    response = client.get("/oai?" + urlencode(query))
    assert response.status_code == 200
    assert validation.problems(response.content) == []
    assert archive.restricted.title.encode() not in response.content


def test_list_sets_pages_by_100(client, db):
    volume = Collection.objects.create(identifier="frus1950v01", title="A volume")
    Collection.objects.bulk_create([Collection(identifier=f"frus1950v01-ch{n}", title=f"Chapter {n}", parent=volume)
                                    for n in range(130)])
    root = ask(client, verb="ListSets")
    specs = [s.text for s in root.iter(f"{OAI}setSpec")]
    token = root.find(f".//{OAI}resumptionToken")
    assert len(specs) == 100 and token.text
    Collection.objects.create(identifier="added-meanwhile", title="Added")
    root = ask(client, verb="ListSets", resumptionToken=token.text)
    specs += [s.text for s in root.iter(f"{OAI}setSpec")]
    assert root.find(f".//{OAI}resumptionToken").text is None
    assert len(specs) == len(set(specs)) == 132 and "frus1950v01:ch129" in specs and "added-meanwhile" in specs


def test_an_error_found_before_the_dates_are_checked_echoes_only_valid_arguments(client, archive):
    # cannotDisseminateFormat is raised before `from` is read: echoing "Identify" as a date broke the schema.
    response = client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "marc", "from": "Identify",
                                   "set": "not a spec"})
    assert validation.problems(response.content) == []
    request = etree.fromstring(response.content).find(f"{OAI}request")
    assert request.get("metadataPrefix") == "marc" and request.get("from") is None and request.get("set") is None
