"""`ftprep diff`: what a change to a dataset does to the training run, for review.

identity.py (what "the same example" means), versions.py and git.py (where each side is read
from), old.py (the old side in two cheap passes), watch.py (the new side's lint, watched),
match.py (edits paired by similarity), problems.py (new and fixed problems),
consequences.py (both sides' totals), result.py (the typed result), run.py (the order of it
all, and why it costs about one lint).
"""
