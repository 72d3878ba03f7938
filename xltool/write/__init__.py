"""Everything xltool writes: reports, annotated copies, summaries, templates, filled copies."""
