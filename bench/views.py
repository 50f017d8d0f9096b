"""The ceilings `make bench` measures pages against, served by the same server through the
project's own middleware: a view returning "ok", and one rendering a 20-row template. Routed
only when DJANGO_BENCH_VIEWS is set (bench/run.py sets it); never in a clinic's site."""

from django.http import HttpResponse
from django.shortcuts import render

ROWS = [{"name": f"Row {n}", "value": n * 7} for n in range(20)]


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def twenty_rows(request):
    return render(request, "bench/twenty_rows.html", {"rows": ROWS})
