"""newslint: a data-quality linter for scraped news text (Chinese and English)."""

__version__ = "0.1.0"
