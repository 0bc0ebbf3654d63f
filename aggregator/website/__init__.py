"""The site: export of the store for Pelican, the Pelican plugin, builds, new sites."""
