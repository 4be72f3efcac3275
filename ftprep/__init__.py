"""ftprep: lint and prepare datasets for LLM fine-tuning."""

__version__ = "0.1.0"
