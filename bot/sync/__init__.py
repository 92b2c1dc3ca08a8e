"""Keeping a published procedures manual in the knowledge folder: `practice-bot sync`.

config.py (knowledge/sites.yaml), fetch.py (the polite, bounded HTTP client: host allow-list,
robots.txt, conditional requests), links.py (links, sitemaps and titles in fetched pages),
saved.py (where pages are kept: knowledge/sites/<host>/, the site's catalogue and state),
report.py (what a sync did), crawl.py (one site's crawl and what each answer means for the saved
copy), run.py (every site's sync, the schedule, one rebuild).
"""
