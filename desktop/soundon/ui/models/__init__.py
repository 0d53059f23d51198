"""Qt item models over the library: the batch / prompt-group tree and the takes."""
