"""Where the package keeps its variables schema and its built-in rule packs."""

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = PACKAGE_ROOT / "schema" / "variables.yaml"
RULEPACKS_ROOT = PACKAGE_ROOT / "rulepacks"
