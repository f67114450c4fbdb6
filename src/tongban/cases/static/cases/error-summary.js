// 出错时: bring the list of what to fix into view and give it focus, so a phone user and a screen
// reader start there; each line links to its field.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
});
