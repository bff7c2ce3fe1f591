"""Fixtures of the machine-output tests."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from catalogue.interop.oai.protocol import OAI_DC_NS, OAI_NS


@pytest.fixture(scope="session")
def oai_schema():
    """OAI-PMH.xsd with oai_dc.xsd imported beside it, read from ../shared/schemas."""
    schema_dir = Path(settings.BASE_DIR).parent / "shared" / "schemas"
    if not schema_dir.is_dir():
        message = f"OAI-PMH schema tests need the schemas folder {schema_dir}, which is absent"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message}; CI must provide it.")
        pytest.skip(message)
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="{OAI_NS}" schemaLocation="{(schema_dir / "OAI-PMH.xsd").as_uri()}"/>
      <xs:import namespace="{OAI_DC_NS}" schemaLocation="{(schema_dir / "oai_dc.xsd").as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper, etree.XMLParser(no_network=True)))
