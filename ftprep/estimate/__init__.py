"""`ftprep estimate`: billed tokens, epochs and cost per target model, from one count per tokenizer."""
