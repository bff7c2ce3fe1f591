// The catalogue's filters apply as soon as they change: the page the form asks for is fetched and its results
// block (#catalogue-results) replaces this one. Without this script the form works as it is, with its buttons.
(function () {
  "use strict";

  var form = document.getElementById("catalogue-form");
  if (!form || !window.fetch || !window.DOMParser || !window.history.pushState) {
    return;
  }
  var wide = window.matchMedia("(min-width: 56rem)");
  var pending = null;

  function filters() {
    return document.getElementById("filters");
  }

  // Beside the results on wide screens the filters are always open; on narrow ones they open from "Filter (n)".
  function openOnWideScreens() {
    var details = filters();
    if (details && wide.matches) {
      details.open = true;
    }
  }

  // The form's address without empty fields, nor the sort order when it is the default one.
  function formUrl() {
    var params = new URLSearchParams();
    var sort = form.querySelector("select[name=sort]");
    var defaultSort = sort && sort.selectedOptions[0] && sort.selectedOptions[0].hasAttribute("data-default");
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && !(name === "sort" && defaultSort)) {
        params.append(name, value);
      }
    });
    var query = params.toString();
    return form.action + (query ? "?" + query : "");
  }

  function replaceResults(html, focusedId, filtersOpen) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var block = fresh.getElementById("catalogue-results");
    var current = document.getElementById("catalogue-results");
    if (!block || !current) {
      return false;
    }
    current.replaceWith(document.adoptNode(block));
    document.title = fresh.title;
    // The header's language links carry the query string too.
    var switcher = fresh.querySelector(".language-switcher");
    var oldSwitcher = document.querySelector(".language-switcher");
    if (switcher && oldSwitcher) {
      oldSwitcher.replaceWith(document.adoptNode(switcher));
    }
    var details = filters();
    if (details && filtersOpen) {
      details.open = true;
    }
    openOnWideScreens();
    var heading = document.getElementById("results-heading");
    document.getElementById("catalogue-status").textContent = heading ? heading.textContent : "";
    var focus = (focusedId && document.getElementById(focusedId)) || heading;
    if (focus) {
      focus.focus({ preventScroll: true });
    }
    return true;
  }

  function apply() {
    var url = formUrl();
    var active = document.activeElement;
    var focusedId = active && form.contains(active) ? active.id : "";
    var details = filters();
    var filtersOpen = Boolean(details && details.open);
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    form.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (!replaceResults(html, focusedId, filtersOpen)) {
          throw new Error("no results block");
        }
        window.history.pushState({ catalogue: true }, "", url);
        form.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.assign(url); // let the server answer as it would without this script
        }
      });
  }

  form.addEventListener("change", function (event) {
    var field = event.target;
    if (field.name === "q" || (field.validity && !field.validity.valid)) {
      return; // a search runs on Enter or the Search button; a half-typed year waits
    }
    apply();
  });

  // Back and forward restore the page of that address as the server gives it.
  window.addEventListener("popstate", function () {
    window.location.reload();
  });

  form.classList.add("catalogue-form--live");
  openOnWideScreens();
  wide.addEventListener("change", openOnWideScreens);
})();
