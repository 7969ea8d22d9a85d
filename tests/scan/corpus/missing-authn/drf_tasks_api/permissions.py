from rest_framework import permissions


class IsProjectMember(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        project = getattr(obj, "project", obj)
        return (
            project.owner_id == request.user.id
            or project.members.filter(pk=request.user.pk).exists()
        )
