"""Names of the columns every layer agrees on."""

ID = "id"
REFERENCE_DATE = "reference_date"  # the date whose law judges a record (the interview date)
REFERENCE_PERIOD = "reference_period"  # the period the record's answers describe (the current job, 5 years)
# The official calendar's working days in the month of the reference date: no question, a pack's calendar
# gives it for every record that does not hold it (core.model.MonthSeries)
MONTH_WORKING_DAYS = "calendar_month_working_days"
ROW = "__lw_row"  # the record's number in its input, from 1, added by the readers
RAW_PREFIX = "raw:"  # an imported source column kept as it was, beside its canonical variable
INTERNAL_PREFIX = "__lw"  # columns of labourwatch's own making, never written out
# ... and those of the queries: typed values, rule results, and whether a result was measured
RESERVED_PREFIXES = (INTERNAL_PREFIX, "__v_", "__r_", "__n_")
NOT_MEASURED = "lw_not_measured"  # the results of a record that rest on questions not asked, by id
PROVENANCE_COLUMNS = ("lw_judged_on", "lw_law_basis", "lw_unverified", "lw_packs", NOT_MEASURED)
