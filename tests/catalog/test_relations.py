"""Relations between records: the rules the database keeps (no self-relation, no duplicate), how each kind
reads from either side, what a record's deletion takes with it, and staff relating two records in the admin."""

from __future__ import annotations

from types import SimpleNamespace

import lxml.html
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from readingroom.catalog.models import AccessLevel, Record
from readingroom.catalog.relations import Relation, related_groups
from tests.builders import import_lines, record_line


@pytest.fixture
def telegrams(db) -> dict[str, Record]:
    wanted = [("ask", "Prime Minister to President, No. 779", "1944-09-04", AccessLevel.PUBLIC),
              ("answer", "President to Prime Minister, No. 619", "1944-09-05", AccessLevel.PUBLIC),
              ("memo", "Memorandum of conversation", "1944-09-05", AccessLevel.PUBLIC),
              ("closed", "Staff-only note on the reply", "1944-09-05", AccessLevel.STAFF)]
    import_lines([record_line(f"rel-{key}", title, date, access_level=access) for key, title, date, access in wanted])
    return {key: Record.objects.get(public_id=f"rel-{key}") for key, *_ in wanted}


def test_a_record_cannot_be_related_to_itself(telegrams):
    ask = telegrams["ask"]
    with pytest.raises(ValidationError):
        Relation(source=ask, target=ask, kind=Relation.Kind.MENTIONS).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Relation.objects.create(source=ask, target=ask, kind=Relation.Kind.MENTIONS)


def test_the_same_relation_is_stated_once(telegrams):
    Relation.objects.create(source=telegrams["answer"], target=telegrams["ask"], kind=Relation.Kind.REPLIES_TO)
    with pytest.raises(IntegrityError), transaction.atomic():
        Relation.objects.create(source=telegrams["answer"], target=telegrams["ask"], kind=Relation.Kind.REPLIES_TO)
    # Another kind between the same two records is another statement.
    Relation.objects.create(source=telegrams["answer"], target=telegrams["ask"], kind=Relation.Kind.MENTIONS)
    # "Same conversation" reads both ways, so its mirror is a duplicate as well.
    Relation.objects.create(source=telegrams["ask"], target=telegrams["memo"], kind=Relation.Kind.SAME_CONVERSATION)
    with pytest.raises(ValidationError):
        Relation(source=telegrams["memo"], target=telegrams["ask"], kind=Relation.Kind.SAME_CONVERSATION).full_clean()


def _read(groups) -> dict[str, list[str]]:
    return {g.label: [r.public_id for r in g.records] for g in groups}


def test_each_side_reads_the_relation_its_own_way(telegrams):
    ask, answer, memo, closed = (telegrams[k] for k in ("ask", "answer", "memo", "closed"))
    Relation.objects.create(source=answer, target=ask, kind=Relation.Kind.REPLIES_TO)
    Relation.objects.create(source=answer, target=memo, kind=Relation.Kind.ENCLOSES)
    Relation.objects.create(source=memo, target=ask, kind=Relation.Kind.SAME_CONVERSATION)
    Relation.objects.create(source=closed, target=answer, kind=Relation.Kind.DRAFT_OF)
    everyone = SimpleNamespace(is_staff=True)  # staff see every record
    assert _read(related_groups(answer, everyone)) == {"Replies to": ["rel-ask"], "Encloses": ["rel-memo"],
                                                       "Has draft": ["rel-closed"]}
    assert _read(related_groups(ask, everyone)) == {"Replied to by": ["rel-answer"], "Same conversation": ["rel-memo"]}
    assert _read(related_groups(memo, everyone)) == {"Same conversation": ["rel-ask"], "Enclosed in": ["rel-answer"]}
    assert [g.key for g in related_groups(ask, everyone)] == ["replied_to_by", "same_conversation"]
    # A reader who may not see the staff-only draft does not learn of it.
    assert _read(related_groups(answer, AnonymousUser())) == {"Replies to": ["rel-ask"],
                                                                      "Encloses": ["rel-memo"]}


def test_deleting_a_record_deletes_its_relations(telegrams):
    Relation.objects.create(source=telegrams["answer"], target=telegrams["ask"], kind=Relation.Kind.REPLIES_TO)
    Relation.objects.create(source=telegrams["memo"], target=telegrams["answer"], kind=Relation.Kind.MENTIONS)
    telegrams["answer"].delete()
    assert not Relation.objects.exists()
    assert related_groups(telegrams["ask"], AnonymousUser()) == []


@pytest.fixture
def cataloguer(db, django_user_model, client):
    django_user_model.objects.create_superuser("cataloguer", "cataloguer@example.org", "a-long-password")
    assert client.login(username="cataloguer", password="a-long-password")
    return client


def _form_data(html: str) -> dict[str, str | list[str]]:
    """What a browser would post from the record's change form as it was served."""
    form = next(f for f in lxml.html.fromstring(html).forms if f.get("id") == "record_form")
    data: dict[str, str | list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, [])
        data[name].append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in data.items()}


def test_staff_relate_two_records_in_the_admin(telegrams, cataloguer):
    answer, ask, memo = telegrams["answer"], telegrams["ask"], telegrams["memo"]
    Relation.objects.create(source=memo, target=answer, kind=Relation.Kind.MENTIONS, note="Refers to the reply")
    url = f"/admin/catalog/record/{answer.pk}/change/"
    page = cataloguer.get(url).content.decode()
    assert "Relations to other records" in page and "Relations from other records" in page
    assert f'value="{memo.pk}"' in page  # the memo's statement about this record is listed here too
    data = _form_data(page)
    data.update({"relations_out-0-kind": "replies_to", "relations_out-0-target": str(ask.pk),
                 "relations_out-0-note": "Replying to your 779", "relations_out-0-origin": "staff"})
    response = cataloguer.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Relation.objects.get(source=answer, target=ask)
    assert (made.kind, made.note, made.origin) == ("replies_to", "Replying to your 779", "staff")
    assert Relation.objects.filter(source=memo, target=answer).exists()  # the other direction is untouched

    # A relation to itself is refused with a message, and nothing is saved.
    data = _form_data(cataloguer.get(url).content.decode())
    extra = int(data["relations_out-TOTAL_FORMS"]) - 1
    data.update({f"relations_out-{extra}-kind": "mentions", f"relations_out-{extra}-target": str(answer.pk),
                 f"relations_out-{extra}-origin": "staff"})
    refused = cataloguer.post(url, data)
    assert refused.status_code == 200
    assert "cannot be related to itself" in refused.content.decode()
    assert Relation.objects.filter(source=answer).count() == 1
