"""OAI-PMH 2.0: `protocol` (arguments, errors, datestamps, tokens), `queries` (what is served),
`records` (the XML of headers, oai_dc and sets), `views` (the verbs and the endpoint)."""
