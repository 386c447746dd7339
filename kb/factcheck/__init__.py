"""Fact-checking articles: extract (spans), link (subjects), check (verdicts), evaluation."""
