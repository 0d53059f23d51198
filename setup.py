"""The package's one compiled part, the audio graph's loops (desktop/soundon/media/dsp/_loops.c, which says
why). Everything else about the package is in pyproject.toml."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("soundon.media.dsp._loops", ["desktop/soundon/media/dsp/_loops.c"])])
