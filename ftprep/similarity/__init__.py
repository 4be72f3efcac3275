"""Exact and near-duplicate detection for texts: normalisation, keys, MinHash LSH, clusters.

Depends on numpy and the standard library only, nothing else in ftprep. The pipeline:

    keys = band_keys(texts, params)          # (n, bands) uint64, batch by batch
    pairs = candidate_pairs(keys)            # rows sharing a band key
    pairs = pairs[pair_jaccard(texts, pairs, params.ngram) >= params.threshold]  # verified
    groups = clusters(n, pairs)

Exact duplicates compare `normalize`d texts through `exact_key`; near duplicates compare
sets of word n-grams of `near_normalize`d texts (punctuation deleted too) by Jaccard
similarity, found with MinHash LSH and then verified exactly (`jaccard`), because LSH alone
both misses pairs and reports dissimilar ones.

Defaults (`MinHashParams`):

- threshold 0.8: the Jaccard of word 5-grams at which one text is a light edit of another. One
  substituted word in a 60-word text leaves 0.84, in a 100-word text 0.90; two different
  answers to the same prompt, or two prompts filled from one template, share far less. It is
  also the usual choice: Lee et al. 2022 ("Deduplicating Training Data Makes Language Models
  Better") flag word 5-gram Jaccard >= 0.8; rensa's benchmarks use 0.8.
- ngram 5, fewer words per shingle for texts under 49 words (see `shingling`), so one edited
  word in a short prompt stays above 0.8 where that is possible at all.
- 16 bands x 4 rows (64 permutations): a pair at Jaccard 0.8 shares a band with probability
  1 - (1 - 0.8^4)^16 = 0.9998, at 0.85 0.99999; at 0.5 0.64 and at 0.3 0.12, which verification
  then rejects. LSH here only proposes; the threshold is applied to the exact Jaccard, so a low
  LSH threshold (~0.5) buys recall at the price of verifying more candidates (PERFORMANCE.md:
  LSH at 0.6, then exact Jaccard >= 0.8, had precision 1.000 and recall 0.9997). Fewer rows per
  band than datasketch's choice for 0.8 keeps the signature at 64 values, half of the usual 128:
  band keys cost 128 bytes per text.
"""

from __future__ import annotations

from ftprep.similarity.clusters import clusters
from ftprep.similarity.lsh import BUCKET_CAP, candidate_pairs
from ftprep.similarity.minhash import EMPTY_KEY, MinHashParams, band_keys
from ftprep.similarity.normalization import exact_key, near_normalize, normalize, normalized_key
from ftprep.similarity.shingling import jaccard, pair_jaccard, shingles

__all__ = [
    "BUCKET_CAP",
    "EMPTY_KEY",
    "MinHashParams",
    "band_keys",
    "candidate_pairs",
    "clusters",
    "exact_key",
    "jaccard",
    "near_normalize",
    "normalize",
    "normalized_key",
    "pair_jaccard",
    "shingles",
]
