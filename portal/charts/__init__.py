"""Accessible SVG charts drawn on the server, so they work without JavaScript.

Flask-free on purpose: every function returns a plain ``str`` that the caller wraps
in ``markupsafe.Markup``. All text that reaches the SVG goes through ``html.escape``
(kommune names and titles come from content files, not from us).

Accessibility choices, and why:

* ``<svg role="img" aria-labelledby="<id>-title <id>-desc">`` with a ``<title>`` and a
  ``<desc>`` that states the key numbers in plain Danish, so a screen reader gets the
  point of the chart in one go (the page also shows the data table).
* Meaning never rests on colour alone: significance is solid fill vs. light fill with
  an outline; direction is spelled out with arrows and words; line series have
  different marker shapes, bar series different hatch patterns.
* Colours have at least 4.5:1 contrast against white (text and graphics alike);
  light fills only appear together with a dark outline.
* Sizes are in viewBox units with ``width="100%"`` and no fixed height, so the chart
  scales down to a 375 px phone instead of scrolling sideways.
* No presentation ``style`` attributes (a strict CSP would block them), no fonts:
  text inherits the page font.

Empty input (no rows, no series, or nothing but ``None`` values) returns a small SVG
saying "Ingen data at vise." rather than raising, so a page with a half-filled
indicator still renders. Malformed input (bad ``chart_id``, unknown chart type,
``values`` not matching ``categories``) raises ``ValueError``.
"""

from .indicators import indicator_chart
from .ranking import ranking_chart
from .svg import EMPTY_TEXT, decimals_for, number_da

__all__ = ["EMPTY_TEXT", "decimals_for", "indicator_chart", "number_da", "ranking_chart"]
