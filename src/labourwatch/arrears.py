"""Money owed for a work period: the public face of `labourwatch.services.arrears`."""

from labourwatch.services.arrears import Arrears, arrears, claim_table, law_of_parts, split_points, write_claims

__all__ = ["Arrears", "arrears", "claim_table", "law_of_parts", "split_points", "write_claims"]
