"""The offline view layer: pictures of the organization network as
self-contained HTML pages (vis-network, inlined) and GraphML.

The pipeline runs adapter → view model → pure transforms → renderer:
:func:`visualize.model.from_records` turns query records into a
:class:`~visualize.model.ViewGraph`; :mod:`visualize.transforms` attaches audit
findings, filters, caps the node count by aggregation, builds a county or
street overview and lays views out (:func:`visualize.transforms.prepare` does
cap and layout in one step); :mod:`visualize.style` holds the one table of
colours, shapes and sizes the legend is read from; :mod:`visualize.render`
writes the page or a fragment of one, and :mod:`visualize.graphml` exports
for Gephi. Only the renderer produces HTML; nothing here queries a database.
"""
