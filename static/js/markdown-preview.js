// Live preview for the article editor in the admin. The server renders and sanitizes the
// Markdown exactly as the public page will, so what staff see is what readers get.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(editor) {
    const source = editor.querySelector("textarea");
    const preview = editor.querySelector(".markdown-preview");
    const url = editor.dataset.previewUrl;
    let timer = null;
    let latest = 0;

    async function refresh() {
      const request = ++latest;
      const body = new FormData();
      body.append("body", source.value);
      try {
        const response = await fetch(url, {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": csrfToken(source.form) },
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(response.statusText);
        const data = await response.json();
        // Ignore answers that arrive after a newer request was sent.
        if (request === latest) preview.innerHTML = data.html;
      } catch (error) {
        preview.textContent = "The preview is not available right now; your text is safe.";
      }
    }

    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdown-editor").forEach(attach);
  });
})();
