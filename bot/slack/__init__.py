"""The Slack front end: a thin Bolt app around the plain answering function."""
