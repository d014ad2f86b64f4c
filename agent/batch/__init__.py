"""Many bundles in one unattended run: planning, scheduling per account, the run lock and the reports."""
