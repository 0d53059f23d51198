# The contrib hook copies the metadata of a distribution named "webrtcvad"; the wheels this project
# installs are published as webrtcvad-wheels, which webrtcvad.py also reads its version from.
from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("webrtcvad-wheels")
