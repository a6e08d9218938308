"""Everything an import stores, by natural keys (ids and positions, never row numbers or timestamps),
so two databases can be compared: an interrupted-then-resumed import against an uninterrupted one."""

from __future__ import annotations

QUERIES = {
    "records": """
        SELECT r.public_id, r.title, r.date_edtf, r.date_start, r.date_end, r.summary, r.document_type,
               r.classification, r.languages, r.rights, r.access_level, r.source_reference, r.source_url,
               r.place_of_writing, r.signed_by, r.position, r.import_source, r.import_checksum, c.identifier
        FROM catalog_record r LEFT JOIN catalog_collection c ON c.id = r.collection_id ORDER BY r.public_id""",
    "contents": """
        SELECT r.public_id, c.position, c.kind, c.language, c.label, c.text, c.markup, c.page_breaks
        FROM catalog_content c JOIN catalog_record r ON r.id = c.record_id ORDER BY r.public_id, c.position""",
    "footnotes": """
        SELECT r.public_id, c.position, f.position, f.number, f.anchor_id, f.text
        FROM catalog_footnote f JOIN catalog_content c ON c.id = f.content_id JOIN catalog_record r ON r.id = c.record_id
        ORDER BY r.public_id, c.position, f.position""",
    "links": """
        SELECT r.public_id, a.identifier, l.role FROM catalog_recordauthority l
        JOIN catalog_record r ON r.id = l.record_id JOIN catalog_authority a ON a.id = l.authority_id
        ORDER BY r.public_id, a.identifier, l.role""",
    "authorities": """
        SELECT identifier, kind, preferred_name, dates, description FROM catalog_authority ORDER BY identifier""",
    "collections": """
        SELECT c.identifier, c.title, c.level, p.identifier, c.position, c.editors, c.publication_year, c.description,
               repo.name, repo.place
        FROM catalog_collection c LEFT JOIN catalog_collection p ON p.id = c.parent_id
        LEFT JOIN catalog_repository repo ON repo.id = c.repository_id ORDER BY c.identifier""",
}


def snapshot(connection=None) -> dict[str, list[tuple]]:
    """From a DB-API connection (e.g. sqlite3 on another process's database), or Django's by default."""
    if connection is None:
        from django.db import connection as django_connection

        connection = django_connection
    result: dict[str, list[tuple]] = {}
    for name, sql in QUERIES.items():
        cursor = connection.cursor()
        try:
            cursor.execute(sql)
            result[name] = [tuple(str(v) if v is not None else None for v in row) for row in cursor.fetchall()]
        finally:
            cursor.close()
    return result
