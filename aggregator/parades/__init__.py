"""Blog parades: their files, which posts contribute, page look-ups, roundups."""
