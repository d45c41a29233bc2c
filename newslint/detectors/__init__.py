"""Built-in detector kinds. Each module holds the kinds for one family of problems."""
