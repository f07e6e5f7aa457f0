"""The pure core: no file, network or database access happens here."""
