"""The public site: pages for visitors (urls, views, presenters, the catalogue's FilterSet, template tags)."""
