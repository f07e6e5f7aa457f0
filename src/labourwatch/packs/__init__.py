"""Load the variables schema and rule packs from YAML into core objects (file reads only)."""

from labourwatch.packs.loader import builtin_pack_dirs, load_pack, load_packs, load_schema

__all__ = ["builtin_pack_dirs", "load_pack", "load_packs", "load_schema"]
