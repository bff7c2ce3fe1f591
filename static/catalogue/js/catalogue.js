// Filters that apply as soon as they change: a form marked `data-live-results="<id>"` fetches the page it asks for
// and that page's block with the same id replaces this one (the catalogue's facets, the workshop list's year and
// city). `data-live-status` names the live region that announces the new heading (`data-live-heading`, inside the
// block). Without this script every form works as it is, with its buttons.
(function () {
  "use strict";

  if (!document.querySelector("form[data-live-results]") || !window.fetch || !window.DOMParser || !window.history.pushState) {
    return;
  }
  var wide = window.matchMedia("(min-width: 56rem)");
  var pending = null;

  // Beside the results on wide screens the catalogue's filters are always open; on narrow ones they open from
  // "Filter (n)".
  function openOnWideScreens() {
    var details = document.getElementById("filters");
    if (details && wide.matches) {
      details.open = true;
    }
  }

  // The form's address without empty fields, nor the sort order when it is the default one.
  function formUrl(form) {
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

  function replaceResults(html, blockId, statusId, focusedId, filtersOpen) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var block = fresh.getElementById(blockId);
    var current = document.getElementById(blockId);
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
    var details = document.getElementById("filters");
    if (details && filtersOpen) {
      details.open = true;
    }
    openOnWideScreens();
    var heading = block.querySelector("[data-live-heading]");
    var status = statusId && document.getElementById(statusId);
    if (status) {
      status.textContent = heading ? heading.textContent.trim() : "";
    }
    var focus = (focusedId && document.getElementById(focusedId)) || heading;
    if (focus) {
      focus.focus({ preventScroll: true });
    }
    return true;
  }

  function apply(form) {
    var url = formUrl(form);
    var blockId = form.getAttribute("data-live-results");
    var statusId = form.getAttribute("data-live-status");
    var active = document.activeElement;
    var focusedId = active && form.contains(active) ? active.id : "";
    var details = document.getElementById("filters");
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
        if (!replaceResults(html, blockId, statusId, focusedId, filtersOpen)) {
          throw new Error("no results block");
        }
        window.history.pushState({ liveFilters: true }, "", url);
        form.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.assign(url); // let the server answer as it would without this script
        }
      });
  }

  // Listened to on the document: a form inside the block it replaces is itself replaced.
  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field.form;
    if (!form || !form.hasAttribute("data-live-results")) {
      return;
    }
    if (field.name === "q" || (field.validity && !field.validity.valid)) {
      return; // a search runs on Enter or the Search button; a half-typed year waits
    }
    apply(form);
  });

  // Back and forward restore the page of that address as the server gives it.
  window.addEventListener("popstate", function () {
    window.location.reload();
  });

  document.documentElement.classList.add("live-filters");
  openOnWideScreens();
  wide.addEventListener("change", openOnWideScreens);
})();
