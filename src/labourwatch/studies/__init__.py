"""The seed study: its published figures, a sample calibrated to them, its tables and its demo."""
