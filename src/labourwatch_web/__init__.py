"""labourwatch_web: case management for NGOs on the labourwatch core (Django). It calls the core's
services and is never called by them. Start it with `labourwatch serve`."""
