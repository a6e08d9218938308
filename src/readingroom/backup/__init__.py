"""Backup, restore and moving an archive to another database: `readingroom backup`, `restore`, `migrate-to`.

A backup is one tar file: the database snapshot (`database/`), the originals and page images (`media/`) and
`manifest.json` (checksums and versions), written last so that it describes exactly what precedes it.
Derived files (the search index, the IIIF cache, OCR working files) are made again after a restore."""
