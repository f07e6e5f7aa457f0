"""Survey statistics checked against R's survey package."""
