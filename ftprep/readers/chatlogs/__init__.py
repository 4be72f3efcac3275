"""Chat-log export readers: each turns one exporter's files into `Conversation`s of `Turn`s.

A reader module exposes `NAME` (the `--from` value), `sniff(path) -> bool` (cheap detection
from a path and at most a small prefix of its content), and
`read(path, options) -> Iterator[Conversation | Rejected]`.
"""
