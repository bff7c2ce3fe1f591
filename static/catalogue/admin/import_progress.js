/* An import run's page (templates/admin/catalogue/import_run.html): ask the run's progress every second and show
   it (what the run is doing, in the words the page carries in its data-label-* attributes, and the records done
   out of the total); once the run has ended, reload the page, which then shows the result and the errors. A static file, as the
   admin's Content-Security-Policy allows no inline script. */
(function () {
    "use strict";

    const DELAY = 1000;

    function follow(box) {
        const bar = document.getElementById("import-run-progress");
        const counts = document.getElementById("import-run-counts");
        const stage = document.getElementById("import-run-stage");
        const url = box.dataset.progressUrl;

        function show(progress) {
            if (progress.status === "done" || progress.status === "failed") {
                window.location.reload();
                return;
            }
            const name = progress.status === "running" && progress.stage ? progress.stage : progress.status;
            const label = box.getAttribute("data-label-" + name) || box.getAttribute("data-label-running");
            if (label && stage.textContent !== label) {
                stage.textContent = label;
            }
            if (progress.total) {
                bar.max = progress.total;
                bar.value = progress.done;
                counts.textContent = progress.done.toLocaleString() + " / " + progress.total.toLocaleString();
            }
            window.setTimeout(ask, DELAY);
        }

        function ask() {
            fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
                .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
                .then(show)
                .catch(() => window.setTimeout(ask, DELAY * 5));
        }

        window.setTimeout(ask, DELAY);
    }

    document.addEventListener("DOMContentLoaded", function () {
        const box = document.getElementById("import-run");
        if (box) {
            follow(box);
        }
    });
})();
