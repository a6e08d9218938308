"""The rows a record points to (repository, collections, authorities): found or created by the import,
and remembered for one import so each is looked up once, not once per record."""

from __future__ import annotations

from readingroom.catalog.models import Authority, Collection, NameVariant, Repository

from .records import AuthorityRef, CollectionRef, RepositoryRef, slugify_name


def _repository(ref: RepositoryRef | None) -> Repository | None:
    if ref is None or not ref.name:
        return None
    repo, created = Repository.objects.get_or_create(name=ref.name, defaults={"place": ref.place})
    if not created and ref.place and repo.place != ref.place:
        repo.place = ref.place
        repo.save(update_fields=["place"])
    return repo


def store_collection(ref: CollectionRef | None) -> Collection | None:
    """Creates or updates the collection and its ancestors."""
    if ref is None:
        return None
    return _upsert_collection(ref, store_collection(ref.parent), _repository(ref.repository))


def _upsert_collection(ref: CollectionRef, parent: Collection | None, repository: Repository | None) -> Collection:
    """Create the collection, or update the fields that changed since it was stored."""
    values = {
        "title": ref.title,
        "level": ref.level,
        "parent": parent,
        "position": ref.position,
        "editors": ref.editors,
        "publication_year": ref.publication_year,
        "description": ref.description,
    }
    if repository is not None:
        values["repository"] = repository
    collection, created = Collection.objects.get_or_create(identifier=ref.identifier, defaults=values)
    if not created:
        changed = [k for k, v in values.items() if getattr(collection, k) != v]
        if changed:
            for k in changed:
                setattr(collection, k, values[k])
            collection.save(update_fields=changed)
    return collection


def authority_identifier(ref: AuthorityRef) -> str:
    return ref.identifier or f"{ref.kind}-{slugify_name(ref.name)}"


def store_authority(ref: AuthorityRef) -> Authority:
    authority, _ = Authority.objects.get_or_create(
        identifier=authority_identifier(ref),
        defaults={"kind": ref.kind, "preferred_name": ref.name, "dates": ref.dates, "description": ref.description},
    )
    # Staff merged this one into another (catalog/merging.py): link to that one, never split them again.
    authority = authority.current()
    known = {v.lower() for v in authority.variants.values_list("name", flat=True)} | {authority.preferred_name.lower()}
    for variant in ref.variants:
        if variant.lower() not in known:
            NameVariant.objects.create(authority=authority, name=variant)
            known.add(variant.lower())
    return authority


class Lookups:
    """The rows one import looked up or created, and the warnings it has for its summary."""

    def __init__(self) -> None:
        self._repositories: dict[tuple[str, str], Repository] = {}
        self._collections: dict[str, tuple[tuple, Collection]] = {}
        self._authorities: dict[str, tuple[Authority, frozenset[str]]] = {}
        # For the import summary: e.g. a re-import that changed a text staff corrected (kept).
        self.warnings: list[str] = []

    def forget(self) -> None:
        """The transaction holding rows created here rolled back: they no longer exist."""
        self._repositories.clear()
        self._collections.clear()
        self._authorities.clear()
        self.warnings.clear()

    def take_warnings(self) -> list[str]:
        taken, self.warnings = self.warnings, []
        return taken

    # The same results as the functions above, without repeating their queries.
    def repository(self, ref: RepositoryRef | None) -> Repository | None:
        if ref is None or not ref.name:
            return None
        key = (ref.name, ref.place)
        if key not in self._repositories:
            self._repositories[key] = _repository(ref)
        return self._repositories[key]

    def collection(self, ref: CollectionRef | None) -> Collection | None:
        if ref is None:
            return None
        parent = self.collection(ref.parent)
        key = (ref.title, ref.level, parent.pk if parent else None, ref.position, ref.editors, ref.publication_year,
               ref.description, ref.repository.name if ref.repository else None,
               ref.repository.place if ref.repository else None)
        cached = self._collections.get(ref.identifier)
        if cached is not None and cached[0] == key:
            return cached[1]
        collection = _upsert_collection(ref, parent, self.repository(ref.repository))
        self._collections[ref.identifier] = (key, collection)
        return collection

    def authority(self, ref: AuthorityRef) -> Authority:
        identifier = authority_identifier(ref)
        cached = self._authorities.get(identifier)
        if cached is not None and all(v.lower() in cached[1] for v in ref.variants):
            return cached[0]
        authority = store_authority(ref)
        known = {v.lower() for v in authority.variants.values_list("name", flat=True)} | {authority.preferred_name.lower()}
        self._authorities[identifier] = (authority, frozenset(known))
        return authority
