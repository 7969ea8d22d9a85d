"""Facts read from a repository's own files (ownership, README) for the criteria to judge."""
