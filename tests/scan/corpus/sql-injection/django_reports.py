"""Reporting views of a Django back office: raw SQL where the ORM got in the way."""

# ruff: noqa: UP031, UP032

import datetime

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, F
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from django.shortcuts import render

from .models import Customer, Invoice, Product

REPORT_ORDERINGS = {
    "revenue": "total DESC",
    "customer": "customer_name ASC",
    "date": "issued_on DESC",
}
INVOICE_TABLE = Invoice._meta.db_table


def dictfetchall(cursor):
    columns = [col[0] for col in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@login_required
def revenue_by_customer(request):
    start = request.GET.get("start", "2024-01-01")
    end = request.GET.get("end", datetime.date.today().isoformat())
    ordering = REPORT_ORDERINGS.get(request.GET.get("order"), "total DESC")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.name AS customer_name, SUM(i.amount) AS total FROM {INVOICE_TABLE} i "
            "JOIN billing_customer c ON c.id = i.customer_id "
            f"WHERE i.issued_on BETWEEN %s AND %s GROUP BY c.name ORDER BY {ordering}",
            [start, end],
        )
        rows = dictfetchall(cursor)
    return JsonResponse({"rows": rows})


@login_required
def invoice_search(request):
    number = request.GET.get("number", "")
    invoices = Invoice.objects.raw(  # expect: PR108
        "SELECT * FROM billing_invoice WHERE number LIKE '%%" + number + "%%'"
    )
    return render(request, "billing/invoices.html", {"invoices": invoices})


@login_required
def invoice_search_safe(request):
    number = request.GET.get("number", "")
    invoices = Invoice.objects.raw(
        "SELECT * FROM billing_invoice WHERE number LIKE %s", [f"%{number}%"]
    )
    return render(request, "billing/invoices.html", {"invoices": invoices})


@login_required
def overdue(request):
    days = request.GET.get("days", "30")
    qs = Invoice.objects.filter(paid=False).extra(  # expect: PR108
        where=["issued_on < now() - interval '%s days'" % days]
    )
    return render(request, "billing/overdue.html", {"invoices": qs})


@login_required
def overdue_safe(request):
    days = int(request.GET.get("days", "30"))
    qs = Invoice.objects.filter(paid=False).extra(
        where=["issued_on < now() - (%s * interval '1 day')"], params=[days]
    )
    return render(request, "billing/overdue.html", {"invoices": qs})


@login_required
def customers_with_flag(request):
    region = request.GET.get("region", "EU")
    customers = Customer.objects.annotate(
        is_local=RawSQL("SELECT region = %s FROM billing_address WHERE id = address_id", (region,))
    )
    return render(request, "billing/customers.html", {"customers": customers})


@login_required
def product_scores(request):
    weight = request.GET.get("weight", "1")
    products = Product.objects.annotate(
        score=RawSQL(  # expect: PR108
            "SELECT views * {} FROM catalog_stats s WHERE s.product_id = catalog_product.id".format(
                weight
            ),
            (),
        )
    ).order_by("-score")
    return render(request, "catalog/scores.html", {"products": products})


@login_required
def top_products(request):
    limit = min(int(request.GET.get("limit", 10)), 100)
    products = Product.objects.annotate(
        orders=Count("orderline"), margin=F("price") - F("cost")
    ).order_by("-orders")[:limit]
    return render(request, "catalog/top.html", {"products": products})


@login_required
def table_sizes(request):
    tables = [m._meta.db_table for m in (Invoice, Customer, Product)]
    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT COUNT(*) FROM %s" % connection.ops.quote_name(table))
            sizes[table] = cursor.fetchone()[0]
    return JsonResponse(sizes)


@login_required
def export_ledger(request):
    account = request.GET["account"]
    with connection.cursor() as cursor:
        sql = "SELECT posted_on, amount, memo FROM ledger_entry WHERE account = '{}'".format(
            account
        )
        cursor.execute(sql)  # expect: PR108
        return JsonResponse({"entries": dictfetchall(cursor)})
