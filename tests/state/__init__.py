"""Tests of agent/state: the ledger and saved sessions."""
