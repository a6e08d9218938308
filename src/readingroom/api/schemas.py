"""The API's request and response shapes. Responses that the `.json` twins already build are described
by their main fields; `extra="allow"` keeps the description true when a twin gains a field."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

Access = Literal["public", "staff", "embargoed"]


class Open(Schema):
    model_config = ConfigDict(extra="allow")


class Input(Schema):
    """A request body. No text in it may hold a NUL character: PostgreSQL's text cannot store one."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("text may not hold a NUL character")
        return value


class Error(Schema):
    detail: str


class RecordSummary(Schema):
    id: str
    title: str
    date: str
    date_display: str
    access_level: Access
    url: str
    api_url: str


class RecordPage(Schema):
    items: list[RecordSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one")


class ContentOut(Open):
    kind: str
    label: str
    language: str
    text: str
    pages: list[dict]


class AuthorityLink(Open):
    kind: str
    id: str
    name: str
    role: str


class RecordDetail(Open):
    id: str
    title: str
    date: str
    access_level: Access
    embargo_until: str | None
    collection: dict | None
    citation: str
    permalink: str
    contents: list[ContentOut]
    authorities: list[AuthorityLink]


class AuthoritySummary(Schema):
    id: str
    kind: str
    name: str
    url: str


class AuthorityPage(Schema):
    items: list[AuthoritySummary]
    next_cursor: str | None


class CollectionSummary(Schema):
    identifier: str
    title: str
    level: str
    parent: str | None
    url: str


class CollectionPage(Schema):
    items: list[CollectionSummary]
    next_cursor: str | None


class ThemeSummary(Schema):
    slug: str
    title: str
    published: bool
    url: str


class ThemePage(Schema):
    items: list[ThemeSummary]
    next_cursor: str | None


class SearchHit(Open):
    rank: int
    id: str
    title: str
    url: str
    score: float
    snippet: dict | None


class SearchResults(Open):
    query: str
    available: bool
    total: int
    page: int
    pages: int
    per_page: int
    messages: list[str]
    results: list[SearchHit]
    facets: list[dict]


class TextIn(Input):
    text: str = Field(min_length=1, max_length=2_000_000)
    language: str = Field("", max_length=20)


class RecordFields(Input):
    """The catalogue fields a client may set; every one optional on update."""

    title: str | None = Field(None, min_length=1, max_length=1000)
    date: str | None = Field(None, max_length=100, description="EDTF: 1944-02-02, 1944-02, 1944~, 1944-03/1944-09")
    summary: str | None = None
    document_type: str | None = Field(None, max_length=100)
    classification: str | None = Field(None, max_length=100)
    languages: list[str] | None = None
    rights: str | None = None
    collection: str | None = Field(None, description="An existing collection's identifier; empty for none")
    container: str | None = Field(None, max_length=200)
    folder: str | None = Field(None, max_length=200)
    source_reference: str | None = Field(None, max_length=1000)
    source_url: str | None = Field(None, max_length=1000)
    place_of_writing: str | None = Field(None, max_length=300)
    signed_by: str | None = Field(None, max_length=300)
    transcript: TextIn | None = Field(None, description="The record's transcript (replaces the one stored)")


class RecordCreate(RecordFields):
    id: str | None = Field(None, max_length=200, pattern=r"^[\w-][\w.-]*(/[\w-][\w.-]*)*$",
                           description="The public id (letters, digits, . _ - and /, no . or .. parts); "
                                       "one is made when left out")
    title: str = Field(min_length=1, max_length=1000)
    access_level: Access = "public"
    embargo_until: dt.date | None = None


class AccessIn(Input):
    access_level: Access
    embargo_until: dt.date | None = Field(None, description="Required for embargoed: the day it becomes public")


class PagesAdded(Schema):
    record: str
    pages: list[dict]
