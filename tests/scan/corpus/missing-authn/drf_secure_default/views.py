# ruff: noqa: RUF012
"""Billing API. Every view requires a JWT through DEFAULT_PERMISSION_CLASSES."""

from django.shortcuts import get_object_or_404
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Invoice, PaymentMethod, Plan, Subscription
from .serializers import (
    InvoiceSerializer,
    PaymentMethodSerializer,
    PlanSerializer,
    SubscriptionSerializer,
)


class PlanList(generics.ListAPIView):
    queryset = Plan.objects.filter(public=True)
    serializer_class = PlanSerializer
    permission_classes = [AllowAny]


class SubscriptionViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SubscriptionSerializer

    def get_queryset(self):
        return Subscription.objects.filter(customer__user=self.request.user)

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        subscription = self.get_object()
        subscription.pause()
        return Response(status=status.HTTP_202_ACCEPTED)


class PaymentMethodViewSet(viewsets.ModelViewSet):
    serializer_class = PaymentMethodSerializer

    def get_queryset(self):
        return PaymentMethod.objects.filter(customer__user=self.request.user)


class InvoiceRetry(APIView):
    def post(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk, customer__user=request.user)
        invoice.retry_payment()
        return Response(InvoiceSerializer(invoice).data)


@api_view(["POST"])
def change_plan(request):
    subscription = get_object_or_404(Subscription, customer__user=request.user)
    subscription.change_plan(request.data["plan"])
    return Response(SubscriptionSerializer(subscription).data)


@api_view(["DELETE"])
def delete_payment_method(request, pk):
    PaymentMethod.objects.filter(pk=pk, customer__user=request.user).delete()
    return Response(status=status.HTTP_204_NO_CONTENT)
