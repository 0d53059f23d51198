"""The hand-off to the NLE: a batch's decisions as FCPXML 1.10, FCP7 XML (xmeml), a CMX3600 EDL and
OTIO. `selects` describes the clips and the timeline once (from takes, notes and each file's
timing); one module per format writes that description as text. No file I/O here: jobs/handoff_job.py
probes the media and writes the files."""
