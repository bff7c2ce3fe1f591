"""Driving the admin as a staff member would: the POST a change page's form sends, edited by the test."""

import lxml.html
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from catalogue.tests.factories import create_staff


def admin_url(model, page: str, obj=None) -> str:
    args = [obj.pk] if page in ("change", "delete") else []
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_values(client: Client, url: str) -> dict:
    """What the browser would post from the change form at `url`: every field as the page shows it."""
    response = client.get(url)
    assert response.status_code == 200
    model_name = response.context["opts"].model_name
    form = next(f for f in lxml.html.fromstring(response.content).forms if f.get("id") == f"{model_name}_form")
    data: dict = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def full_form(obj) -> dict:
    """The whole change form of `obj` as a superuser sees it: the base of a hand-made POST by anyone."""
    reader = User.objects.filter(username="form-reader").first() or create_staff("form-reader", superuser=True)
    return form_values(client_for(reader), admin_url(type(obj), "change", obj))


def add_inline_row(data: dict, prefix: str, row: dict) -> None:
    """Append a new row to the inline formset `prefix` in `data`."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})


def form_errors(response) -> dict:
    """The main form's errors of an admin response that re-displayed the form."""
    assert response.status_code == 200, response.status_code
    return {field: [str(m) for m in errors] for field, errors in response.context["adminform"].form.errors.items()}
