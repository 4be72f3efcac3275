"""`ftprep convert`: turn tabular, JSON and chat-log sources into fine-tuning JSONL."""
