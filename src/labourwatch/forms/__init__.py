"""The questionnaire: its questions, texts and languages (definition) and the XLSForm written from them."""
