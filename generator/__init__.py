"""Turn paper listings into a searchable static literature site."""
