"""The query language: syntax, fields, dates, and malformed input that must never fail."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from readingroom.search import query_syntax as syntax
from readingroom.search.engine import search
from readingroom.search.query_compile import parse

from .helpers import ids

MALFORMED = [
    '"unbalanced quote',
    '"',
    "-",
    " - ",
    "--",
    "title:",
    "title: ",
    "title:()",
    'title:"',
    "date:",
    "date:not-a-date",
    "date:1944-13",
    "date:..",
    "date:1944-02..",
    "((((Shantung",
    "Shantung))))",
    ")(",
    "OR",
    "AND",
    "NOT",
    "OR OR NOT AND",
    "-(-(-(",
    "foo:bar:baz",
    "***",
    "~2 ^3 \\ / + ! ?",
    "\x00",
    "😀 Shantung",
    "(" * 300 + "x",
    "x" * 10240,
    "Shantung " * 2000,
    '"' * 101,
]


def test_words_are_anded_phrases_or_not_and_groups(made_up):
    assert ids("Danzig harbour") == ["mu-danzig"]
    assert ids("Danzig Tsingtao") == []
    assert set(ids("Danzig OR Tsingtao")) == {"mu-danzig", "mu-embargo-past"}
    assert set(ids("(Danzig OR Tsingtao) -harbour")) == set()
    assert ids("harbour NOT Danzig") == ["mu-embargo-past"]
    assert ids('"port of Danzig"') == ["mu-danzig"]
    assert ids('"Danzig of port"') == []


def test_field_prefixes(made_up):
    assert ids("title:Danzig") == ["mu-danzig"]
    assert ids("title:harbour") == []  # only in its text, not its title
    assert ids("person:Molotov") == ["mu-danzig"]
    assert set(ids("type:report")) == {"mu-ocr-1", "mu-ocr-2"}
    assert ids("language:Russian") == ["mu-russian"]
    assert ids("language:ru") == ["mu-russian"]
    assert ids("classification:confidential") == ["mu-ocr-1"]
    assert "mu-danzig" in ids('collection:"made-up test records"')
    assert ids("place:Shantung") == ["mu-ocr-1"]


def test_date_filters(made_up):
    assert set(ids("date:1944-03")) == {"mu-ocr-1"}
    assert set(ids("date:1944-02..1944-06")) == {"mu-ocr-1", "mu-ocr-2", "mu-russian"}
    assert set(ids("report date:1944-04")) == {"mu-ocr-2"}
    assert set(ids("", date_from="1945", date_to="1950")) == {"mu-danzig", "mu-embargo-past"}


def test_sort_by_date(made_up):
    asc = ids("", sort="date")
    assert asc == sorted(asc, key=lambda i: {"mu-ocr-1": 2, "mu-ocr-2": 3, "mu-russian": 4, "mu-danzig": 5,
                                                "mu-embargo-past": 6}[i])
    assert ids("", sort="-date") == list(reversed(asc))


@pytest.mark.django_db
def test_parser_never_raises_and_says_what_it_dropped():
    for raw in MALFORMED:
        parsed = parse(raw)
        assert parsed.query is not None
    assert any("needs something" in m for m in parse("title:").messages)
    assert any("not a date" in m for m in parse("date:1944-13").messages)
    assert any("long" in m for m in parse("x " * 5000).messages)


@pytest.mark.django_db
def test_parser_trees():
    tree = parse('alpha "beta gamma" -delta (epsilon OR zeta) title:eta', expand=False).tree
    assert isinstance(tree, syntax.And)
    kinds = [type(i).__name__ for i in tree.items]
    assert kinds == ["Word", "Phrase", "Not", "Or", "Word"]
    assert tree.items[-1].field == "title"
    assert isinstance(parse("Port Arthur").tree, syntax.Variants)  # two words that spell one name


def test_malformed_queries_never_fail_in_search_web_or_cli(made_up, client):
    from readingroom.cli import app

    runner = CliRunner()
    for raw in MALFORMED:
        results = search(raw)
        assert results.available
        for url in ("/search/", "/search.json"):
            response = client.get(url, {"q": raw})
            assert response.status_code == 200, (raw[:40], url, response.status_code)
        # "--" as a shell user would type it before a query that starts with "-"
        result = runner.invoke(app, ["search", "--", raw])
        assert result.exit_code == 0 and result.exception is None, (raw[:40], result.output[-500:])
        assert "Traceback" not in result.output
