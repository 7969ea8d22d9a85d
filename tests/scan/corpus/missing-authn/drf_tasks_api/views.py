# ruff: noqa: RUF012
from django.db.models import Q
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Label, Project, Task
from .permissions import IsProjectMember
from .serializers import LabelSerializer, ProjectSerializer, RegisterSerializer, TaskSerializer


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated, IsProjectMember]

    def get_queryset(self):
        user = self.request.user
        return Project.objects.filter(Q(owner=user) | Q(members=user)).distinct()

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        project = self.get_object()
        project.archived = True
        project.save(update_fields=["archived"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskViewSet(viewsets.ModelViewSet):  # expect: PR105, PR106
    queryset = Task.objects.select_related("project").all()
    serializer_class = TaskSerializer
    filterset_fields = ["project", "done"]


class LabelViewSet(viewsets.ModelViewSet):
    queryset = Label.objects.all()
    serializer_class = LabelSerializer
    permission_classes = [IsAdminUser]


class LabelList(generics.ListAPIView):
    queryset = Label.objects.all()
    serializer_class = LabelSerializer


class BulkCompleteView(APIView):
    def post(self, request):  # expect: PR105
        ids = request.data.get("ids", [])
        updated = Task.objects.filter(pk__in=ids).update(done=True)  # expect: PR106
        return Response({"updated": updated})


class ProjectTransferView(APIView):
    permission_classes = [AllowAny]

    def post(self, request, pk):  # expect: PR105
        project = Project.objects.get(pk=pk)  # expect: PR106
        project.owner_id = request.data["new_owner"]
        project.save(update_fields=["owner"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegisterView(generics.CreateAPIView):
    serializer_class = RegisterSerializer
    permission_classes = [AllowAny]


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def duplicate_task(request, pk):
    task = Task.objects.get(pk=pk, project__owner=request.user)
    task.pk = None
    task.save()
    return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


@api_view(["DELETE"])
def clear_done(request, project_pk):  # expect: PR105
    deleted, _ = Task.objects.filter(project_id=project_pk, done=True).delete()  # expect: PR106
    return Response({"deleted": deleted})


@api_view(["GET"])
def stats(request):
    return Response({"projects": Project.objects.count(), "tasks": Task.objects.count()})
