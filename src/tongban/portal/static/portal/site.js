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
  // Selects marked data-autosubmit submit their form when a choice is made with the mouse or a
  // finger. With the keyboard, arrow keys change the value at once (and fire "change"), so a
  // keyboard user only moves through the options; they submit with Enter or the button beside
  // the select (WCAG 3.2.2 On Input). Without this file the button does the work.
  var keyboardChange = false;
  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches("select[data-autosubmit]")) { return; }
    if (event.key === "Enter") {
      event.preventDefault();
      if (event.target.form.requestSubmit) { event.target.form.requestSubmit(); } else { event.target.form.submit(); }
      return;
    }
    keyboardChange = true;
  });
  document.addEventListener("pointerdown", function () { keyboardChange = false; }, true);
  document.addEventListener("change", function (event) {
    if (!event.target.matches("select[data-autosubmit]")) { return; }
    if (keyboardChange) { keyboardChange = false; return; }
    event.target.form.submit();
  });
})();
