/* Reaching a translated field from a link such as …/change/#id_toc_entries-2-title_fr (the translation
   dashboard's): modeltranslation shows each language of a field in its own jQuery UI tab, so the browser cannot
   scroll to a field whose tab is closed. Once the tabs are built, open the language of the targeted field in
   every tab set (as the language switch above the form does), then bring the field into view and focus it. */
(function () {
    "use strict";

    function fieldLanguage(field) {
        // modeltranslation marks each input with the class mt-field-<field>-<language>.
        for (const name of field.classList) {
            if (name.startsWith("mt-field-")) {
                return name.split("-").pop();
            }
        }
        return null;
    }

    function openLanguage(field) {
        const language = fieldLanguage(field);
        const languageSwitch = document.getElementById("modeltranslation-main-switch");
        if (language && languageSwitch) {
            const option = Array.from(languageSwitch.options).find((o) => o.textContent.trim() === language);
            if (option && languageSwitch.value !== option.value) {
                languageSwitch.value = option.value;
                languageSwitch.dispatchEvent(new Event("change", {bubbles: true}));
            }
        }
        // The field's own tab, in case its tab set lists the languages in another order.
        const tab = document.querySelector('a[href="#tab_' + field.id + '"]');
        if (tab && tab.closest("li") && !tab.closest("li").classList.contains("ui-tabs-active")) {
            tab.click();
        }
    }

    function revealTarget() {
        const id = decodeURIComponent(window.location.hash.slice(1));
        if (!/^id_[\w-]+$/.test(id)) {
            return;
        }
        const field = document.getElementById(id);
        if (!field || !field.matches("input, textarea, select")) {
            return;
        }
        openLanguage(field);
        const fieldset = field.closest("details");
        if (fieldset) {
            fieldset.open = true;  // a collapsed fieldset
        }
        field.scrollIntoView({block: "center"});
        field.focus({preventScroll: true});
    }

    // modeltranslation builds its tabs in a jQuery ready handler, registered when its script runs; ours, registered
    // once the whole page is parsed, runs after it.
    document.addEventListener("DOMContentLoaded", function () {
        const jQuery = window.django && window.django.jQuery;
        if (jQuery) {
            jQuery(revealTarget);
        } else {
            revealTarget();
        }
    });
    window.addEventListener("hashchange", revealTarget);
}());
