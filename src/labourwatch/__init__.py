"""labourwatch: migrant workers' answers measured against the law in force at the time."""

__version__ = "0.1.0"
