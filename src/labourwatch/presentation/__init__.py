"""What people read: explanations of a record, the reference catalogue, reports and statements."""
