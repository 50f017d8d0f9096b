// Click-to-load video: the player's frame (and any request to its host) is created only when the
// reader presses play.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".video-consent").forEach(function (box) {
      const button = box.querySelector(".video-consent-play");
      button.addEventListener("click", function () {
        const frame = document.createElement("iframe");
        frame.src = box.dataset.embedUrl + "?autoplay=1";
        frame.title = box.dataset.title;
        frame.className = "video-frame";
        frame.allow = "autoplay; fullscreen; picture-in-picture";
        frame.referrerPolicy = "strict-origin-when-cross-origin";
        box.replaceWith(frame);
        frame.focus();
      });
    });
  });
})();
