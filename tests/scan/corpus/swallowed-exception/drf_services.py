# ruff: noqa: E722, SIM105
"""DRF viewsets and service functions of an inventory API."""

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from inventory.models import Product, StockMovement, Supplier
from inventory.serializers import ProductSerializer
from inventory.suppliers import SupplierClient
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer

    @action(detail=True, methods=["post"])
    def restock(self, request, pk=None):
        product = self.get_object()
        qty = int(request.data.get("quantity", 0))
        try:
            with transaction.atomic():
                product.stock += qty
                product.save()
                StockMovement.objects.create(product=product, delta=qty)
        except IntegrityError:
            return Response({"detail": "conflict"}, status=status.HTTP_409_CONFLICT)
        except Exception:  # expect: PR103
            return Response({"restocked": qty})
        return Response({"restocked": qty})

    @action(detail=True, methods=["post"])
    def sync_price(self, request, pk=None):
        product = self.get_object()
        try:
            price = SupplierClient().price_for(product.sku)
        except Exception as exc:
            logger.warning("supplier price lookup failed for %s: %s", product.sku, exc)
            return Response({"detail": "supplier unavailable"}, status=502)
        product.price = Decimal(price)
        product.save(update_fields=["price"])
        return Response({"price": str(product.price)})

    @action(detail=False, methods=["get"])
    def low_stock(self, request):
        threshold = request.query_params.get("threshold", "5")
        try:
            threshold = int(threshold)
        except:  # expect: PR103
            threshold = 5
        items = Product.objects.filter(stock__lt=threshold)
        return Response(ProductSerializer(items, many=True).data)

    def perform_destroy(self, instance):
        try:
            SupplierClient().unlist(instance.sku)
        except Exception:  # expect: PR103
            pass
        instance.delete()


def supplier_lead_time(supplier: Supplier) -> int | None:
    try:
        return SupplierClient(supplier.api_url).lead_time_days()
    except Exception:  # expect: PR103
        return None


def import_catalogue(rows):
    created, failed = 0, []
    for row in rows:
        try:
            Product.objects.create(sku=row["sku"], name=row["name"], price=row["price"])
            created += 1
        except KeyError as missing:
            failed.append((row, f"missing {missing}"))
        except Exception as exc:
            failed.append((row, str(exc)))
    return created, failed


def reserve(product: Product, qty: int) -> bool:
    try:
        with transaction.atomic():
            locked = Product.objects.select_for_update().get(pk=product.pk)
            if locked.stock < qty:
                return False
            locked.stock -= qty
            locked.save()
    except Exception:
        logger.exception("reservation failed for product %s", product.pk)
        return False
    return True


def stock_value() -> Decimal:
    total = Decimal("0")
    for product in Product.objects.all():
        try:
            total += product.price * product.stock
        except Exception:  # expect: PR103
            continue
    return total


def notify_suppliers(products):
    client = SupplierClient()
    for product in products:
        try:
            client.notify_low_stock(product.sku)
        except Exception as exc:
            raise RuntimeError(f"supplier notification failed for {product.sku}") from exc


def archive_movements(days: int) -> int:
    try:
        deleted, _ = StockMovement.objects.older_than(days).delete()
    except Exception:
        # the job status is marked as failed for the operator
        StockMovement.mark_archive_failed()
        raise
    return deleted
