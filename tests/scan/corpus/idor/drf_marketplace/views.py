# ruff: noqa: RUF012
from django.db.models import Q
from rest_framework import generics, permissions, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from .models import Address, Listing, Message, Order, Payout, Review
from .permissions import IsOwnerOrReadOnly
from .scoping import TenantScopedMixin
from .serializers import (
    AddressSerializer,
    ListingSerializer,
    MessageSerializer,
    OrderSerializer,
    PayoutSerializer,
    ReviewSerializer,
)


class ListingViewSet(viewsets.ModelViewSet):
    queryset = Listing.objects.filter(active=True)
    serializer_class = ListingSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]

    def perform_create(self, serializer):
        serializer.save(seller=self.request.user)


class OrderViewSet(viewsets.ReadOnlyModelViewSet):  # expect: PR106
    queryset = Order.objects.select_related("listing")
    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]


class OwnedQuerysetMixin:
    owner_field = "user"

    def get_queryset(self):
        return super().get_queryset().filter(**{self.owner_field: self.request.user})


class AddressViewSet(OwnedQuerysetMixin, viewsets.ModelViewSet):
    queryset = Address.objects.all()
    serializer_class = AddressSerializer
    permission_classes = [IsAuthenticated]


class AddressDetail(generics.RetrieveUpdateDestroyAPIView):  # expect: PR106
    queryset = Address.objects.all()
    serializer_class = AddressSerializer
    permission_classes = [permissions.IsAuthenticated]


class ReviewViewSet(viewsets.ModelViewSet):  # expect: PR106
    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]


class MessageViewSet(viewsets.ModelViewSet):
    serializer_class = MessageSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        user = self.request.user
        return Message.objects.filter(Q(sender=user) | Q(recipient=user))


class PayoutViewSet(TenantScopedMixin, viewsets.ModelViewSet):
    queryset = Payout.objects.all()
    serializer_class = PayoutSerializer


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def order_receipt(request, pk):
    order = Order.objects.select_related("listing").get(pk=pk)  # expect: PR106
    return Response({"title": order.listing.title, "price": str(order.listing.price)})


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_order(request, pk):
    order = Order.objects.get(pk=pk, buyer=request.user)
    return Response(OrderSerializer(order).data)


@api_view(["GET"])
def listing_reviews(request, pk):
    reviews = Review.objects.filter(listing_id=pk).order_by("-id")[:20]
    return Response(ReviewSerializer(reviews, many=True).data)


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def mark_shipped(request, pk):
    order = Order.objects.get(pk=pk)
    if order.listing.seller_id != request.user.id:
        return Response(status=403)
    order.status = "shipped"
    order.save(update_fields=["status"])
    return Response(OrderSerializer(order).data)
