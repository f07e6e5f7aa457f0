"""Reports (survey estimates) and statements (money owed): HTML, PDF, Excel."""
