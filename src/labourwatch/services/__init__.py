"""Use cases: assess, explain, import, money owed, estimates, export, pack tests. Each takes a request,
calls the engines, the readers and the statistics, and returns plain results; the CLI, the reports and
the web application call these, never an engine."""
