"""Public catalogue pages: thin class-based views over querysets and the search module."""

from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "catalogue/home.html"
