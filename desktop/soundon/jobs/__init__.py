"""Long work: import, analysis, swap, export. A job runs, reports progress, can be cancelled."""
