// 通办 Tongban — small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // 朗读 (read aloud) through the browser's own speech synthesis.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-read-aloud]");
    if (!button) { return; }
    if (!("speechSynthesis" in window)) {
      var status = document.getElementById("read-aloud-status");
      if (status) { status.textContent = button.getAttribute("data-unsupported") || ""; }
      return;
    }
    var synth = window.speechSynthesis;
    if (synth.speaking) { synth.cancel(); return; }
    var main = document.querySelector("main");
    var utterance = new SpeechSynthesisUtterance(main ? main.innerText : document.body.innerText);
    utterance.lang = document.documentElement.lang || "zh-CN";
    utterance.rate = 0.9;
    synth.speak(utterance);
  });
  // Selects marked data-autosubmit submit their form on change (the button stays for no-JS use).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.submit(); }
  });
})();
