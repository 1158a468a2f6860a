"""Configuration changes give a new configuration token (see `config_cache`).

Each domain names its configuration models and many-to-many links here, from its hooks'
`register()`: a save, a delete or a membership change of one of them is a change of
configuration, in the same transaction.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from escalations.core.config_cache import config_changed

# Configuration outside Handoff's own models: logins, groups, permissions, API tokens.
_CONFIGURATION: list[str] = ["auth.Group", "auth.Permission", "auth.User", "knox.AuthToken"]
_LINKS: list[str] = ["auth.User.groups", "auth.User.user_permissions", "auth.Group.permissions"]


def _configuration_changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login is not a change of configuration
    config_changed()


def _memberships_changed(sender, action=None, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        config_changed()


def _connect_model(label: str) -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            _configuration_changed,
            sender=label,
            dispatch_uid=f"config_changed_{signal is post_save}_{label}",
        )


def _through(link: str):
    label, _, field = link.rpartition(".")
    return getattr(apps.get_model(label), field).through


def _connect_link(link: str) -> None:
    through = _through(link)
    m2m_changed.connect(
        _memberships_changed, sender=through, dispatch_uid=f"config_m2m_{through.__name__}"
    )


def configuration_register(*, models: tuple[str, ...] = (), links: tuple[str, ...] = ()) -> None:
    """Models (`app_label.Model`) whose rows are configuration, and many-to-many fields
    (`app_label.Model.field`) whose links are."""
    for label in models:
        if label not in _CONFIGURATION:
            _CONFIGURATION.append(label)
            _connect_model(label)
    for link in links:
        if link not in _LINKS:
            _LINKS.append(link)
            _connect_link(link)


def configuration_models() -> tuple[str, ...]:
    """The models whose rows are configuration (app_label.ModelName)."""
    return tuple(_CONFIGURATION)


def configuration_links() -> tuple:
    """The many-to-many tables of configuration: a change to one is a change of configuration."""
    return tuple(_through(link) for link in _LINKS)


for _label in _CONFIGURATION:
    _connect_model(_label)
for _link in _LINKS:
    _connect_link(_link)
