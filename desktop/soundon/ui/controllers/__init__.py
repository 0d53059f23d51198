"""Coordinating code the main window wires in: each module looks after one concern of the window."""
