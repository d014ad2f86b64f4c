"""What outlives a run: the ledger of bundles and runs, and saved portal sessions."""
