"""Catalogue API on Django REST framework; a few endpoints drop to SQL for speed."""

# ruff: noqa: RUF012, UP031, UP032

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Product, Review
from .serializers import ProductSerializer, ReviewSerializer

ORDERING_FIELDS = ("price", "name", "rating")
DISTANCE_SQL = "earth_distance(ll_to_earth(%s, %s), ll_to_earth(lat, lng))"


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        qs = Product.objects.filter(active=True)
        ordering = self.request.query_params.get("ordering", "name")
        if ordering.lstrip("-") in ORDERING_FIELDS:
            qs = qs.order_by(ordering)
        brand = self.request.query_params.get("brand")
        if brand:
            qs = qs.extra(  # expect: PR108
                where=["brand_id IN (SELECT id FROM brands WHERE slug = '%s')" % brand]
            )
        return qs

    @action(detail=False)
    def nearby(self, request):
        lat = float(request.query_params["lat"])
        lng = float(request.query_params["lng"])
        qs = Product.objects.annotate(distance=RawSQL(DISTANCE_SQL, (lat, lng))).order_by(
            "distance"
        )
        return Response(ProductSerializer(qs[:20], many=True).data)

    @action(detail=False)
    def nearby_unsafe(self, request):
        lat = request.query_params["lat"]
        lng = request.query_params["lng"]
        distance = RawSQL(  # expect: PR108
            f"earth_distance(ll_to_earth({lat}, {lng}), ll_to_earth(lat, lng))", ()
        )
        qs = Product.objects.annotate(distance=distance).order_by("distance")
        return Response(ProductSerializer(qs[:20], many=True).data)

    @action(detail=False)
    def search(self, request):
        q = request.query_params.get("q", "")
        with connection.cursor() as cursor:
            cursor.execute(  # expect: PR108
                "SELECT rowid FROM product_fts WHERE product_fts MATCH '%s' LIMIT 50" % q
            )
            ids = [row[0] for row in cursor.fetchall()]
        return Response(ProductSerializer(Product.objects.filter(pk__in=ids), many=True).data)

    @action(detail=False)
    def search_safe(self, request):
        q = request.query_params.get("q", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM product_fts WHERE product_fts MATCH %s LIMIT 50", [q])
            ids = [row[0] for row in cursor.fetchall()]
        qs = Product.objects.filter(Q(pk__in=ids) | Q(name__icontains=q))
        return Response(ProductSerializer(qs, many=True).data)

    @action(detail=True)
    def similar(self, request, pk=None):
        product = self.get_object()
        similar = Product.objects.raw(
            "SELECT p.* FROM catalog_product p WHERE p.category_id = %s AND p.id <> %s LIMIT 10",
            [product.category_id, product.pk],
        )
        return Response(ProductSerializer(similar, many=True).data)


class ReviewViewSet(viewsets.ModelViewSet):
    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        product = self.request.query_params.get("product")
        sort = self.request.query_params.get("sort", "created")
        qs = Review.objects.all()
        if product:
            qs = qs.filter(product_id=product)
        return qs.extra(order_by=[sort])  # expect: PR108

    @action(detail=False)
    def stats(self, request):
        table = connection.ops.quote_name(Review._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT product_id, avg(rating) FROM {table} GROUP BY product_id")
            rows = cursor.fetchall()
        return Response({str(pid): avg for pid, avg in rows})

    @action(detail=False)
    def by_author(self, request):
        author = request.query_params.get("author", "")
        reviews = Review.objects.raw(  # expect: PR108
            "SELECT * FROM catalog_review WHERE author_name = '{}'".format(author)
        )
        return Response(ReviewSerializer(reviews, many=True).data)
