"""Settings in one place: a ``SITROOM_*`` environment variable, else the key of the same
name in ``sitroom.toml`` beside the store (or the file ``SITROOM_CONFIG`` names), else the
default below. ``private = true`` in the file is ``SITROOM_PRIVATE=1`` in the environment.

An unknown key in the file is an error, so that a misspelt security setting is never
silently ignored. Add a setting here (a typed field with its default and a line of
documentation), never by reading ``os.environ`` elsewhere.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path

CONFIG_NAME = "sitroom.toml"


class SettingsError(ValueError):
    pass


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    # --- who may read
    private: bool = False                 # every page and API route needs a login
    # --- sessions and login
    session_idle_hours: float = 12.0      # a session unused this long ends
    session_max_days: float = 7.0         # and every session ends this long after login
    login_rate: str = "5/minute"          # failed logins per client address and name
    login_rate_address: str = "30/minute"  # failed logins per client address, any name
    password_min_length: int = 10
    cookie_secure: bool = False           # cookies only over HTTPS (set when served behind TLS)
    origins: tuple[str, ...] = ()         # other origins allowed to post (a proxy's public URL)
    # --- requests
    max_body_bytes: int = 1_048_576       # larger request bodies are refused (413)
    # --- fetching
    allow_private: str = ""               # "1": fetch from loopback/private addresses too; or networks "10.0.0.0/8,..."
    max_fetch: int = 500                  # HTTP requests per run, redirects included
    # --- extraction
    time_budget: float = 30.0             # seconds per document; over it, the source is marked failed
    # --- pages
    tiles: str = ""                       # a web tile URL for the map (none: offline outlines)
    web_assets: str = ""                  # folder of the map's npm packages (default: ./node_modules)

    @property
    def session_idle_seconds(self) -> float:
        return self.session_idle_hours * 3600

    @property
    def session_max_seconds(self) -> float:
        return self.session_max_days * 86400


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def config_path(db: str | None, env: Mapping[str, str] | None = None) -> Path | None:
    """The settings file: ``SITROOM_CONFIG``, else ``sitroom.toml`` beside a SQLite store,
    else in the working folder (a server store)."""
    env = os.environ if env is None else env
    if env.get("SITROOM_CONFIG"):
        return Path(env["SITROOM_CONFIG"]).expanduser()
    if db and "://" not in db:
        return Path(db).expanduser().resolve().parent / CONFIG_NAME
    return Path.cwd() / CONFIG_NAME


def _convert(name: str, value: object, origin: str) -> object:
    tp = typing.get_type_hints(Settings)[name]
    try:
        if tp is bool:
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in _TRUE or s in _FALSE:
                return s in _TRUE
            raise ValueError("not a yes/no value")
        if tp is int and not isinstance(value, bool):
            return int(value)
        if tp is float and not isinstance(value, bool):
            out = float(value)
            if not out > 0:
                raise ValueError("must be above 0")
            return out
        if tp is str:
            return str(value)
        if typing.get_origin(tp) is tuple:
            items = value if isinstance(value, list) else str(value).replace(",", " ").split()
            return tuple(str(v).rstrip("/") for v in items if str(v).strip())
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{origin}: {name} = {value!r}: {exc}") from None
    raise SettingsError(f"{origin}: {name} = {value!r}: expected {tp}")


def load(db: str | None = None, env: Mapping[str, str] | None = None, **overrides) -> Settings:
    """The settings for the store ``db``; ``overrides`` (from command-line options) win."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    path = config_path(db, env)
    if path is not None and path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}") from None
        data = data.get("sitroom", data) if isinstance(data.get("sitroom"), dict) else data
        for key, value in data.items():
            if key not in FIELDS:
                raise SettingsError(f"{path}: unknown setting {key!r} (known: {', '.join(FIELDS)})")
            values[key] = _convert(key, value, str(path))
    for name in FIELDS:
        var = "SITROOM_" + name.upper()
        if var in env:
            values[name] = _convert(name, env[var], var)
    for name, value in overrides.items():
        if value is not None:
            values[name] = _convert(name, value, f"--{name.replace('_', '-')}")
    return Settings(**values)
