"""The one ffmpeg run that writes a swapped take: video stream copied, audio conformed and encoded.

Built with ffmpeg-python and run through media/ffrun.py (progress, cancel). The same graph, ending
in an EBU R128 meter instead of an encoder, is the loudness pre-pass.

- The video is mapped with `-c:v copy`: never decoded, never re-encoded. Its stream metadata
  (rotation display matrix, language, handler) and codec parameters (colour tags) come along with
  the copy; the file's creation time is set explicitly because ffmpeg drops it on purpose; an
  'hvc1'-tagged HEVC stream keeps its tag (Apple players need it).
- The output starts at the video's first frame (see `output_ts_offset` below).
- No `-shortest`: it cuts on whichever stream's packet arrives last and leaves the two streams
  ending up to a packet apart. The audio is made exactly as long as the video in the filter graph
  instead, so both streams end together.
- MP4/M4V/MOV get their index (moov) at the front, so the file plays while it downloads or loads
  from a share — what `+faststart` does, but in one pass: `+faststart` rewrites the whole file
  after writing it (about 5 % of the run for a 100 MB take), so room for the index is reserved at
  the start instead (`-moov_size`, sized generously from the packet count; the unused rest is a
  `free` box). Should the reservation ever be too small, the run is repeated with `+faststart`.
- Subtitles the container holds (mov_text) are copied beside them; the timecode track comes along
  as the video's `timecode` tag (media/extra_streams.py says what is and isn't carried over).
- Streams are picked by their index in the take (the audio track marked default is the native
  one, not always the first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ffmpeg

from soundon.core.swap_level import Loudness
from soundon.core.swap_timing import Timing
from soundon.media import tools
from soundon.media.conform import Layout, apply_level, at_video_start, conform, measured
from soundon.media.containers import AUDIO_ENCODERS, Container
from soundon.media.extra_streams import ExtraStreams
from soundon.media.ffrun import CancelToken, IndexRoomTooSmall, ProgressCallback, run_ffmpeg
from soundon.media.safety import input_options, input_url, output_url
from soundon.media.streams import MediaStreams
from soundon.media.swap_errors import SourceError

@dataclass
class RemuxPlan:
    take: MediaStreams
    container: Container
    route: str                              # 'post', 'native-encode', 'native-copy' or 'none'
    track: MediaStreams | None = None       # the post track ('post' route)
    audio_codec: str | None = None          # 'aac' or 'pcm' when encoding
    timing: Timing | None = None
    layout: Layout | None = None
    bed_db: float | None = None
    gain_db: float = 0.0
    limiter_dbtp: float | None = None
    nudge_s: float = 0.0                    # the native audio shifted: copied ('native-copy') or laid
                                            # under the take as its own post track ('post')
    notes: list[str] = field(default_factory=list)
    extras: ExtraStreams = field(default_factory=ExtraStreams)

    @property
    def encodes_audio(self) -> bool:
        return self.route in ("post", "native-encode")

    @property
    def video_start_samples(self) -> int:
        return round(self.take.video_start_in_output * 48000)

    def audio_bitrate(self) -> str | None:
        # 256 kb/s stereo (the usual music-delivery rate): transparent for a deliverable, and
        # ffmpeg's AAC encoder converges faster there than at 128–192 kb/s.
        channels = self.layout.channels if self.layout else 2
        if self.audio_codec == "aac":
            return "640k" if channels > 2 else "256k"
        return None

    def describe_audio(self) -> str:
        if self.route == "none":
            return "no audio (the take has none)"
        nudged = f" nudged {self.nudge_s * 1000:+g} ms" if self.nudge_s else ""
        if self.route == "native-copy":
            return f"native {self.take.audio.codec} audio{nudged} copied (not re-encoded)"
        codec = {"aac": "AAC", "pcm": "24-bit PCM"}[self.audio_codec]
        rate = f" {self.audio_bitrate()}b/s" if self.audio_bitrate() else ""
        source = "native audio" + nudged if self.route != "post" or self.nudge_s else "post track"
        return f"{source} encoded to {codec} 48 kHz {self.layout.describe()}{rate}"


def _pick(node, stream):
    """The take's (or the track's) stream by its index in the file."""
    return node[str(stream.index)]


def _inputs(plan: RemuxPlan):
    take = ffmpeg.input(input_url(plan.take.path), **input_options())
    track = ffmpeg.input(input_url(plan.track.path), **input_options()) if plan.route == "post" else None
    return take, track


def _audio(plan: RemuxPlan, take, track):
    if plan.route == "post":
        bed = None
        if plan.bed_db is not None:
            if plan.take.audio is None:
                raise SourceError(f"{plan.take.path.name} has no native audio to keep under the post track; "
                                  "leave --bed out.")
            bed = _pick(take, plan.take.audio)
        return conform(_pick(track, plan.track.audio), plan.timing, plan.layout, plan.track.audio.channels,
                       video_start_samples=plan.video_start_samples, bed=bed,
                       bed_channels=plan.take.audio.channels if plan.take.audio else 0, bed_db=plan.bed_db)
    return conform(_pick(take, plan.take.audio), plan.timing, plan.layout, plan.take.audio.channels,
                   native_track=True, video_start_samples=plan.video_start_samples)


def _compile(*outputs, loglevel: str = "error") -> list[str]:
    node = outputs[0] if len(outputs) == 1 else ffmpeg.merge_outputs(*outputs)
    args = node.compile(cmd=tools.ffmpeg().path)
    # Global options go first: ffmpeg reads options after the last output as stray.
    return [args[0], "-hide_banner", "-nostdin", "-y", "-loglevel", loglevel, *args[1:]]


def measure_command(plan: RemuxPlan, gain_db: float = 0.0, limiter_dbtp: float | None = None) -> list[str]:
    take, track = _inputs(plan)
    audio = measured(apply_level(_audio(plan, take, track), gain_db, limiter_dbtp))
    return _compile(ffmpeg.output(audio, "-", f="null"), loglevel="info")


def measure_loudness(plan: RemuxPlan, *, gain_db: float = 0.0, limiter_dbtp: float | None = None,
                     cancel: CancelToken | None = None, on_progress: ProgressCallback | None = None) -> Loudness:
    """Integrated loudness and true peak of the conformed audio (with the given level applied)."""
    result = run_ffmpeg(measure_command(plan, gain_db, limiter_dbtp), duration_s=plan.timing.out_samples / 48000,
                        on_progress=on_progress, cancel=cancel, what="Measuring the post track's loudness")
    return parse_ebur128_summary(result.stderr)


def parse_ebur128_summary(stderr: str) -> Loudness:
    summary = stderr[stderr.rfind("Summary:"):]
    integrated = peak = None
    section = ""
    for line in summary.splitlines():
        text = line.strip()
        if text.endswith(":") and not text.startswith(("I:", "Peak:")):
            section = text
        elif text.startswith("I:"):
            integrated = _number(text)
        elif text.startswith("Peak:") and section.startswith("True peak"):
            peak = _number(text)
    if integrated is None:
        raise SourceError("The post track's loudness could not be measured (ffmpeg gave no EBU R128 summary).")
    return Loudness(integrated, peak if peak is not None else float("-inf"))


def _number(text: str) -> float:
    value = text.split(":", 1)[1].split()[0]
    return float("-inf") if value in ("-inf", "nan") else float(value)


def delivered_audio_command(plan: RemuxPlan, out: Path) -> list[str]:
    """The audio of the swapped take alone, exactly as `remux_command` lays and levels it, into a
    48 kHz float WAV: what the analysis measures of a post mix."""
    take, track = _inputs(plan)
    audio = apply_level(_audio(plan, take, track), plan.gain_db, plan.limiter_dbtp)
    return _compile(ffmpeg.output(audio, output_url(out), f="wav", ar=48000, **{"c:a": "pcm_f32le"}))


def write_delivered_audio(plan: RemuxPlan, out: Path, *, cancel: CancelToken | None = None) -> None:
    run_ffmpeg(delivered_audio_command(plan, out), duration_s=plan.timing.out_samples / 48000, cancel=cancel,
               what="Mixing the post track as the export writes it")


INDEX_BYTES_PER_PACKET = 40     # an MP4 index takes 8–16 bytes per packet; 40 leaves room to spare
INDEX_BASE_BYTES = 64 * 1024


def index_room(plan: RemuxPlan) -> int | None:
    """Bytes to reserve for the MP4 index, or None when the packet count can't be known."""
    video = plan.take.video
    frames = video.frames or (round(plan.take.video_duration * video.fps * 1.25) if video.fps else 0)
    if frames <= 0:
        return None
    seconds = plan.take.video_duration
    if plan.route == "native-copy":
        audio = plan.take.audio.frames or round(seconds * (plan.take.audio.sample_rate or 48000) / 1024 * 1.25)
    elif plan.encodes_audio:
        audio = round(seconds * 48000 / 1024) + 16
    else:
        audio = 0
    return INDEX_BASE_BYTES + INDEX_BYTES_PER_PACKET * (frames + audio)


def remux_command(plan: RemuxPlan, temp: Path, faststart_pass: bool = False) -> list[str]:
    take, track = _inputs(plan)
    video = _pick(take, plan.take.video)
    streams = [video]
    options: dict[str, object] = {"f": plan.container.muxer, "c:v": "copy", "map_chapters": -1}
    if plan.encodes_audio:
        audio = apply_level(_audio(plan, take, track), plan.gain_db, plan.limiter_dbtp)
        streams.append(at_video_start(audio, plan.take.video_start_in_output))
        if plan.take.video_start_in_output > 0:
            # The video starts late in the source's timeline (a WebM whose Opus pre-skip shifted
            # everything, an edit list): shift the new file's timeline so both streams start at
            # zero. A shift of the whole timeline leaves every video packet and its spacing as
            # they were; the audio was stamped to begin with the video, so it starts at zero too.
            options["output_ts_offset"] = f"{-plan.take.video_start_in_output:.6f}"
        options["c:a"] = AUDIO_ENCODERS[plan.audio_codec]
        options["ar"] = 48000
        if plan.audio_bitrate():
            options["b:a"] = plan.audio_bitrate()
        language = (plan.take.audio.language if plan.take.audio else "") or (
            plan.track.audio.language if plan.track else "")
        options["metadata:s:a:0"] = f"language={language or 'und'}"
    elif plan.route == "native-copy":
        if plan.nudge_s:
            # The same file read a second time with its timestamps shifted: the packets are copied
            # as they are and the muxer writes the shift as an edit list (media/nudge_check.py).
            shifted = ffmpeg.input(input_url(plan.take.path), itsoffset=f"{plan.nudge_s:.6f}", **input_options())
            streams.append(_pick(shifted, plan.take.audio))
            if plan.container.muxer in ("mp4", "mov"):
                # Edit lists count in the movie's timescale, 1 ms by default: a shift that is not
                # a whole number of ms (AAC priming is 1024 samples) would land up to 1 ms off.
                options["movie_timescale"] = 48000
        else:
            streams.append(_pick(take, plan.take.audio))
        options["c:a"] = "copy"
    if plan.extras.subtitles:
        streams.extend(_pick(take, s) for s in plan.extras.subtitles)
        options["c:s"] = "copy"
    if plan.take.creation_time:
        options["metadata"] = f"creation_time={plan.take.creation_time}"
    if plan.take.video.codec == "hevc" and plan.take.video.codec_tag == "hvc1" and plan.container.muxer in ("mp4", "mov"):
        options["tag:v"] = "hvc1"
    if plan.container.faststart:
        room = index_room(plan)
        if room and not faststart_pass:
            options["moov_size"] = room
        else:
            options["movflags"] = "+faststart"
    return _compile(ffmpeg.output(*streams, output_url(temp), **options))


def remux(plan: RemuxPlan, temp: Path, *, cancel: CancelToken | None = None,
          on_progress: ProgressCallback | None = None) -> None:
    try:
        run_ffmpeg(remux_command(plan, temp), duration_s=plan.take.video_duration,
                   on_progress=on_progress, cancel=cancel, what="Writing the swapped take")
    except IndexRoomTooSmall:
        run_ffmpeg(remux_command(plan, temp, faststart_pass=True),
                   duration_s=plan.take.video_duration, on_progress=on_progress, cancel=cancel,
                   what="Writing the swapped take")
