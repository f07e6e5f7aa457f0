"""Reading inputs and writing outputs: the edges where files meet the core."""
