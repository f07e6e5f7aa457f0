"""Reports: self-contained HTML (no network, no scripts), readable on a phone and printable."""
