"""What editors and contributors handle: participant files, joining, status, OPML."""
