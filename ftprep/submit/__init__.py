"""`ftprep submit`: the lint gate, then upload and job creation through each provider's SDK.

Nothing below `cli` imports this package; it imports lint, providers, model, writers, config.
"""
