"""Python rules, one module per rule, in a package per code family (see ftprep.registry)."""
