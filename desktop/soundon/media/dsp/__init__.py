"""The pieces of the audio graph (soundon.media.audio_graph): filters, dynamics, noise, gain ramps.

Each works on blocks of any size and keeps its state between blocks, so the live route and the
offline render give the same samples whatever the block size.
"""
