"""执法文书: the registry of document types, their content rules, the case context and the Word/PDF rendering."""
