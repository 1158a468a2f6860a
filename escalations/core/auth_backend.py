"""Django's model backend, with each login's permissions kept under the configuration token
(any change to users, roles or permissions gives a new token): checking a permission on an
admin page or an API call costs no query."""

from django.contrib.auth.backends import ModelBackend

from escalations.core.config_cache import config_cached


class CachedModelBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, cache_name):
            setattr(
                user_obj,
                cache_name,
                config_cached(
                    f"{from_name}_permissions",
                    (user_obj.pk, user_obj.is_superuser),
                    lambda: frozenset(
                        super(CachedModelBackend, self)._get_permissions(user_obj, obj, from_name)
                    ),
                ),
            )
        return getattr(user_obj, cache_name)
