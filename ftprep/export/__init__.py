"""`ftprep export`: a cleaned OpenAI-style JSONL file in a trainer's or cloud provider's format.

One module per target (`trl`, `axolotl`, `llamafactory`, `vertex`, `bedrock`) turns one source
record into one output record or refuses it with a reason; `run` streams the files, keeps every
record accounted for (read = written + rejected) and writes everything atomically; `limits` checks
the Vertex and Bedrock outputs against their provider profiles.
"""
