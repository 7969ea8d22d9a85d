"""prodready gate: the one-page release gate for a change between a base and a head revision."""
