"""The Kitsu password, kept in the OS keyring (keyring), never in the library or the log. The user
(an e-mail) is remembered there too, so the next sync needs only the server's address."""
from __future__ import annotations

from soundon.core.errors import SoundOnError

_USER_KEY = "(user)"


class KeyringUnavailable(SoundOnError, RuntimeError):
    pass


def _service(url: str) -> str:
    return f"Sound-On Kitsu {url.strip().rstrip('/')}"


def _keyring():
    try:
        import keyring                     # noqa: PLC0415 — the team extra
        import keyring.errors              # noqa: PLC0415
    except ImportError:
        raise KeyringUnavailable("Syncing with Kitsu needs Sound-On's team extra: pip install 'soundon[team]'.") from None
    return keyring


def remembered_user(url: str) -> str | None:
    return _read(url, _USER_KEY)


def stored_password(url: str, user: str) -> str | None:
    return _read(url, user)


def _read(url: str, name: str) -> str | None:
    keyring = _keyring()
    try:
        return keyring.get_password(_service(url), name)
    except keyring.errors.KeyringError:
        return None                        # no usable keyring: asked for each time


def keep(url: str, user: str, password: str) -> None:
    """Raises KeyringUnavailable (the sync goes on; the password is asked again next time)."""
    keyring = _keyring()
    try:
        keyring.set_password(_service(url), user, password)
        keyring.set_password(_service(url), _USER_KEY, user)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"The password could not be kept in the system keyring ({exc}); "
                                 "it will be asked for again.") from None


def forget(url: str, user: str) -> None:
    """A password the server refused is not kept."""
    keyring = _keyring()
    try:
        keyring.delete_password(_service(url), user)
    except keyring.errors.KeyringError:
        pass
