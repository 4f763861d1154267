"""Generated demo data and the ``veil demo`` story."""
