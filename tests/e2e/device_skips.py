"""When the test device skipped, for the e2e checks that time what they hear: on a starved machine
the device runs dry (an underrun), the sound server plays a few ms of silence into the stream and
the output jumps back into step (a jump), or the stream stops asking and is reopened (a restart).
What is heard across a skip measures the device, not the player, so these checks play again, up
to PLAYS times, until the device plays through without one."""
from __future__ import annotations

PLAYS = 3       # plays to find one the device played without a skip


def skips(output) -> int:
    """How often the LiveOutput's sound broke so far: underruns, jumps and restarts."""
    return output.underruns + output.jumps + output.restarts
