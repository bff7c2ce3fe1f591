/* Ordered admin inlines (catalogue/admin/ordering.py): move rows with buttons or by drag and drop, indent
   table-of-contents rows, and keep each row's hidden position numbered 1..n in the order shown.
   The server renumbers on save; this only tells it the order. Labels come from the hidden input's data-label-*
   attributes, rendered in the page's language. */
"use strict";
(function () {
    const ROW = "tr.form-row, div.inline-related";
    let dragged = null;

    function orderInput(row) {
        return row.querySelector("input[data-ordering]");
    }

    function rowsOf(group) {
        return Array.from(group.querySelectorAll("input[data-ordering]"))
            .filter((input) => !input.name.includes("__prefix__"))
            .map((input) => input.closest(ROW));
    }

    function levelSelect(row) {
        return row.querySelector("select[name$='-level']");
    }

    function label(row, name) {
        return orderInput(row).dataset["label" + name] || name;
    }

    function button(row, action, name, symbol) {
        const element = document.createElement("button");
        element.type = "button";
        element.className = "ordering-button ordering-" + action;
        element.dataset.orderingAction = action;
        element.title = label(row, name);
        const icon = document.createElement("span");
        icon.setAttribute("aria-hidden", "true");
        icon.textContent = symbol;
        const text = document.createElement("span");
        text.className = "ordering-hidden";
        text.textContent = label(row, name);
        element.append(icon, text);
        return element;
    }

    function setUp(row) {
        if (row.querySelector(".ordering-controls")) {
            return;
        }
        const controls = document.createElement("span");
        controls.className = "ordering-controls";
        const handle = document.createElement("span");
        handle.className = "ordering-handle";
        handle.draggable = true;
        handle.title = label(row, "Drag");
        handle.setAttribute("aria-hidden", "true");
        handle.textContent = "⠿";
        const number = document.createElement("span");
        number.className = "ordering-number";
        controls.append(handle, number, button(row, "up", "Up", "↑"), button(row, "down", "Down", "↓"));
        if (levelSelect(row)) {
            controls.append(button(row, "outdent", "Outdent", "←"), button(row, "indent", "Indent", "→"));
        }
        const place = row.matches("tr") ? row.querySelector("td.original") : row.querySelector("h3");
        place.prepend(controls);
        showLevel(row);
    }

    function showLevel(row) {
        const select = levelSelect(row);
        if (select) {
            row.classList.toggle("ordering-level-1", select.value === "1");
        }
    }

    function announce(group, row) {
        const rows = rowsOf(group);
        const message = label(row, "Moved")
            .replace("%(position)s", rows.indexOf(row) + 1)
            .replace("%(count)s", rows.length);
        group.querySelector(".ordering-status").textContent = message;
    }

    function renumber(group) {
        rowsOf(group).forEach((row, index) => {
            orderInput(row).value = index + 1;
            const number = row.querySelector(".ordering-number");
            if (number) {
                number.textContent = index + 1 + ".";
            }
        });
    }

    function place(row, reference, after) {
        // A tabular row's errors are a row of their own just above it: they move with it.
        const errors = row.previousElementSibling;
        const moving = errors && errors.classList.contains("row-form-errors") ? [errors, row] : [row];
        if (after) {
            reference.after(...moving);
        } else {
            const referenceErrors = reference.previousElementSibling;
            const target = referenceErrors && referenceErrors.classList.contains("row-form-errors")
                ? referenceErrors : reference;
            target.before(...moving);
        }
    }

    function move(row, step) {
        const group = row.closest(".inline-group");
        const rows = rowsOf(group);
        const target = rows[rows.indexOf(row) + step];
        if (target) {
            place(row, target, step > 0);
            renumber(group);
        }
        announce(group, row);
    }

    function setUpGroup(group) {
        if (!group.querySelector(".ordering-status")) {
            const status = document.createElement("p");
            status.className = "ordering-hidden ordering-status";
            status.setAttribute("role", "status");
            group.append(status);
        }
        // A form sent back with errors lists its rows as they were added: show them in the order given.
        const rows = rowsOf(group);
        const position = (row) => {
            const value = parseInt(orderInput(row).value, 10);
            return Number.isNaN(value) ? Infinity : value;
        };
        const sorted = rows.slice().sort((a, b) => position(a) - position(b) || rows.indexOf(a) - rows.indexOf(b));
        sorted.forEach((row, index) => {
            if (index > 0) {
                place(row, sorted[index - 1], true);
            } else if (row !== rows[0]) {
                place(row, rows[0], false);
            }
        });
        sorted.forEach(setUp);
        renumber(group);
    }

    document.addEventListener("click", (event) => {
        const control = event.target.closest("[data-ordering-action]");
        if (!control) {
            return;
        }
        const row = control.closest(ROW);
        const action = control.dataset.orderingAction;
        if (action === "up" || action === "down") {
            move(row, action === "up" ? -1 : 1);
        } else {
            const select = levelSelect(row);
            select.value = action === "indent" ? "1" : "0";
            select.dispatchEvent(new Event("change", {bubbles: true}));
        }
        // Moving a row takes the focus away from its button: give it back.
        control.focus();
    });

    document.addEventListener("change", (event) => {
        if (event.target.matches("select[name$='-level']")) {
            showLevel(event.target.closest(ROW));
        }
    });

    document.addEventListener("dragstart", (event) => {
        if (!event.target.classList || !event.target.classList.contains("ordering-handle")) {
            return;
        }
        dragged = event.target.closest(ROW);
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", "");
        event.dataTransfer.setDragImage(dragged, 0, 0);
        dragged.classList.add("ordering-dragging");
    });

    function dropTarget(event) {
        const row = dragged && event.target.closest && event.target.closest(ROW);
        if (!row || row === dragged || !rowsOf(dragged.closest(".inline-group")).includes(row)) {
            return null;
        }
        const box = row.getBoundingClientRect();
        return {row, after: event.clientY > box.top + box.height / 2};
    }

    function clearDropMarks() {
        document.querySelectorAll(".ordering-drop-before, .ordering-drop-after").forEach((row) => {
            row.classList.remove("ordering-drop-before", "ordering-drop-after");
        });
    }

    document.addEventListener("dragover", (event) => {
        const target = dropTarget(event);
        if (target) {
            event.preventDefault();
            clearDropMarks();
            target.row.classList.add(target.after ? "ordering-drop-after" : "ordering-drop-before");
        }
    });

    document.addEventListener("drop", (event) => {
        const target = dropTarget(event);
        if (target) {
            event.preventDefault();
            const group = dragged.closest(".inline-group");
            place(dragged, target.row, target.after);
            renumber(group);
            announce(group, dragged);
        }
    });

    document.addEventListener("dragend", () => {
        clearDropMarks();
        if (dragged) {
            dragged.classList.remove("ordering-dragging");
            dragged = null;
        }
    });

    document.addEventListener("formset:added", (event) => {
        const row = event.target.closest(ROW);
        if (row && orderInput(row)) {
            setUp(row);
            renumber(row.closest(".inline-group"));
        }
    });

    document.addEventListener("formset:removed", () => {
        document.querySelectorAll(".inline-group").forEach((group) => renumber(group));
    });

    function start() {
        const groups = new Set();
        document.querySelectorAll("input[data-ordering]").forEach((input) => {
            groups.add(input.closest(".inline-group"));
        });
        groups.forEach(setUpGroup);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
