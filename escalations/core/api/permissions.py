from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django's model permissions, with reads needing the view permission too."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class CanTransitionTickets(ModelPermissions):
    perms_map = {
        **ModelPermissions.perms_map,
        "POST": ["%(app_label)s.view_%(model_name)s", "%(app_label)s.transition_ticket"],
    }


class CanChangeTickets(ModelPermissions):
    perms_map = {
        **ModelPermissions.perms_map,
        "POST": ["%(app_label)s.view_%(model_name)s", "%(app_label)s.change_%(model_name)s"],
    }


class CanSendVerdicts(ModelPermissions):
    perms_map = {
        **ModelPermissions.perms_map,
        "POST": ["%(app_label)s.view_%(model_name)s", "%(app_label)s.add_aiverdict"],
    }


class CanWriteMessages(ModelPermissions):
    perms_map = {
        **ModelPermissions.perms_map,
        "POST": ["%(app_label)s.view_%(model_name)s", "%(app_label)s.add_message"],
    }


class CanReadAuditTrail(ModelPermissions):
    perms_map = {
        **ModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s", "%(app_label)s.view_ticketevent"],
        "HEAD": ["%(app_label)s.view_%(model_name)s", "%(app_label)s.view_ticketevent"],
    }
