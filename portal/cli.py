"""Command-line interface: thin click commands over Flask-free functions."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .ingest import IngestFailed, ingest


KIND_LABELS = {"practice": "erfaringer", "note": "netværksnotater", "network": "netværk", "ranking": "rangeringer", "indicator": "nøgletal"}


@click.command("ingest")
@with_appcontext
@click.option("--content", "content_dir", type=click.Path(file_okay=False), default=None,
              help="Indholdsmappe (standard: PORTAL_CONTENT_DIR eller content/).")
def ingest_command(content_dir: str | None) -> None:
    """Validér alle indholdsfiler og byg database og søgeindeks på ny.

    Ved fejl skrives hver fejl som sti:linje: besked, og det der blev vist før,
    bliver ved med at blive vist.
    """
    content_dir = content_dir or current_app.config["CONTENT_DIR"]
    data_dir = current_app.config["DATA_DIR"]
    try:
        report = ingest(content_dir, data_dir, progress=lambda msg: click.echo(msg, err=True))
    except IngestFailed as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"Indlæsning afvist: {exc}. Portalen viser fortsat det tidligere indhold.", err=True)
        sys.exit(1)
    counts = ", ".join(f"{report.counts.get(kind, 0)} {label}" for kind, label in KIND_LABELS.items())
    click.echo(f"Indlæst: {counts} på {report.seconds:.1f} s (generation {report.generation.name}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(ingest_command)
