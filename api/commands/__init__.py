"""The command modules of the ``civicgraph`` command line, one per area."""
