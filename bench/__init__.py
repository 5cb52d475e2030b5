"""``make bench``: the project's figures, each beside a baseline measured in the
same run, on the synthetic city of ``--counties`` counties."""
