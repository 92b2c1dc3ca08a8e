"""Fakes shared by every tier of tests: embedder, knowledge base, documents, Slack."""
