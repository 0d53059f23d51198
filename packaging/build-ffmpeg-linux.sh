#!/usr/bin/env bash
# Builds the two small FFmpeg sets the Linux bundle carries, from FFmpeg's release sources (pinned in
# native-archives.txt and checked against their SHA256 there):
#   FFmpeg 8.1  the ffmpeg and ffprobe programs, and the libraries PyAV's modules are linked to
#               (the PyAV 18.1 wheel was built on FFmpeg 8.1.2, so its own copy, av.libs, stays out);
#   FFmpeg 5.1  libavcodec, libavformat, libavutil and libswscale with their decoders, demuxers and
#               parsers only, for libVLC 3's avcodec, avformat and swscale plugins (Debian 12 built
#               them against FFmpeg 5.1's ABI).
# Debian's own FFmpeg links about 170 MB of libraries Sound-On never calls (codec2, x265, SVT-AV1,
# librsvg, flite, OpenCL …): these builds link only x264, LAME, Opus, Vorbis, dav1d, libvpx, SoX's
# resampler and libxcb (for x11grab), which are small and which libVLC's own plugins mostly link too.
#
# Usage: build-ffmpeg-linux.sh OUT   →  OUT/ffmpeg8/{bin,lib}/, OUT/ffmpeg5/lib/
# A finished build made with the same options is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:?usage: build-ffmpeg-linux.sh OUT}")
PY=.venv/bin/python
SOURCES=build/ffmpeg-sources
JOBS=$(nproc)

COMMON=(--enable-shared --disable-static --disable-doc --disable-debug --disable-autodetect
        --enable-pthreads --enable-zlib --disable-network --disable-devices)
# The decoders of the formats AI takes and post tracks come in (the same in both sets; libVLC can't
# play a take whose picture or sound is not among them): pictures H.264, HEVC, ProRes, DNxHD/HR,
# CineForm, VP8, VP9, MPEG-1/2/4, MJPEG, PNG and uncompressed; sound AAC, AC-3/E-AC-3, MP2/MP3,
# ALAC, FLAC, Opus, Vorbis, PCM. build-linux.sh and the frozen self-test check one take of every
# format a bundled ffmpeg can make (media/synth.py's TAKE_FORMATS).
TAKE_DECODERS='h264,hevc,prores,dnxhd,cfhd,vp8,vp9,mpeg1video,mpeg2video,mpeg4,mjpeg,png,rawvideo,v210,v410,r210,qtrle'
TAKE_DECODERS+=',aac,aac_latm,ac3,eac3,mp2,mp2float,mp3,mp3float,alac,flac,opus,vorbis,pcm_*'
TAKE_PARSERS='h264,hevc,mpeg4video,mpegvideo,vp8,vp9,av1,mjpeg,png,dnxhd,aac,aac_latm,ac3,mpegaudio,flac,opus,vorbis'

# What the app runs ffmpeg for: remuxing any take (video copied, audio decoded and encoded to AAC or
# PCM), loudness and level filters, thumbnails, the synthetic clips of the demo and the self-test
# (lavfi sources, x264, AAC, Opus, Vorbis, MP3, FLAC, ProRes, MPEG-4, VP9), the SoX resampler the
# swap resamples with (aresample=resampler=soxr), and x11grab for the release job's screenshot.
# Decoders: the take formats' and AV1 (dav1d); demuxers: the ones the app lets ffmpeg open
# (media/safety.py's ALLOWED_DEMUXERS, checked by tests/unit/test_bundle_layout.py). Every native
# muxer and filter stays in.
FFMPEG8=(--disable-ffplay --enable-gpl --enable-iconv
         --enable-libx264 --enable-libmp3lame --enable-libopus --enable-libvorbis --enable-libdav1d --enable-libvpx
         --enable-libsoxr
         --enable-libxcb --enable-libxcb-shm --enable-libxcb-xfixes --enable-libxcb-shape
         --disable-encoders
         --enable-encoder='aac,pcm_*,flac,alac,libx264,libopus,libvorbis,libmp3lame,libvpx_vp8,libvpx_vp9,prores_ks,mpeg4,mjpeg,png,rawvideo,wrapped_avframe'
         --enable-indev=xcbgrab,lavfi
         --disable-decoders --enable-decoder="$TAKE_DECODERS,libdav1d,av1,wrapped_avframe"
         --disable-demuxers --enable-demuxer='mov,matroska,wav,w64,aiff,flac,mp3,aac,ogg,image2,png_pipe,mjpeg'
         --disable-parsers --enable-parser="$TAKE_PARSERS")
# libVLC decodes with libavcodec and demuxes a few formats with libavformat: nothing else, and only
# the take formats (libVLC's own plugins read Vorbis, Opus, FLAC, MP3 and PCM too; AV1 is its dav1d
# plugin's). build-linux.sh plays one take of each format through the bundled libVLC
# (vlc_decodes.py) and fails if one decodes nothing.
FFMPEG5=(--disable-programs --disable-avdevice --disable-avfilter --disable-postproc --disable-swresample
         --disable-encoders --disable-muxers --disable-hwaccels
         --disable-decoders --enable-decoder="$TAKE_DECODERS"
         --disable-demuxers --enable-demuxer='mov,matroska,avi,mpegts,mpegps,mxf,wav,aiff,mp3,aac,flac,ogg,h264,hevc,m4v'
         --disable-parsers --enable-parser="$TAKE_PARSERS")

build() {  # name pin source-folder options…
  local name=$1 pin=$2 folder=$3; shift 3
  local prefix="$OUT/$name" key
  key=$(printf '%s\n' "$pin" "${COMMON[@]}" "$@" | sha256sum | cut -c1-16)
  if [[ -f "$prefix/.built-$key" ]]; then
    echo "$name: reusing $prefix"
    return
  fi
  local archive
  archive=$("$PY" packaging/bundle_layout.py fetch "$pin" "$SOURCES")
  rm -rf "$SOURCES/$folder" "$prefix"
  tar -C "$SOURCES" -xJf "$archive"
  echo "$name: building FFmpeg from $(basename "$archive") with $JOBS jobs"
  (cd "$SOURCES/$folder" && ./configure --prefix="$prefix" "${COMMON[@]}" "$@" >configure.log \
    && make -j"$JOBS" >make.log 2>&1 && make install >install.log) \
    || { echo "$name: the FFmpeg build failed; see $SOURCES/$folder/*.log" >&2; exit 1; }
  rm -rf "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share"
  touch "$prefix/.built-$key"
}

mkdir -p "$OUT" "$SOURCES"
build ffmpeg8 ffmpeg-source-8.1 ffmpeg-8.1.2 "${FFMPEG8[@]}"
build ffmpeg5 ffmpeg-source-5.1 ffmpeg-5.1.9 "${FFMPEG5[@]}"
