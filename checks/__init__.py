"""Built-in check packs (YAML). Installed as ``newslint.checks`` so they ship inside the wheel."""
